"""The reader against the layouts real units publish.

Each fixture of `builders.SPECS` is built once per session and read once. The generic tests
compare the reader's result with what the builder recorded while writing (every amount with its
cell, every row key, each table's sheet, title, unit and year, and the exact set of findings);
the layout tests below them pin literal cells and values worked out by hand from the layouts, so
that a builder bug cannot hide a reader bug.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from .builders import (
    ALL_TABLES,
    SPECS,
    UNIT_NAME,
    ExpectedFinding,
    Fixture,
    build,
)

D = Decimal
FIXTURES = list(SPECS)
# Tables whose header is deliberately garbage have no rows or amounts to compare: they are
# covered by test_tables_found and test_findings instead.
TABLE_CASES = [
    (name, key)
    for name, spec in SPECS.items()
    for key in spec.tables
    if key not in spec.style.garbage
]

_BUILT: dict[str, Fixture] = {}
_READ: dict[str, Any] = {}


@pytest.fixture(scope="session")
def layout_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layouts")


def load(name: str, directory: Path) -> tuple[Fixture, Any]:
    """The fixture (built once) and the reader's Workbook for it (read once)."""
    if name not in _BUILT:
        _BUILT[name] = build(name, SPECS[name], directory / f"{name}.xlsx")
    fx = _BUILT[name]
    if name not in _READ:
        from juesuan.read import read_workbook

        _READ[name] = read_workbook(fx.path)
    return fx, _READ[name]


def show(findings: list[Any]) -> str:
    return "\n".join(
        f"  {f.code} {f.table} {f.sheet}!{f.cell} {getattr(f, 'message', '')}" for f in findings
    )


def covers(f: Any, e: ExpectedFinding) -> bool:
    """An actual finding covers an expected one: same rule and table, same sheet, and the cell
    is its primary cell or one of its related cells (a reader may gather all text amounts of a
    table into one VA102 finding)."""
    if f.code != e.code or f.table != e.table:
        return False
    if (
        e.sheet is not None
        and f.sheet != e.sheet
        and not any(r.sheet == e.sheet for r in f.related)
    ):
        return False
    if e.cell is None:
        return True
    return (f.cell == e.cell and f.sheet == e.sheet) or any(
        r.cell == e.cell and r.sheet == e.sheet for r in f.related
    )


# ---------------------------------------------------------------------------------------------
# Generic: every fixture, every table
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_workbook_meta(name: str, layout_dir: Path) -> None:
    fx, wb = load(name, layout_dir)
    assert wb.edition.year == fx.year
    assert wb.year == fx.year
    assert wb.unit_name == UNIT_NAME
    assert wb.currency_unit == fx.unit
    assert tuple(wb.sheet_names) == tuple(fx.sheet_names)


@pytest.mark.parametrize("name", FIXTURES)
def test_tables_found(name: str, layout_dir: Path) -> None:
    fx, wb = load(name, layout_dir)
    usable = {k for k, t in wb.tables.items() if t.usable}
    assert usable == {k for k, te in fx.tables.items() if te.usable}
    for key in fx.absent:
        assert key not in wb.tables
    # a table with a garbage header is there, just not usable: never reported as missing
    for key, te in fx.tables.items():
        if not te.usable:
            assert key not in wb.tables or not wb.tables[key].usable
            assert not [f for f in wb.findings if f.code == "ST101" and f.table == key]


@pytest.mark.parametrize(("name", "key"), TABLE_CASES)
def test_table_meta(name: str, key: str, layout_dir: Path) -> None:
    fx, wb = load(name, layout_dir)
    te = fx.tables[key]
    assert te.usable
    t = wb.tables[key]
    assert t.sheet == te.sheet
    assert t.title == te.title
    assert t.unit == te.unit
    assert t.year == te.year
    assert t.unit_name == te.unit_name
    assert t.empty is te.empty
    assert t.range.split(":")[0] == te.title_cell


