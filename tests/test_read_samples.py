"""The bundled sample workbooks through the reader and the CLI: what sample_workbooks/README.md
promises for the structure of each file, and the JSON contract of docs/json-contract.md."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLES
from juesuan.read import read_workbook

CLEAN = SAMPLES / "sample_2023.xlsx"
T1 = "收入支出决算总表"
T3 = "支出决算表"


def test_clean_sample_has_all_nine_tables_and_no_structure_findings() -> None:
    wb = read_workbook(CLEAN)
    assert sorted(wb.tables) == [f"T{i}" for i in range(1, 10)]
    assert wb.findings == []
    assert (wb.unit_name, wb.year, wb.edition.year, wb.currency_unit) == (
        "乌鲁木齐市政务服务管理局",
        2023,
        2023,
        "万元",
    )
    assert wb.tables["T8"].empty and wb.tables["T9"].empty
    assert wb.tables["T8"].empty_note is not None and "无数据" in wb.tables["T8"].empty_note
    assert not any(wb.tables[k].empty for k in ("T1", "T2", "T3", "T4", "T5", "T6", "T7"))


@pytest.mark.parametrize(
    ("table", "section", "row", "column", "cell", "value"),
    [
        ("T1", "income", "gpb", "amount", "B6", "573.75"),
        ("T1", "income", "grand_total", "amount", "B17", "580.93"),
        ("T1", "expenditure", "212", "amount", "D8", "100.00"),
        ("T1", "expenditure", "expenditure_total", "amount", "D14", "573.75"),
        ("T3", "main", "total", "basic", "D6", "389.27"),
        ("T3", "main", "2010302", "project", None, "84.48"),
        ("T4", "income", "carry_in.gpb", "amount", "B12", "0.09"),
        ("T4", "expenditure", "grand_total", "total", "D15", "573.84"),
        ("T6", "main", "personnel.total", "amount", "C44", "357.53"),
        ("T6", "main", "public.total", "amount", "F44", "31.74"),
        ("T6", "main", "30217", "amount", None, "0.10"),
        ("T7", "main", "main", "budget.total", "A7", "5.19"),
        ("T7", "main", "main", "final.reception", "L7", "0.10"),
    ],
)
def test_clean_sample_amounts_and_cells(
    table: str, section: str, row: str, column: str, cell: str | None, value: str
) -> None:
    amount = read_workbook(CLEAN).tables[table].section(section).value(row, column)
    assert amount is not None
    assert amount.value == Decimal(value)
    if cell is not None:
        assert amount.cell == cell


# file → (code, sheet, cell) of the one structure finding it must give
DEFECTS = {
    "defect_05_code_name_mismatch.xlsx": ("CD103", T3, "B10"),
    "defect_06_missing_table.xlsx": ("ST101", None, None),
    "defect_07_unit_yuan.xlsx": ("ST104", "收入决算表", "I3"),
    "defect_08_amount_as_text.xlsx": ("VA102", T3, "C9"),
    "defect_09_formulas_without_values.xlsx": ("ST110", T3, "C6"),
}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_structural_defects_give_exactly_their_finding(name: str) -> None:
    code, sheet, cell = DEFECTS[name]
    wb = read_workbook(SAMPLES / name)
    assert [(f.code, f.sheet, f.cell) for f in wb.findings] == [(code, sheet, cell)]


def test_missing_table_is_t6_and_the_rest_are_read() -> None:
    wb = read_workbook(SAMPLES / "defect_06_missing_table.xlsx")
    assert wb.findings[0].table == "T6"
    assert sorted(wb.tables) == ["T1", "T2", "T3", "T4", "T5", "T7", "T8", "T9"]


def test_text_amount_is_read_as_its_number() -> None:
    wb = read_workbook(SAMPLES / "defect_08_amount_as_text.xlsx")
    amount = wb.tables["T3"].section().value("2010301", "total")
    assert amount is not None and amount.as_text and amount.value == Decimal("340.75")


def test_formulas_without_values_are_unknown_not_zero() -> None:
    wb = read_workbook(SAMPLES / "defect_09_formulas_without_values.xlsx")
    total = wb.tables["T3"].section().row("total")
    assert total is not None
    assert all(a.unknown and a.value is None for a in total.values.values())
    assert [r.cell for r in wb.findings[0].related] == ["C6", "D6", "E6", "F6", "G6", "H6"]


def test_yuan_table_keeps_its_own_unit() -> None:
    wb = read_workbook(SAMPLES / "defect_07_unit_yuan.xlsx")
    assert wb.tables["T2"].unit == "元" and wb.currency_unit == "万元"
    total = wb.tables["T2"].section().value("total", "total")
    assert total is not None and total.value == Decimal("5737500")


@pytest.mark.parametrize("name", ["sample_2023.xlsx", *sorted(DEFECTS)])
def test_reading_never_modifies_the_file(name: str, tmp_path: Path) -> None:
    path = SAMPLES / name
    before = path.read_bytes()
    read_workbook(path)
    assert path.read_bytes() == before


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "juesuan", *map(str, args)], capture_output=True, text=True
    )


def test_cli_summary_of_the_clean_sample() -> None:
    result = cli("validate", CLEAN)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "乌鲁木齐市政务服务管理局" in out and "2023" in out
    for title in (T1, T3, "财政拨款“三公”经费支出决算表"):
        assert title in out
    assert "通过" in out


def test_cli_exit_1_and_finding_line_for_a_missing_table() -> None:
    result = cli("validate", SAMPLES / "defect_06_missing_table.xlsx")
    assert result.returncode == 1
    assert "ST101" in result.stdout and "一般公共预算财政拨款基本支出决算表" in result.stdout
    assert "未通过" in result.stdout


def test_cli_fail_on_warning() -> None:
    path = SAMPLES / "defect_05_code_name_mismatch.xlsx"
    assert cli("validate", path).returncode == 0  # a warning does not fail by default
    assert cli("validate", path, "--fail-on", "warning").returncode == 1


def test_json_contract() -> None:
    result = cli("validate", SAMPLES / "defect_05_code_name_mismatch.xlsx", "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) >= {
        "juesuan", "edition", "file", "unit_name", "year", "currency_unit",
        "tables", "findings", "skipped", "summary",
    }  # fmt: skip
    assert report["edition"] == 2023 and report["currency_unit"] == "万元"
    assert [t["key"] for t in report["tables"]] == [f"T{i}" for i in range(1, 10)]
    t3 = next(t for t in report["tables"] if t["key"] == "T3")
    assert t3["sheet"] == T3 and t3["range"].startswith("A1:") and t3["unit"] == "万元"
    # the seed's own rounding differences (T1 总计 580.93 vs 580.94) are notices, not errors
    assert [f["code"] for f in report["findings"]] == ["CD103", "SM103", "SM104"]
    finding = report["findings"][0]
    assert set(finding) == {
        "code", "name", "severity", "message", "table", "sheet", "cell", "row", "column",
        "expected", "actual", "difference", "tolerance", "related", "also", "fingerprint",
    }  # fmt: skip
    assert (finding["code"], finding["name"], finding["severity"]) == (
        "CD103",
        "code-name-mismatch",
        "warning",
    )
    assert "一般行政管理事务" in finding["message"] and len(finding["fingerprint"]) == 16
    assert report["summary"] == {"errors": 0, "warnings": 1, "notices": 2, "status": "pass"}
    notice = report["findings"][1]
    assert (notice["cell"], notice["actual"], notice["expected"]) == ("B17", "580.93", "580.94")
    assert (notice["difference"], notice["tolerance"]) == ("-0.01", "0.020")
    assert [r["cell"] for r in notice["related"]] == ["B14", "B15", "B16"]


def test_json_amounts_are_exact_strings_and_english_messages() -> None:
    result = cli("validate", SAMPLES / "defect_08_amount_as_text.xlsx", "--format", "json",
                 "--lang", "en")  # fmt: skip
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "VA102"]
    assert finding["related"][0]["value"] == "340.75"
    assert "stored as text" in finding["message"]


def test_a_missing_table_reads_once_with_the_checks_it_stops() -> None:
    result = cli("validate", SAMPLES / "defect_06_missing_table.xlsx")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "本项核对未执行" in line]
    assert lines == [
        "  SM161、SM162、SM163、XT212、XT214：工作簿中没有「一般公共预算财政拨款基本支出决算表」，本项核对未执行"
    ]
