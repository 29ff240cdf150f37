"""The pandera schema layer: each check fires at the exact cell of a planted defect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from juesuan.findings import Finding
from juesuan.read import read_workbook
from juesuan.spec import load_edition
from juesuan.validators.engine import check_within
from juesuan.validators.schemas import check_schemas, schemas

SAMPLE = Path(__file__).resolve().parent.parent / "sample_workbooks" / "sample_2023.xlsx"
T3, T6 = "支出决算表", "一般公共预算财政拨款基本支出决算表"
CODES = ("VA103", "VA104", "CD101", "CD102", "CD103", "ST109")


def planted(tmp_path: Path, cells: dict[tuple[str, str], Any]) -> list[Finding]:
    """The reader's findings (the schema layer included) for the sample with cells replaced."""
    book = openpyxl.load_workbook(SAMPLE)
    for (sheet, cell), value in cells.items():
        book[sheet][cell] = value
    path = tmp_path / "planted.xlsx"
    book.save(path)
    return read_workbook(path).findings


def at(findings: list[Finding], code: str) -> list[tuple[str | None, str | None]]:
    return [(f.sheet, f.cell) for f in findings if f.code == code]


def unlisted_code() -> str:
    """A 项 code under a 款 whose 项 the 2023 dictionary lists completely, itself not listed."""
    book = load_edition(2023).function_codes
    parent = min(p for p in book.complete if len(p) == 5)
    code = next(f"{parent}{n:02d}" for n in range(1, 100) if f"{parent}{n:02d}" not in book.names)
    assert book.is_unknown(code)
    return code


def test_clean_sample_has_no_schema_findings() -> None:
    wb = read_workbook(SAMPLE)
    assert check_schemas(wb) == []
    assert not [f for f in wb.findings if f.code in CODES]


def test_negative_amount(tmp_path: Path) -> None:
    findings = planted(tmp_path, {(T3, "D9"): -5})
    assert at(findings, "VA103") == [(T3, "D9")]
    f = next(f for f in findings if f.code == "VA103")
    assert f.table == "T3" and f.place == "VA103|main|2010301|basic"
    assert "为负数 -5.00" in f.message


def test_surplus_distribution_may_be_negative(tmp_path: Path) -> None:
    wb = read_workbook(SAMPLE)
    row = wb.tables["T1"].section("expenditure").row("surplus_distribution")
    assert row is not None
    cell = next(iter(row.values.values())).cell
    findings = planted(tmp_path, {(wb.tables["T1"].sheet, cell): -1})
    assert at(findings, "VA103") == []


def test_precision_beyond_the_unit(tmp_path: Path) -> None:
    findings = planted(tmp_path, {(T3, "D9"): 1.234, (T3, "E10"): 0.001})
    assert at(findings, "VA104") == [(T3, "D9")]  # one finding per table, the cells related
    f = next(f for f in findings if f.code == "VA104")
    assert [(r.sheet, r.cell) for r in f.related] == [(T3, "D9"), (T3, "E10")]
    assert f.place == "VA104|precision"


def test_malformed_code(tmp_path: Path) -> None:
    findings = planted(tmp_path, {(T3, "A9"): "20103011", (T6, "A7"): "3010101"})
    assert sorted(at(findings, "CD101")) == sorted([(T3, "A9"), (T6, "A7")])
    assert at(findings, "CD103") == [] and at(findings, "CD102") == []


def test_unknown_code(tmp_path: Path) -> None:
    code = unlisted_code()
    findings = planted(tmp_path, {(T3, "A10"): code})
    assert at(findings, "CD102") == [(T3, "A10")]  # the code's cell, not its name's
    f = next(f for f in findings if f.code == "CD102")
    assert f.place == f"code|{code}" and "不在 2023 年科目表中" in f.message


@pytest.mark.parametrize(
    ("cells", "where"),
    [
        ({(T3, "B10"): "办公用房维修"}, (T3, "B10")),
        ({(T6, "B7"): "办公费"}, (T6, "B7")),  # T6 first panel
        ({(T6, "E7"): "基本工资"}, (T6, "E7")),  # T6 second panel
    ],
)
def test_name_mismatch(tmp_path: Path, cells: dict[tuple[str, str], Any], where: Any) -> None:
    findings = planted(tmp_path, cells)
    assert at(findings, "CD103") == [where]


def test_name_mismatch_names_the_expected_name(tmp_path: Path) -> None:
    findings = planted(tmp_path, {(T3, "B10"): "办公用房维修"})
    f = next(f for f in findings if f.code == "CD103")
    assert f.message.endswith("的名称应为「一般行政管理事务」，表中为「办公用房维修」")
    assert f.place == "name|2010302"


def test_duplicate_row(tmp_path: Path) -> None:
    findings = planted(tmp_path, {(T3, "A10"): "2010301", (T3, "B10"): "行政运行"})
    assert at(findings, "ST109") == [(T3, "A10")]


def test_engine_does_not_repeat_the_schema_findings(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAMPLE)
    book[T3]["D9"] = -1.234
    path = tmp_path / "both.xlsx"
    book.save(path)
    wb = read_workbook(path)
    within, _ = check_within(wb)
    assert {f.code for f in wb.findings} >= {"VA103", "VA104"}
    assert not [f for f in within if f.code in CODES]


def test_schemas_are_built_once() -> None:
    first = schemas()
    check_schemas(read_workbook(SAMPLE))
    assert schemas() is first
    assert first.amounts is schemas().amounts and first.codes is schemas().codes


def test_a_mistyped_code_keeps_its_amounts_in_the_sums(tmp_path: Path) -> None:
    from juesuan.validate import validate_path

    book = openpyxl.load_workbook(SAMPLE)
    book[T3]["A9"] = "20103O1"  # a letter O for a zero
    path = tmp_path / "mistyped.xlsx"
    book.save(path)
    findings = validate_path(path).findings
    assert at(findings, "CD101") == [(T3, "A9")]
    # its 款 20103 and 类 201 still add up: no SM122 for amounts that are only mislabelled
    assert [f.code for f in findings if f.code.startswith("SM") and f.severity == "error"] == []