@pytest.mark.parametrize(("name", "key"), TABLE_CASES)
def test_row_keys(name: str, key: str, layout_dir: Path) -> None:
    fx, wb = load(name, layout_dir)
    te = fx.tables[key]
    assert te.usable
    t = wb.tables[key]
    assert set(t.sections) == set(te.rows)
    for sec_key, expected in te.rows.items():
        rows = t.sections[sec_key].rows
        got = [r.key for r in rows]
        if key == "T6":
            # panels side by side: the reading order across panels is the reader's choice
            assert Counter(got) == Counter(expected)
            assert {r.key: r.panel for r in rows} == te.panels
        elif te.empty:
            # an empty table may keep or drop its blank 合计 row, but holds no amount
            assert set(got) <= {"total"}
            assert all(a.value is None for r in rows for a in r.values.values())
        else:
            assert got == expected
        for r in rows:
            if (sec_key, r.key) in te.sheet_rows:
                assert r.sheet_row == te.sheet_rows[(sec_key, r.key)], r.key
            if (sec_key, r.key) in te.label_cells:
                assert r.label_cell == te.label_cells[(sec_key, r.key)], r.key


@pytest.mark.parametrize(("name", "key"), TABLE_CASES)
def test_amounts(name: str, key: str, layout_dir: Path) -> None:
    fx, wb = load(name, layout_dir)
    te = fx.tables[key]
    assert te.usable
    t = wb.tables[key]
    wrong: list[str] = []
    checked = 0
    for (tk, sec, row, col), exp in fx.amounts.items():
        if tk != key:
            continue
        checked += 1
        where = f"{sec}/{row}/{col} (expected {exp.sheet}!{exp.cell} = {exp.value})"
        section = t.sections.get(sec)
        a = section.value(row, col) if section is not None else None
        if a is None:
            wrong.append(f"{where}: no amount")
            continue
        if (a.sheet, a.cell) != (exp.sheet, exp.cell):
            wrong.append(f"{where}: read from {a.sheet}!{a.cell}")
        if a.value != exp.value or (a.value is None) != (exp.value is None):
            wrong.append(f"{where}: value {a.value!r}")
        if exp.as_text is not None and a.as_text is not exp.as_text:
            wrong.append(f"{where}: as_text {a.as_text}")
        if exp.decimals is not None and a.decimals != exp.decimals:
            wrong.append(f"{where}: decimals {a.decimals}")
    assert checked or te.empty
    assert not wrong, f"{len(wrong)} amounts wrong:\n" + "\n".join(wrong[:30])


@pytest.mark.parametrize("name", FIXTURES)
def test_findings(name: str, layout_dir: Path) -> None:
    """Exactly the findings the layout provokes: none for a clean layout."""
    fx, wb = load(name, layout_dir)
    missing = [e for e in fx.findings if not any(covers(f, e) for f in wb.findings)]
    spurious = [f for f in wb.findings if not any(covers(f, e) for e in fx.findings)]
    assert not missing and not spurious, f"missing: {missing}\nspurious:\n{show(spurious)}"


# ---------------------------------------------------------------------------------------------
# Layout by layout: literal cells worked out from the layouts
# ---------------------------------------------------------------------------------------------


def amount(wb: Any, key: str, sec: str, row: str, col: str) -> tuple[Decimal | None, str, str]:
    a = wb.tables[key].sections[sec].value(row, col)
    assert a is not None, f"{key} {sec} {row} {col}: no amount"
    return a.value, a.sheet, a.cell


