"""The cross-table identity catalogue (validators/catalogue/cross.toml, X1–X14).

Every workbook is the bundled sample unit written through sample_workbooks/build.py's fill
with one planted change; each case lists every cross-table error and warning it must give
(code and primary cell). Within-table findings the plant also causes are not looked at here
(tests/test_identities.py covers them).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from conftest import SAMPLES
from juesuan.findings import Finding, Severity, Skipped
from juesuan.io.template_writer import WorkbookFill, write_workbook
from juesuan.read import read_workbook
from juesuan.rules import RULES
from juesuan.spec import load_edition
from juesuan.validators.catalogue import CROSS, metadata
from juesuan.validators.engine import check_identities
from juesuan.validators.expr import CatalogueError
from juesuan.validators.rulebook import IdentityRule, load_rules

CellKey = tuple[str, str, str]  # (section, row key, column)
Plant = Mapping[str, Mapping[CellKey, str]]  # table → cells → new amount


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_build_cross", SAMPLES / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_build_cross"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build = _load_build()
SAMPLE = build.load_sample()
EDITION = load_edition(2023)
XT_CODES = [code for code, *_ in metadata(CROSS)]


def _fill(plant: Plant, base: WorkbookFill | None = None) -> WorkbookFill:
    fill = base or SAMPLE.fill
    for table, cells in plant.items():
        fill = build._set(fill, table, dict(cells))
    return fill


def run(tmp_path: Path, fill: WorkbookFill) -> tuple[list[Finding], list[Skipped]]:
    path = tmp_path / "wb.xlsx"
    write_workbook(path, EDITION, unit_name=SAMPLE.unit_name, year=SAMPLE.year, fill=fill)
    return check_identities(read_workbook(path), group=False)


def cross(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code.startswith("XT")]


def serious(findings: list[Finding]) -> set[tuple[str, str | None]]:
    return {
        (f.code, f.cell)
        for f in cross(findings)
        if f.severity in (Severity.ERROR, Severity.WARNING)
    }


# --- the clean sample --------------------------------------------------------------------------


def test_clean_sample_gives_no_cross_table_finding(tmp_path: Path) -> None:
    findings, skipped = run(tmp_path, SAMPLE.fill)
    assert cross(findings) == []
    assert [s for s in skipped if s.code.startswith("XT")] == []


def test_every_cross_code_has_a_failing_case() -> None:
    # every code also has a failing case below, so a rule that silently checked nothing fails
    assert sorted(CASES) == sorted(XT_CODES)


# --- one planted defect per code ---------------------------------------------------------------

CASES: dict[str, tuple[Plant, set[tuple[str, str]]]] = {
    # X1: T2 合计 本年收入合计 up 0.10 → reported at T1 本年收入合计
    "XT201": ({"T2": {("main", "total", "total"): "573.85"}}, {("XT201", "B14")}),
    # X2: T2 合计 上级补助收入 1.00, T1 四、上级补助收入 0.00
    "XT202": ({"T2": {("main", "total", "superior"): "1.00"}}, {("XT202", "B9")}),
    # X3/X4: sample defect_02 (T1 claims 0.10 more 城乡社区支出 and stays balanced)
    "XT203": (
        {
            "T1": {
                ("expenditure", "212", "amount"): "100.10",
                ("expenditure", "expenditure_total", "amount"): "573.85",
                ("expenditure", "carry_out", "amount"): "7.09",
            }
        },
        {("XT203", "D14"), ("XT204", "D8")},
    ),
    # X4 alone: T3 类 201 本年支出合计 off by 1.00 (T1 and T3 合计 untouched)
    "XT204": ({"T3": {("main", "201", "total"): "426.23"}}, {("XT204", "D6")}),
    # X5 (and X10's 本年收入 with it): T4 三、国有资本经营预算财政拨款 1.00 where T1 and T9 have 0
    "XT205": (
        {"T4": {("income", "soe", "amount"): "1.00"}},
        {("XT205", "B9"), ("XT210", "B9")},
    ),
    # X6 (and X2's 财政拨款收入): T2 合计 财政拨款收入 down 0.10
    "XT206": (
        {"T2": {("main", "total", "fiscal"): "573.65"}},
        {("XT206", "B10"), ("XT202", "D6")},
    ),
    # X7: T4 类 212 合计 100.10 > T1 100.00
    "XT207": ({"T4": {("expenditure", "212", "total"): "100.10"}}, {("XT207", "D9")}),
    # X8: T4 类 212 一般公共预算 99.90 ≠ T5 100.00
    "XT208": ({"T4": {("expenditure", "212", "gpb"): "99.90"}}, {("XT208", "E9")}),
    # X9 (and X5's 二): T4 二、政府性基金预算财政拨款 1.00 where T8 is published empty
    "XT209": (
        {"T4": {("income", "gov_fund", "amount"): "1.00"}},
        {("XT209", "B8"), ("XT205", "B8")},
    ),
    # X10: T4 年末 国有资本经营 0.50 where T9 年末 is blank
    "XT210": ({"T4": {("expenditure", "carry_out", "soe"): "0.50"}}, {("XT210", "G11")}),
    # X11: T4 年初财政拨款结转和结余 7.29 > T1 年初结转和结余 7.19
    "XT211": ({"T4": {("income", "carry_in", "amount"): "7.29"}}, {("XT211", "B11")}),
    # X12: sample defect_03 (人员经费 up 0.10 in T6 only) → at T5 合计 基本支出
    "XT212": (
        {
            "T6": {
                ("main", "30101", "amount"): "96.92",
                ("main", "301", "amount"): "356.55",
                ("main", "personnel.total", "amount"): "357.63",
            }
        },
        {("XT212", "D6")},
    ),
    # X13: T5 项 2129999 100.50 > T3 100.00 in 合计 and 项目支出 (its 款/类 rows untouched)
    "XT213": (
        {"T5": {("main", "2129999", "total"): "100.50", ("main", "2129999", "project"): "100.50"}},
        {("XT213", "C19"), ("XT213", "E19")},
    ),
    # X14: T6 30217 公务接待费 0.20 > T7 决算 公务接待费 0.10 (a warning)
    "XT214": ({"T6": {("main", "30217", "amount"): "0.20"}}, {("XT214", "F22")}),
    # X4 the other way: T3 prints class 213 with 5.00, T1 does not print it
    "XT216": ({"T3": {("main", "213", "total"): "5.00"}}, {("XT216", "C20")}),
    # X8 the other way: T5 prints class 213, T4 does not (and T3 does not: X13 too)
    "XT217": ({"T5": {("main", "213", "total"): "5.00"}}, {("XT217", "C20"), ("XT213", "C20")}),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_planted_cross_defect(code: str, tmp_path: Path) -> None:
    plant, expected = CASES[code]
    findings, skipped = run(tmp_path, _fill(plant))
    assert [s for s in skipped if s.code.startswith("XT")] == []
    assert serious(findings) == expected, "\n".join(f.line() for f in cross(findings))
    first = next(f for f in cross(findings) if f.code == code)
    assert first.severity is RULES[code].severity
    if code in ("XT216", "XT217"):  # the partner row is not printed: the message says so
        assert "未列" in first.message and not first.related
    else:
        assert first.related, "the other table's cells are named"


def test_x3_message_names_both_tables_and_cells(tmp_path: Path) -> None:
    findings, _ = run(tmp_path, _fill(CASES["XT203"][0]))
    x3 = next(f for f in findings if f.code == "XT203")
    assert x3.message == (
        "收入支出决算总表 D14「本年支出合计」573.85 ≠ 支出决算表 C6「合计 / 本年支出合计」573.75，"
        "相差 0.10 万元"
    )
    assert [(r.sheet, r.cell) for r in x3.related] == [("支出决算表", "C6")]
    assert (x3.expected, x3.actual, x3.difference) == (
        Decimal("573.75"),
        Decimal("573.85"),
        Decimal("0.10"),
    )


def test_x12_related_names_both_t6_footers(tmp_path: Path) -> None:
    findings, _ = run(tmp_path, _fill(CASES["XT212"][0]))
    x12 = next(f for f in findings if f.code == "XT212")
    assert (x12.sheet, x12.cell) == ("一般公共预算财政拨款支出决算表", "D6")
    assert [r.cell for r in x12.related] == ["C44", "F44"]


# --- ≤ rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fires"), [("100.10", True), ("100.00", False), ("99.90", False)]
)
def test_containment_fires_only_when_larger(amount: str, fires: bool, tmp_path: Path) -> None:
    # X7: T4 类 212 合计 ≤ T1 类 212 (100.00)
    findings, _ = run(tmp_path, _fill({"T4": {("expenditure", "212", "total"): amount}}))
    got = [f for f in findings if f.code == "XT207"]
    assert bool(got) is fires
    if fires:
        assert got[0].message.startswith(
            "财政拨款收入支出决算总表 D9「十一、城乡社区支出 / 合计」100.10 大于"
        )


def test_x13_passes_when_t5_is_smaller(tmp_path: Path) -> None:
    plant = {"T5": {("main", "2129999", "total"): "99.50", ("main", "2129999", "project"): "99.50"}}
    findings, _ = run(tmp_path, _fill(plant))
    assert [f for f in findings if f.code == "XT213"] == []


# --- units -------------------------------------------------------------------------------------


def test_t2_in_yuan_that_ties_gives_no_cross_finding(tmp_path: Path) -> None:
    findings, skipped = run(tmp_path, build.unit_yuan(SAMPLE.fill))
    assert cross(findings) == []
    assert [s for s in skipped if s.code.startswith("XT")] == []


@pytest.mark.parametrize(
    ("total", "severity", "diff"),
    [
        # 100 元 = 0.01 万元: more than T1's ±0.005 万元 and T2's ±0.0000005 万元 → an error
        ("5737600", Severity.ERROR, "0.01"),
        # 1 元 = 0.0001 万元: inside the rounding of the 万元 figure → only a notice
        ("5737501", Severity.NOTICE, "0.0001"),
    ],
)
def test_t2_in_yuan_with_a_difference(
    total: str, severity: Severity, diff: str, tmp_path: Path
) -> None:
    fill = _fill({"T2": {("main", "total", "total"): total}}, build.unit_yuan(SAMPLE.fill))
    findings, _ = run(tmp_path, fill)
    x1 = [f for f in cross(findings) if f.code == "XT201"]
    assert len(x1) == 1 and x1[0].severity is severity
    assert x1[0].cell == "B14"
    assert x1[0].message.endswith("（收入决算表以元填报，已换算为万元）")
    assert f"相差 {diff} 万元" in x1[0].message
    assert x1[0].tolerance == Decimal("0.0050005")
    assert [s for s in cross(findings) if s.code != "XT201"] == []


# --- tables that are missing ------------------------------------------------------------------


def test_missing_t6_skips_x12_and_x14_once_each(tmp_path: Path) -> None:
    findings, skipped = run(tmp_path, build.missing_table(SAMPLE.fill))
    assert cross(findings) == []
    xt = [(s.code, s.table) for s in skipped if s.code.startswith("XT")]
    assert xt == [("XT212", "T6"), ("XT214", "T6")]
    assert all("一般公共预算财政拨款基本支出决算表" in s.reason for s in skipped)


def test_missing_t8_skips_x9_with_one_reason(tmp_path: Path) -> None:
    findings, skipped = run(tmp_path, replace(SAMPLE.fill, omit=frozenset({"T8"})))
    assert cross(findings) == []
    xt = [(s.code, s.table) for s in skipped if s.code.startswith("XT")]
    assert xt == [("XT209", "T8")]


# --- the catalogue -------------------------------------------------------------------------------


def test_cross_rules_cover_x1_to_x14() -> None:
    # their registry entries: test_identities.test_registry_knows_every_catalogue_code
    bases = [r.info.basis for r in load_rules(CROSS)]
    # X4 and X8 have a second rule each: the other direction (XT216, XT217)
    assert sorted(set(bases), key=lambda b: int(b[1:])) == [f"X{i}" for i in range(1, 15)]
    assert sorted(b for b in bases if bases.count(b) > 1) == ["X4", "X4", "X8", "X8"]


def test_every_cross_check_names_two_tables() -> None:
    for rule in load_rules(CROSS):
        assert isinstance(rule, IdentityRule)


def test_matched_row_needs_for_each() -> None:
    from juesuan.validators.rulebook import _rule

    raw = {
        "code": "XT999",
        "name": "x",
        "severity": "error",
        "summary": "x",
        "summary_en": "x",
        "check": "T5[row] <= T3[row]",
    }
    with pytest.raises(CatalogueError):
        _rule(raw, cross=True)
    with pytest.raises(CatalogueError):  # one table in a cross-table catalogue
        _rule({**raw, "check": "T3[total].total = T3[total].basic"}, cross=True)


def test_check_identities_is_cheap() -> None:
    wb = read_workbook(SAMPLES / "sample_2023.xlsx")
    check_identities(wb)  # the catalogues are parsed once, here
    start = time.perf_counter()
    for _ in range(20):
        check_identities(wb)
    assert (time.perf_counter() - start) / 20 < 0.05


def test_a_class_the_other_table_does_not_print_compares_with_zero(tmp_path: Path) -> None:
    t3 = SAMPLE.fill.table("T3")
    gone = ("212", "21299", "2129999")
    rows = tuple(r for r in t3.rows if r.code not in gone)
    values = {k: v for k, v in t3.values.items() if k[1] not in gone}
    fill = build._with_table(SAMPLE.fill, "T3", rows=rows, values=values)
    findings, _ = run(tmp_path, fill)
    x4 = next(f for f in findings if f.code == "XT204")
    assert (x4.cell, x4.related) == ("D8", ())
    assert x4.message == (
        "收入支出决算总表 D8「十一、城乡社区支出」100.00 ≠ 支出决算表 未列「十一、城乡社区支出」行 0.00，"
        "相差 100.00 万元"
    )


def test_one_wrong_cell_of_a_yuan_table_is_one_finding(tmp_path: Path) -> None:
    """T2 in 元 (defect_07), its 合计 10,000 元 too high: the two T2 sums and X1 (compared in
    万元, where the cell counts 10⁻⁴) are explained by the one cell, and reported once."""
    import openpyxl

    from juesuan.validate import validate_path

    book = openpyxl.load_workbook(SAMPLES / "defect_07_unit_yuan.xlsx")
    book["收入决算表"]["C6"] = 5747500
    path = tmp_path / "yuan.xlsx"
    book.save(path)
    errors = [f for f in validate_path(path).findings if f.severity is Severity.ERROR]
    assert [(f.code, f.cell) for f in errors] == [("SM111", "C6")]
    assert [(a.code, a.cell) for a in errors[0].also] == [("SM112", "C6"), ("XT201", "B14")]


# --- a code keyed wrong ------------------------------------------------------------------------

_T3, _T5 = "支出决算表", "一般公共预算财政拨款支出决算表"


@pytest.mark.parametrize(("sheet", "hinted"), [(_T3, True), (_T5, False)])
def test_a_code_keyed_wrong_is_named_where_the_row_is_missing(
    tmp_path: Path, sheet: str, hinted: bool
) -> None:
    """T3 printing 2010320 (not in the list) where T5 has 2010302: the X13 message asks
    whether T3's A10 is meant to be 2010302. Keyed wrong in T5 instead, T3's code is right:
    no such question (CD102 names T5's A10)."""
    import openpyxl

    from juesuan.validate import validate_path

    book = openpyxl.load_workbook(SAMPLES / "sample_2023.xlsx")
    book[sheet]["A10"] = "2010320"  # 2010302 with its last two digits swapped
    path = tmp_path / "typo.xlsx"
    book.save(path)
    report = validate_path(path)
    x13 = [f for f in report.findings if f.code == "XT213"]
    assert [f.cell for f in x13] == ["C10", "E10"]
    assert [(f.sheet, f.cell) for f in report.findings if f.code == "CD102"] == [(sheet, "A10")]
    zh = "（该表 A10 的编码「2010320」是否应为「2010302」？）"
    en = "(is the code 2010320 in its A10 meant to be 2010302?)"
    for f in x13:
        assert (zh in f.message) is hinted
        assert (en in f.message_en) is hinted
        assert "未列" not in f.message_en


@pytest.mark.parametrize(
    ("typed", "meant", "slip"),
    [
        ("2010320", "2010302", True),  # neighbours swapped
        ("2010303", "2010302", True),  # one digit wrong
        ("2010313", "2010302", False),  # two digits wrong
        ("2010203", "2010302", False),  # swapped, but not neighbours
        ("201030", "2010302", False),  # a digit short
    ],
)
def test_one_slip(typed: str, meant: str, slip: bool) -> None:
    from juesuan.validators.identities import _one_slip

    assert _one_slip(typed, meant) is slip