def test_local_total_first_literal_cells(layout_dir: Path) -> None:
    _, wb = load("local_total_first", layout_dir)
    t5 = "一般公共预算财政拨款支出决算表"
    assert amount(wb, "T5", "main", "2010301", "basic") == (D("340.75"), t5, "D9")
    assert amount(wb, "T5", "main", "total", "basic") == (D("389.27"), t5, "D6")
    assert amount(wb, "T5", "main", "2129999", "project") == (D("100.00"), t5, "E19")
    assert amount(wb, "T5", "main", "2010301", "project") == (None, t5, "E9")
    rows = wb.tables["T5"].section("main").rows
    assert rows[0].key == "total"
    assert [r.level for r in rows[1:4]] == ["类", "款", "项"]
    assert rows[3].code == "2010301"
    t1 = "收入支出决算总表"
    assert amount(wb, "T1", "income", "gpb", "amount") == (D("573.75"), t1, "B6")
    assert amount(wb, "T1", "income", "grand_total", "amount") == (D("580.93"), t1, "B33")
    assert amount(wb, "T1", "expenditure", "212", "amount") == (D("100.00"), t1, "D16")
    assert amount(wb, "T1", "expenditure", "202", "amount") == (None, t1, "D7")
    assert amount(wb, "T1", "expenditure", "expenditure_total", "amount") == (
        D("573.75"),
        t1,
        "D30",
    )
    # every 类 of the local 2023 template, in order, then the fixed rows
    exp = [r.key for r in wb.tables["T1"].section("expenditure").rows]
    assert exp[:3] == ["201", "202", "203"] and "209" not in exp
    assert exp[-5:] == [
        "234",
        "expenditure_total",
        "surplus_distribution",
        "carry_out",
        "grand_total",
    ]
    t4 = "财政拨款收入支出决算总表"
    assert amount(wb, "T4", "expenditure", "201", "gpb") == (D("425.23"), t4, "E7")
    assert amount(wb, "T4", "income", "carry_in.gpb", "amount") == (D("0.09"), t4, "B33")
    assert amount(wb, "T4", "income", "grand_total", "amount") == (D("573.84"), t4, "B36")
    assert amount(wb, "T4", "expenditure", "grand_total", "total") == (D("573.84"), t4, "D36")
    t6 = "一般公共预算财政拨款基本支出决算表"
    assert amount(wb, "T6", "main", "30101", "amount") == (D("98.20"), t6, "C7")
    assert amount(wb, "T6", "main", "personnel.total", "amount") == (D("357.53"), t6, "C19")
    assert amount(wb, "T6", "main", "public.total", "amount") == (D("31.74"), t6, "F19")
    t7 = "财政拨款“三公”经费支出决算表"
    assert amount(wb, "T7", "main", "main", "budget.total") == (D("5.19"), t7, "A7")
    assert amount(wb, "T7", "main", "main", "budget.vehicle_operation") == (D("4.94"), t7, "E7")
    assert amount(wb, "T7", "main", "main", "final.total") == (D("3.90"), t7, "G7")
    assert amount(wb, "T7", "main", "main", "final.vehicle") == (D("3.80"), t7, "I7")
    assert amount(wb, "T7", "main", "main", "final.reception") == (D("0.10"), t7, "L7")
    for key in ("T8", "T9"):
        assert wb.tables[key].empty is True


def test_local_total_last(layout_dir: Path) -> None:
    _, wb = load("local_total_last", layout_dir)
    for key in ("T2", "T3", "T5"):
        rows = wb.tables[key].section("main").rows
        assert rows[-1].key == "total", key
        assert rows[0].key == "201", key
    sheet = "支出决算表"
    # header rows 3-4 (unit line in one cell on row 2), 201 on row 5, 合计 last on row 18
    assert amount(wb, "T3", "main", "201", "total") == (D("425.23"), sheet, "C5")
    assert amount(wb, "T3", "main", "total", "project") == (D("184.48"), sheet, "E18")
    # zeros printed blank read as blank, not as 0
    assert amount(wb, "T3", "main", "2080502", "total") == (None, sheet, "C12")
    # only the used 类 printed: no missing-row finding for the others
    assert [r.key for r in wb.tables["T1"].section("expenditure").rows][:3] == ["201", "208", "212"]


def test_central_order_and_titles(layout_dir: Path) -> None:
    _, wb = load("central_order", layout_dir)
    assert wb.tables["T8"].sheet == "表七"
    assert wb.tables["T9"].sheet == "表八"
    assert wb.tables["T7"].sheet == "表九"
    assert wb.tables["T1"].title == "2023年度部门收支总体情况决算表"
    assert wb.tables["T7"].title == '2023年度一般公共预算财政拨款"三公"经费支出决算表'
    # the central T9 prints only the 本年支出 columns: the others are absent, not missing
    assert set(wb.tables["T9"].section("main").columns) == {
        "code",
        "name",
        "exp_total",
        "exp_basic",
        "exp_project",
    }
    # 209 (central template only) is printed and known
    assert "209" in [r.key for r in wb.tables["T1"].section("expenditure").rows]
    # three T6 panels: 301/303 | 302 | 310, footers under the first and the third
    t6 = wb.tables["T6"].section("main")
    assert amount(wb, "T6", "main", "personnel.total", "amount") == (D("357.53"), "表六", "C19")
    assert amount(wb, "T6", "main", "public.total", "amount") == (D("31.74"), "表六", "I19")
    assert amount(wb, "T6", "main", "310", "amount") == (D("1.20"), "表六", "I6")
    assert amount(wb, "T6", "main", "30201", "amount") == (D("5.20"), "表六", "F7")
    # "301 01" and "310 02" are the codes 30101 and 31002
    assert t6.row("30101").panel == "personnel" and t6.row("30101").level == "款"
    assert t6.row("31002").panel == "public"
    assert t6.row("30201").panel == "public"


def test_central_sheetn_item_major_t7(layout_dir: Path) -> None:
    _, wb = load("central_sheetn", layout_dir)
    assert wb.tables["T7"].sheet == "Sheet9"
    assert wb.tables["T7"].title == "一般公共预算财政拨款“三公”经费支出决算表"
    expected = {
        "budget.total": ("5.19", "A7"),
        "final.total": ("3.90", "B7"),
        "budget.abroad": ("0.00", "C7"),
        "final.abroad": ("0.00", "D7"),
        "budget.vehicle": ("4.94", "E7"),
        "final.vehicle": ("3.80", "F7"),
        "budget.vehicle_purchase": ("0.00", "G7"),
        "final.vehicle_purchase": ("0.00", "H7"),
        "budget.vehicle_operation": ("4.94", "I7"),
        "final.vehicle_operation": ("3.80", "J7"),
        "budget.reception": ("0.25", "K7"),
        "final.reception": ("0.10", "L7"),
    }
    for col, (value, cell) in expected.items():
        assert amount(wb, "T7", "main", "main", col) == (D(value), "Sheet9", cell), col


def test_flat_two_sided_item_major_t7(layout_dir: Path) -> None:
    """公务用车购置及运行维护费 over 小计 | 购置费 | 运行费, each over 预算数 | 决算数."""
    _, wb = load("flat_two_sided", layout_dir)
    sheet = "财政拨款“三公”经费支出决算表"
    assert amount(wb, "T7", "main", "main", "budget.vehicle") == (D("4.94"), sheet, "E7")
    assert amount(wb, "T7", "main", "main", "final.vehicle_operation") == (D("3.80"), sheet, "J7")
    assert amount(wb, "T7", "main", "main", "budget.reception") == (D("0.25"), sheet, "K7")


def test_stacked_three_ranges(layout_dir: Path) -> None:
    _, wb = load("stacked_three", layout_dir)
    for key in ("T1", "T2", "T3"):
        assert wb.tables[key].sheet == "收支总表"
    # title to note, over the table's own columns (T2 is 9 wide, T3 8, T1 4)
    assert wb.tables["T1"].range == "A1:D33"
    assert wb.tables["T2"].range == "A36:I54"
    assert wb.tables["T3"].range == "A57:H75"
    assert amount(wb, "T2", "main", "total", "fiscal") == (D("573.75"), "收支总表", "D40")
    assert amount(wb, "T3", "main", "total", "basic") == (D("389.27"), "收支总表", "D61")
    # the T2 rows end at its note: T3's rows are not read into T2
    assert wb.tables["T2"].section("main").rows[-1].sheet_row == 52


def test_single_sheet_all_nine(layout_dir: Path) -> None:
    fx, wb = load("single_sheet", layout_dir)
    assert {t.sheet for t in wb.tables.values()} == {"部门决算公开表"}
    assert set(wb.tables) == set(ALL_TABLES)
    starts = sorted(int(t.range.split(":")[0][1:]) for t in wb.tables.values())
    ends = sorted(
        int("".join(ch for ch in t.range.split(":")[1] if ch.isdigit())) for t in wb.tables.values()
    )
    # ranges follow one another without overlapping
    assert all(e < s for e, s in zip(ends, starts[1:], strict=False))
    for key, te in fx.tables.items():
        assert wb.tables[key].range.split(":")[0] == te.title_cell


def test_mof_colnum(layout_dir: Path) -> None:
    """行次 columns are ignored, the 栏次 row is not a data row."""
    _, wb = load("mof_colnum", layout_dir)
    t1 = wb.tables["T1"]
    assert t1.section("income").columns["amount"].letter == "C"
    assert t1.section("expenditure").columns["amount"].letter == "F"
    sheet = "收入支出决算总表"
    assert amount(wb, "T1", "income", "gpb", "amount") == (D("573.75"), sheet, "C7")
    assert amount(wb, "T1", "expenditure", "201", "amount") == (D("425.23"), sheet, "F7")
    t4 = wb.tables["T4"].section("expenditure")
    assert {k: c.letter for k, c in t4.columns.items() if k != "label"} == {
        "total": "F",
        "gpb": "G",
        "gov_fund": "H",
        "soe": "I",
    }
    t3 = wb.tables["T3"].section("main")
    assert t3.rows[0].key == "total" and t3.rows[0].sheet_row == 6  # row 7, after 栏次 on row 6
    assert amount(wb, "T3", "main", "total", "total") == (D("573.75"), "支出决算表", "C7")


def test_split_codes(layout_dir: Path) -> None:
    """类 | 款 | 项 sub-columns: 201 / 03 / 01 is 2010301; 类 rows fill 类 only, 款 rows 类+款."""
    _, wb = load("split_codes", layout_dir)
    sec = wb.tables["T3"].section("main")
    by = {r.key: r for r in sec.rows}
    assert (by["201"].code, by["201"].level) == ("201", "类")
    assert (by["20103"].code, by["20103"].level) == ("20103", "款")
    assert (by["2010301"].code, by["2010301"].level) == ("2010301", "项")
    assert (by["2129999"].code, by["2129999"].level) == ("2129999", "项")
    sheet = "支出决算表"
    assert amount(wb, "T3", "main", "total", "total") == (D("573.75"), sheet, "E7")
    assert amount(wb, "T3", "main", "201", "total") == (D("425.23"), sheet, "E8")
    assert amount(wb, "T3", "main", "2010301", "basic") == (D("340.75"), sheet, "F10")
    assert set(sec.columns) >= {"total", "basic", "project"}


def test_flat_two_sided_t4_subrows(layout_dir: Path) -> None:
    _, wb = load("flat_two_sided", layout_dir)
    sheet = "财政拨款收入支出决算总表"
    assert amount(wb, "T4", "income", "gpb", "amount") == (D("573.75"), sheet, "B5")
    assert amount(wb, "T4", "income", "carry_in", "amount") == (D("0.09"), sheet, "B9")
    assert amount(wb, "T4", "income", "carry_in.gpb", "amount") == (D("0.09"), sheet, "B10")
    assert amount(wb, "T4", "expenditure", "carry_out.gpb", "total") == (D("0.09"), sheet, "D10")
    assert amount(wb, "T4", "expenditure", "carry_out.gpb", "gpb") == (D("0.09"), sheet, "E10")
    assert amount(wb, "T4", "expenditure", "grand_total", "total") == (D("573.84"), sheet, "D13")
    assert [r.key for r in wb.tables["T4"].section("income").rows] == [
        "gpb", "gov_fund", "soe", "income_total", "carry_in",
        "carry_in.gpb", "carry_in.gov_fund", "carry_in.soe", "grand_total",
    ]  # fmt: skip
    t1 = "收入支出决算总表"
    assert amount(wb, "T1", "income", "grand_total", "amount") == (D("580.93"), t1, "B16")
    assert amount(wb, "T1", "expenditure", "grand_total", "amount") == (D("580.93"), t1, "D16")


def test_amount_spellings(layout_dir: Path) -> None:
    _, wb = load("amount_spellings", layout_dir)
    t3 = wb.tables["T3"].section("main")
    sheet = "支出决算表"
    full_width = t3.value("total", "total")
    assert (full_width.value, full_width.cell, full_width.as_text) == (D("573.75"), "C6", True)
    text = t3.value("2010301", "total")
    assert (text.value, text.cell, text.as_text, text.decimals) == (D("340.75"), "C9", True, 2)
    number = t3.value("2010301", "basic")
    assert (number.value, number.as_text, number.decimals) == (D("340.75"), False, 2)
    integer = t3.value("2129999", "total")
    assert (integer.value, integer.as_text, integer.decimals) == (D(100), False, 0)
    for col, cell in (("operating", "G6"), ("to_affiliated", "H6"), ("to_superior", "F6")):
        a = t3.value("total", col)
        assert (a.value, a.cell, a.as_text) == (None, cell, False), col  # -, — and blank
    bad = [f for f in wb.findings if f.code == "VA101"]
    assert [(f.table, f.sheet, f.cell) for f in bad] == [("T3", sheet, "D16")]
    assert t3.value("2080506", "basic").value is None
    assert {f.severity.value for f in bad} == {"error"}
    va102 = [f for f in wb.findings if f.code == "VA102"]
    assert va102 and {f.severity.value for f in va102} == {"warning"}
    t5 = wb.tables["T5"].section("main").value("2080506", "basic")
    assert (t5.value, t5.as_text, t5.decimals) == (D("12.00"), True, 2)


def test_yuan_thousands(layout_dir: Path) -> None:
    _, wb = load("yuan_thousands", layout_dir)
    assert {t.unit for t in wb.tables.values()} == {"元"}
    sheet = "收入支出决算总表"
    gpb = wb.tables["T1"].section("income").value("gpb", "amount")
    assert (gpb.value, gpb.sheet, gpb.cell, gpb.as_text) == (D("5737500.00"), sheet, "B6", True)
    total = wb.tables["T1"].section("income").value("grand_total", "amount")
    assert (total.value, total.cell) == (D("5809300.00"), "B17")
    assert amount(wb, "T3", "main", "2010301", "basic") == (D("3407500"), "支出决算表", "D9")


def test_wrapped_names_and_numeric_codes(layout_dir: Path) -> None:
    fx, wb = load("wrapped_numeric_codes", layout_dir)
    # the fixture really stores codes as numbers and wraps the name
    ws = openpyxl.load_workbook(fx.path)["支出决算表"]
    # (xlsx stores 201.0 and 201 alike: a number cell; the reader sees a float or an int)
    assert isinstance(ws["A15"].value, int) and ws["A15"].value == 2080505
    assert isinstance(ws["A7"].value, int | float) and ws["A7"].value == 201
    assert ws["A8"].value == "20103"
    assert ws["B15"].value == "机关事业单位基本养老保\n险缴费支出"
    sec = wb.tables["T3"].section("main")
    row = sec.row("2080505")
    assert row.code == "2080505" and row.level == "项"
    assert "\n" not in row.label and row.label.endswith("机关事业单位基本养老保险缴费支出")
    assert sec.row("201").code == "201"  # float 201.0 → "201", not "201.0"
    assert amount(wb, "T3", "main", "2080505", "basic") == (D("35.44"), "支出决算表", "D15")
    t6 = wb.tables["T6"].section("main")
    assert "\n" not in t6.row("30108").label
    assert t6.row("30108").label.endswith("机关事业单位基本养老保险缴费")


def test_decorated_labels_and_debt_classes_in_2023(layout_dir: Path) -> None:
    """A 2023 file carrying 2024 债务 classes: rows kept as class:<name>, CD104 warnings."""
    _, wb = load("decorated_2023_debt_classes", layout_dir)
    assert wb.edition.year == 2023
    t1 = wb.tables["T1"]
    keys = [r.key for r in t1.section("expenditure").rows]
    assert keys[-8:] == [
        "229", "class:债务还本支出", "class:债务付息支出", "234",
        "expenditure_total", "surplus_distribution", "carry_out", "grand_total",
    ]  # fmt: skip
    assert t1.section("income").row("non_fiscal_balance_used").label_cell == "A33"
    cd104 = sorted((f.table, f.cell) for f in wb.findings if f.code == "CD104")
    assert cd104 == [("T1", "C29"), ("T1", "C30"), ("T4", "C30"), ("T4", "C31")]
    assert {f.severity.value for f in wb.findings if f.code == "CD104"} == {"warning"}
    assert "class:债务还本支出" in [r.key for r in wb.tables["T4"].section("expenditure").rows]


def test_edition_2024(layout_dir: Path) -> None:
    _, wb = load("edition_2024", layout_dir)
    assert wb.edition.year == 2024
    for key in ("T1", "T4"):
        keys = [r.key for r in wb.tables[key].section("expenditure").rows]
        assert {"227", "231", "232", "233"} <= set(keys), key
        assert not [k for k in keys if k.startswith("class:")], key
    assert not [f for f in wb.findings if f.code == "CD104"]
    assert wb.tables["T1"].section("income").row("non_fiscal_balance_used") is not None


def test_garbage_header(layout_dir: Path) -> None:
    _, wb = load("garbage_header_t5", layout_dir)
    st105 = [f for f in wb.findings if f.code == "ST105"]
    assert [(f.table, f.sheet) for f in st105] == [("T5", "一般公共预算财政拨款支出决算表")]
    assert st105[0].severity.value == "error"
    assert "T5" not in wb.tables or wb.tables["T5"].usable is False
    # the other tables are read as usual
    assert amount(wb, "T3", "main", "2010301", "basic") == (D("340.75"), "支出决算表", "D9")
    assert wb.tables["T6"].usable


def test_missing_t6(layout_dir: Path) -> None:
    _, wb = load("missing_t6", layout_dir)
    assert "T6" not in wb.tables
    st101 = [f for f in wb.findings if f.code == "ST101"]
    assert [f.table for f in st101] == ["T6"]
    assert st101[0].severity.value == "error"
    assert set(wb.tables) == set(ALL_TABLES) - {"T6"}
