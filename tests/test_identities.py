"""The within-table identity catalogue against real workbooks (read by the reader).

Every workbook is the sample unit written by the layout builders; a case plants one defect and
lists every error and warning it must give — code and primary cell — and the contributing cells
of the first. Every code of the catalogue fires in at least one case and passes on a workbook
where every identity holds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import pytest

from identity_fixtures import EXACT_T1, Key, Variant, build_variant, cell_of
from juesuan.findings import Finding, Severity, Skipped
from juesuan.read import read_workbook
from juesuan.rules import RULES
from juesuan.spec import load_edition
from juesuan.validators.catalogue import CROSS, WITHIN, metadata
from juesuan.validators.engine import check_within
from juesuan.validators.expr import CatalogueError, Ref, is_selector, parse_check
from juesuan.validators.rulebook import (
    HierarchyRule,
    IdentityRule,
    OrphanRule,
    load_rules,
)
from layouts.builders import Fixture

D = Decimal
CODES = [code for code, *_ in metadata()]


def run(
    tmp_path: Path, v: Variant, name: str = "wb"
) -> tuple[Fixture, list[Finding], list[Skipped]]:
    fx = build_variant(tmp_path / f"{name}.xlsx", v)
    findings, skipped = check_within(read_workbook(fx.path))
    return fx, findings, skipped


def serious(findings: list[Finding]) -> set[tuple[str, str | None, str | None]]:
    return {
        (f.code, f.sheet, f.cell)
        for f in findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    }


# --- the clean sample and a workbook where everything ties -----------------------------------


def test_clean_sample_gives_only_the_two_rounding_notices(tmp_path: Path) -> None:
    fx, findings, skipped = run(tmp_path, Variant())
    assert skipped == []
    got = {(f.code, f.severity, (f.sheet, f.cell)) for f in findings}
    assert got == {
        ("SM103", Severity.NOTICE, cell_of(fx, ("T1", "income", "grand_total", "amount"))),
        ("SM104", Severity.NOTICE, cell_of(fx, ("T1", "expenditure", "grand_total", "amount"))),
    }
    notice = next(f for f in findings if f.code == "SM103")
    assert notice.message == (
        "收入支出决算总表 收入「总计」580.93 与 本年收入合计 573.75"
        " + 年初结转和结余 7.19 = 580.94 相差 0.01 万元，在四舍五入误差范围内（允许 ±0.02）"
    )
    # the zero item is not spelled out in the sentence but is still a contributing cell
    assert len(notice.related) == 3
    assert (notice.expected, notice.actual) == (D("580.94"), D("580.93"))
    assert (notice.difference, notice.tolerance) == (D("-0.01"), D("0.02"))
    assert notice.message_en.endswith("within rounding (±0.02 allowed)")


@pytest.fixture(scope="module")
def all_tie(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Finding], list[Skipped]]:
    path = tmp_path_factory.mktemp("tie")
    _, findings, skipped = run(path, Variant(plant=EXACT_T1, funds=True))
    return findings, skipped


def test_a_workbook_where_everything_ties_gives_nothing(
    all_tie: tuple[list[Finding], list[Skipped]],
) -> None:
    findings, skipped = all_tie
    assert [f.line() for f in findings] == []
    assert skipped == []


@pytest.mark.parametrize("code", CODES)
def test_every_rule_passes_on_a_workbook_that_ties(
    code: str, all_tie: tuple[list[Finding], list[Skipped]]
) -> None:
    findings, skipped = all_tie
    assert not [f for f in findings if f.code == code]
    assert not [s for s in skipped if s.code == code]  # it ran: T8/T9 hold figures here


# --- one planted defect per case ---------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    plant: Mapping[Key, str | None]
    # every error and warning expected: (code, key of its primary cell)
    expect: tuple[tuple[str, Key], ...]
    # the contributing cells of the first expected finding, in order
    related: tuple[Key, ...] = ()
    variant: Variant = field(default_factory=Variant)


def t1i(row: str) -> Key:
    return ("T1", "income", row, "amount")


def t1e(row: str) -> Key:
    return ("T1", "expenditure", row, "amount")


def t4i(row: str) -> Key:
    return ("T4", "income", row, "amount")


def t4e(row: str, col: str = "total") -> Key:
    return ("T4", "expenditure", row, col)


def m(table: str, row: str, col: str) -> Key:
    return (table, "main", row, col)


T1_ITEMS = ("gpb", "gov_fund", "soe", "superior", "business", "operating", "affiliated", "other")
LOCAL_CLASSES = [c for c in load_edition(2023).function_classes if c != "209"]
T2_SOURCES = ("fiscal", "superior", "business", "operating", "affiliated", "other")
FUNDS = Variant(funds=True)

CASES: dict[str, Case] = {
    "SM101": Case(
        {t1i("gpb"): "573.85"},
        (("SM101", t1i("income_total")),),
        tuple(t1i(r) for r in T1_ITEMS),
    ),
    "SM102": Case(
        {t1e("201"): "425.33"},
        (("SM102", t1e("expenditure_total")),),
        tuple(t1e(c) for c in LOCAL_CLASSES),
    ),
    "SM103": Case(
        {t1i("carry_in"): "7.29"},
        (("SM103", t1i("grand_total")),),
        (t1i("income_total"), t1i("non_fiscal_balance_used"), t1i("carry_in")),
    ),
    "SM104": Case(
        {t1e("carry_out"): "7.29"},
        (("SM104", t1e("grand_total")),),
        (t1e("expenditure_total"), t1e("surplus_distribution"), t1e("carry_out")),
    ),
    # 收入总计 581.03 vs 573.75 + 7.29 = 581.04 is only a notice; 收入 ≠ 支出 总计 is the error
    "SM105": Case(
        {t1i("carry_in"): "7.29", t1i("grand_total"): "581.03"},
        (("SM105", t1i("grand_total")),),
        (t1e("grand_total"),),
    ),
    # one cell belongs to a row and a column: the row identity and the 款 sum both break
    "SM111": Case(
        {m("T2", "2010301", "fiscal"): "340.65"},
        (("SM111", m("T2", "2010301", "total")), ("SM112", m("T2", "20103", "fiscal"))),
        tuple(m("T2", "2010301", c) for c in T2_SOURCES),
    ),
    # 类 ≠ Σ 款 (the 合计 moved with the 类, so only the 类 rows break); the 类 is compared with
    # its 款 alone, never with the 款 and its 项 added together
    "SM112": Case(
        {
            m("T2", "208", "total"): "48.62",
            m("T2", "208", "fiscal"): "48.62",
            m("T2", "total", "total"): "573.85",
            m("T2", "total", "fiscal"): "573.85",
        },
        (("SM112", m("T2", "208", "total")), ("SM112", m("T2", "208", "fiscal"))),
        (m("T2", "20805", "total"),),
    ),
    "SM121": Case(
        {m("T3", "total", "project"): "184.58"},
        (("SM121", m("T3", "total", "total")), ("SM122", m("T3", "total", "project"))),
        tuple(
            m("T3", "total", c)
            for c in ("basic", "project", "to_superior", "operating", "to_affiliated")
        ),
    ),
    "SM122": Case(
        {
            m("T3", "201", "total"): "425.33",
            m("T3", "201", "basic"): "340.85",
            m("T3", "total", "total"): "573.85",
            m("T3", "total", "basic"): "389.37",
        },
        (("SM122", m("T3", "201", "total")), ("SM122", m("T3", "201", "basic"))),
        (m("T3", "20103", "total"),),
    ),
    "SM141": Case(
        {t4i("gpb"): "573.85"},
        (("SM141", t4i("income_total")),),
        (t4i("gpb"), t4i("gov_fund"), t4i("soe")),
    ),
    "SM142": Case(
        {t4i("carry_in.gpb"): "0.19"},
        (("SM142", t4i("carry_in")),),
        (t4i("carry_in.gpb"), t4i("carry_in.gov_fund"), t4i("carry_in.soe")),
    ),
    "SM143": Case(
        {t4i("carry_in"): "0.19", t4i("carry_in.gpb"): "0.19"},
        (("SM143", t4i("grand_total")),),
        (t4i("income_total"), t4i("carry_in")),
    ),
    "SM144": Case(
        {t4e("201", "gpb"): "425.33"},
        (("SM144", t4e("201")), ("SM145", t4e("expenditure_total", "gpb"))),
        (t4e("201", "gpb"), t4e("201", "gov_fund"), t4e("201", "soe")),
    ),
    "SM145": Case(
        {t4e("expenditure_total", "gpb"): "573.85"},
        (
            ("SM145", t4e("expenditure_total", "gpb")),
            ("SM144", t4e("expenditure_total")),
            ("SM146", t4e("grand_total", "gpb")),
        ),
        tuple(t4e(c, "gpb") for c in LOCAL_CLASSES),
    ),
    "SM146": Case(
        {t4e("carry_out"): "0.19", t4e("carry_out", "gpb"): "0.19"},
        (("SM146", t4e("grand_total")), ("SM146", t4e("grand_total", "gpb"))),
        (t4e("expenditure_total"), t4e("carry_out")),
    ),
    "SM147": Case(
        {t4i("carry_in"): "0.19", t4i("carry_in.gpb"): "0.19", t4i("grand_total"): "573.94"},
        (("SM147", t4i("grand_total")),),
        (t4e("grand_total"),),
    ),
    "SM151": Case(
        {m("T5", "total", "project"): "184.58"},
        (("SM151", m("T5", "total", "total")), ("SM152", m("T5", "total", "project"))),
        (m("T5", "total", "basic"), m("T5", "total", "project")),
    ),
    # 款 ≠ Σ 项 (the 类 and 合计 moved with the 款)
    "SM152": Case(
        {m("T5", k, c): v for k in ("20805", "208") for c in ("total", "basic") for v in ["48.62"]}
        | {m("T5", "total", "total"): "573.85", m("T5", "total", "basic"): "389.37"},
        (("SM152", m("T5", "20805", "total")), ("SM152", m("T5", "20805", "basic"))),
        tuple(m("T5", k, "total") for k in ("2080501", "2080502", "2080505", "2080506")),
    ),
    "SM161": Case(
        {m("T6", "30101", "amount"): "98.30"},
        (("SM161", m("T6", "301", "amount")),),
        tuple(
            m("T6", k, "amount")
            for k in (
                *("30101", "30102", "30103", "30107", "30108"),
                *("30109", "30110", "30113", "30199"),
            )
        ),
    ),
    "SM162": Case(
        {m("T6", "personnel.total", "amount"): "357.63"},
        (("SM162", m("T6", "personnel.total", "amount")),),
        (m("T6", "301", "amount"), m("T6", "303", "amount")),
    ),
    "SM163": Case(
        {m("T6", "public.total", "amount"): "31.84"},
        (("SM163", m("T6", "public.total", "amount")),),
        (m("T6", "302", "amount"), m("T6", "310", "amount")),
    ),
    "SM171": Case(
        {m("T7", "main", "final.total"): "4.00"},
        (("SM171", m("T7", "main", "final.total")),),
        tuple(m("T7", "main", f"final.{i}") for i in ("abroad", "vehicle", "reception")),
    ),
    "SM172": Case(
        {m("T7", "main", "budget.vehicle_operation"): "4.84"},
        (("SM172", m("T7", "main", "budget.vehicle")),),
        (m("T7", "main", "budget.vehicle_purchase"), m("T7", "main", "budget.vehicle_operation")),
    ),
    "SM181": Case(
        {m("T8", "2120801", "exp_basic"): "5.00"},
        (("SM181", m("T8", "2120801", "exp_total")), ("SM182", m("T8", "21208", "exp_basic"))),
        (m("T8", "2120801", "exp_basic"), m("T8", "2120801", "exp_project")),
        FUNDS,
    ),
    "SM182": Case(
        {m("T8", "21208", "income"): "51.00"},
        (
            ("SM182", m("T8", "212", "income")),
            ("SM182", m("T8", "21208", "income")),
            ("SM184", m("T8", "21208", "carry_out")),
        ),
        (m("T8", "21208", "income"),),
        FUNDS,
    ),
    "SM183": Case(
        {m("T8", "total", "carry_out"): "16.00"},
        (("SM183", m("T8", "total", "carry_out")), ("SM182", m("T8", "total", "carry_out"))),
        (m("T8", "total", "carry_in"), m("T8", "total", "income"), m("T8", "total", "exp_total")),
        FUNDS,
    ),
    # +1 on one 项, −1 on the other: the 款 sums and the 合计 balance still hold
    "SM184": Case(
        {m("T8", "2120801", "carry_out"): "11.00", m("T8", "2120802", "carry_out"): "4.00"},
        (
            ("SM184", m("T8", "2120801", "carry_out")),
            ("SM184", m("T8", "2120802", "carry_out")),
        ),
        (
            m("T8", "2120801", "carry_in"),
            m("T8", "2120801", "income"),
            m("T8", "2120801", "exp_total"),
        ),
        FUNDS,
    ),
    "SM191": Case(
        {m("T9", "2230105", "exp_basic"): "5.00"},
        (("SM191", m("T9", "2230105", "exp_total")), ("SM192", m("T9", "22301", "exp_basic"))),
        (m("T9", "2230105", "exp_basic"), m("T9", "2230105", "exp_project")),
        FUNDS,
    ),
    "SM192": Case(
        {m("T9", "223", "income"): "21.00"},
        (
            ("SM192", m("T9", "223", "income")),
            ("SM192", m("T9", "total", "income")),
            ("SM194", m("T9", "223", "carry_out")),
        ),
        (m("T9", "22301", "income"),),
        FUNDS,
    ),
    "SM193": Case(
        {m("T9", "total", "carry_out"): "3.00"},
        (("SM193", m("T9", "total", "carry_out")), ("SM192", m("T9", "total", "carry_out"))),
        (m("T9", "total", "carry_in"), m("T9", "total", "income"), m("T9", "total", "exp_total")),
        FUNDS,
    ),
    "SM194": Case(
        {m("T9", "2230105", "income"): "13.00", m("T9", "2230199", "income"): "7.00"},
        (
            ("SM194", m("T9", "2230105", "carry_out")),
            ("SM194", m("T9", "2230199", "carry_out")),
        ),
        (
            m("T9", "2230105", "carry_in"),
            m("T9", "2230105", "income"),
            m("T9", "2230105", "exp_total"),
        ),
        FUNDS,
    ),
    # 款 20805 not printed: its 项 are compared with 208 directly (no sum error), and the
    # missing row is reported once, at the first 项 printed without it
    "SM100": Case(
        {},
        (("SM100", m("T3", "2080501", "label")),),
        tuple(m("T3", k, "label") for k in ("2080501", "2080502", "2080505", "2080506")),
        Variant(drop=("20805",)),
    ),
}
EXTRA_CASES: dict[str, Case] = {
    # 合计 ≠ Σ 类
    "SM112-total": Case(
        {m("T2", "total", "total"): "573.85", m("T2", "total", "fiscal"): "573.85"},
        (("SM112", m("T2", "total", "total")), ("SM112", m("T2", "total", "fiscal"))),
        (m("T2", "201", "total"), m("T2", "208", "total"), m("T2", "212", "total")),
    ),
}


# single amounts: checked by the schema layer (validators/schemas.py), which the reader runs
VALUE_CASES: dict[str, Case] = {
    # −1.00 + 1.00 keeps 本年收入合计; 结余分配 may be negative (see the all-tie workbook)
    "VA103": Case(
        {t1i("other"): "-1.00", t1i("superior"): "1.00"},
        (("VA103", t1i("other")),),
    ),
    # 0.001 is within rounding of the sums (notices only) but shows 3 decimals
    "VA104": Case(
        {m("T3", "2080502", "total"): "0.001"},
        (("VA104", m("T3", "2080502", "total")),),
        (m("T3", "2080502", "total"),),
    ),
}


@pytest.mark.parametrize("name", list(VALUE_CASES))
def test_planted_value_defect(name: str, tmp_path: Path) -> None:
    case = VALUE_CASES[name]
    fx = build_variant(tmp_path / "wb.xlsx", replace(case.variant, plant=case.plant))
    wb = read_workbook(fx.path)
    within, skipped = check_within(wb)
    assert skipped == []
    assert not [f for f in within if f.code in VALUE_CASES]  # never twice
    findings = [*wb.findings, *within]
    _found_as_planted(fx, findings, case)


def test_every_code_has_a_failing_case() -> None:
    assert sorted(CASES) == sorted(CODES)


@pytest.mark.parametrize("name", [*CASES, *EXTRA_CASES])
def test_planted_defect(name: str, tmp_path: Path) -> None:
    case = CASES.get(name) or EXTRA_CASES[name]
    variant = replace(case.variant, plant=case.plant)
    fx, findings, skipped = run(tmp_path, variant)
    assert skipped == []
    first = _found_as_planted(fx, findings, case)
    if case.related:
        for r, k in zip(first.related, case.related, strict=True):
            if k in fx.amounts:
                assert r.value == fx.amounts[k].value


def _found_as_planted(fx: Fixture, findings: list[Finding], case: Case) -> Finding:
    """The findings are exactly the planted ones, the first at its cell, table and severity,
    naming the related cells in order; returns that first finding."""
    expected = {(code, *cell_of(fx, key)) for code, key in case.expect}
    assert serious(findings) == expected, "\n".join(f.line() for f in findings)
    code, key = case.expect[0]
    first = next(f for f in findings if (f.code, f.sheet, f.cell) == (code, *cell_of(fx, key)))
    assert first.table == key[0]
    assert first.severity is RULES[code].severity
    if case.related:
        assert [(r.sheet, r.cell) for r in first.related] == [cell_of(fx, k) for k in case.related]
    return first
    if code.startswith("SM") and first.actual is not None and first.expected is not None:
        assert first.difference == first.actual - first.expected
        assert first.tolerance is not None and first.difference is not None
        assert abs(first.difference) > first.tolerance


# --- messages ------------------------------------------------------------------------------------


def test_error_message_names_the_cells_as_printed(tmp_path: Path) -> None:
    _, findings, _ = run(tmp_path, Variant(plant={m("T3", "total", "project"): "184.58"}))
    f = next(f for f in findings if f.code == "SM121")
    assert f.message == (
        "支出决算表 合计行「本年支出合计」573.75 ≠ 基本支出 389.27 + 项目支出 184.58 = 573.85，"
        "相差 0.10 万元"
    )
    assert f.message_en == (
        "T3 支出决算表, 合计 row / 本年支出合计: 573.75 ≠ 基本支出 389.27 + 项目支出 184.58"
        " = 573.85, a difference of 0.10 万元"
    )
    assert (f.row, f.column) == ("合计", "本年支出合计")
    assert (f.expected, f.actual, f.difference, f.tolerance) == (
        D("573.85"),
        D("573.75"),
        D("-0.10"),
        D("0.015"),  # three printed cells; the three blank columns are exact zeros
    )
    assert f.place == "SM121|main|total|total"


def test_yuan_tables_are_checked_in_their_own_unit(tmp_path: Path) -> None:
    # the whole workbook in 元: 年初/年末 71,800 make T1 tie exactly; T3 合计 项目 is off by 1,000
    plant = {
        t1i("carry_in"): "71800",
        t1e("carry_out"): "71800",
        m("T3", "total", "project"): "1845800",
    }
    _, findings, skipped = run(tmp_path, Variant(plant=plant, unit="元", scale=10000))
    assert skipped == []
    assert {f.code for f in findings} == {"SM121", "SM122"}
    f = next(f for f in findings if f.code == "SM121")
    assert f.message.endswith("= 5738500.00，相差 1000.00 元")


def test_fingerprints_are_stable_and_distinct(tmp_path: Path) -> None:
    plant = {m("T7", "main", "final.total"): "4.00", m("T7", "main", "budget.total"): "5.29"}
    fx = build_variant(tmp_path / "a.xlsx", Variant(plant=plant))
    wb = read_workbook(fx.path)
    first, _ = check_within(wb)
    again, _ = check_within(wb)
    prints = [f.fingerprint for f in first if f.code == "SM171"]
    assert len(prints) == 2 and len(set(prints)) == 2
    assert prints == [f.fingerprint for f in again if f.code == "SM171"]


# --- hierarchy ---------------------------------------------------------------------------------------


def test_a_kuan_is_never_added_together_with_its_xiang(tmp_path: Path) -> None:
    # 97.04 is what 208 would sum to if 20805 and its 项 were both added
    plant = {m("T3", "208", "total"): "97.04", m("T3", "208", "basic"): "97.04"}
    fx, findings, _ = run(tmp_path, Variant(plant=plant))
    f = next(f for f in findings if (f.sheet, f.cell) == cell_of(fx, m("T3", "208", "total")))
    assert f.code == "SM122" and f.expected == D("48.52")
    assert [(r.sheet, r.cell) for r in f.related] == [cell_of(fx, m("T3", "20805", "total"))]


def test_xiang_without_kuan_is_summed_into_its_class(tmp_path: Path) -> None:
    fx, findings, _ = run(tmp_path, Variant(drop=("20805",)))
    assert [f.code for f in findings if f.code.startswith("SM1") and f.table == "T3"] == ["SM100"]
    orphan = next(f for f in findings if f.code == "SM100")
    assert "20805" in orphan.message and "208" in orphan.message
    # a real difference under the missing 款 is still found, against the 类
    plant = {m("T3", "2080505", "total"): "35.54", m("T3", "2080505", "basic"): "35.54"}
    fx, findings, _ = run(tmp_path, Variant(drop=("20805",), plant=plant), "b")
    f = next(f for f in findings if f.code == "SM122")
    assert (f.sheet, f.cell) == cell_of(fx, m("T3", "208", "total"))
    assert len(f.related) == 4  # the four 项, directly


# --- skipping -----------------------------------------------------------------------------------------


def test_missing_table_skips_its_rules_once(tmp_path: Path) -> None:
    _, findings, skipped = run(tmp_path, Variant(omit=("T6",)))
    assert [(s.code, s.table) for s in skipped] == [
        ("SM161", "T6"),
        ("SM162", "T6"),
        ("SM163", "T6"),
    ]
    assert all("一般公共预算财政拨款基本支出决算表" in s.reason for s in skipped)
    assert all("not in the workbook" in s.reason_en for s in skipped)
    assert not [f for f in findings if f.table == "T6"]


def test_unreadable_table_skips_its_rules_once(tmp_path: Path) -> None:
    _, findings, skipped = run(tmp_path, Variant(garbage=("T5",)))
    assert [(s.code, s.table) for s in skipped] == [("SM151", "T5"), ("SM152", "T5")]
    assert "表头无法识别" in skipped[0].reason
    assert not [f for f in findings if f.table == "T5"]


def test_formula_without_value_is_skipped_not_an_error(tmp_path: Path) -> None:
    fx, findings, skipped = run(tmp_path, Variant(plant={m("T3", "total", "total"): "=C7+C11+C17"}))
    assert serious(findings) == set()
    cell = cell_of(fx, m("T3", "total", "total"))[1]
    assert [(s.code, s.table) for s in skipped] == [("SM121", "T3"), ("SM122", "T3")]
    assert all(cell in s.reason for s in skipped)


def test_missing_required_row_is_skipped_not_taken_for_zero(tmp_path: Path) -> None:
    fx = build_variant(tmp_path / "r.xlsx", Variant())
    wb = read_workbook(fx.path)
    income = wb.tables["T1"].sections["income"]
    income.rows = [r for r in income.rows if r.key != "income_total"]  # as if unrecognised
    findings, skipped = check_within(wb)
    assert serious(findings) == set()
    assert [(s.code, s.table) for s in skipped] == [("SM101", "T1"), ("SM103", "T1")]
    assert all("本年收入合计" in s.reason for s in skipped)


def test_missing_column_skips_the_rule_but_not_the_other_columns(tmp_path: Path) -> None:
    plant = {m("T3", "201", "basic"): "340.85", m("T3", "201", "total"): "425.33"}
    fx, findings, skipped = run(tmp_path, Variant(t3_without=("to_affiliated",), plant=plant))
    assert [(s.code, s.table) for s in skipped] == [("SM121", "T3"), ("SM122", "T3")]
    assert all("对附属单位补助支出" in s.reason for s in skipped)
    # the hierarchy still runs on the printed columns
    assert ("SM122", *cell_of(fx, m("T3", "201", "basic"))) in serious(findings)


# --- the catalogue as data -------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", [WITHIN, CROSS])
def test_registry_knows_every_catalogue_code(catalogue: str) -> None:
    for code, name, severity, summary, summary_en in metadata(catalogue):
        r = RULES[code]
        assert (r.name, r.severity.value, r.summary, r.summary_en) == (
            name,
            severity,
            summary,
            summary_en,
        )


def _placed_refs(rule: object) -> list[tuple[str, str, Ref, bool]]:
    """(table, section, reference, whether it names a cell) of every reference of a rule."""
    if not isinstance(rule, IdentityRule):
        return []
    each = rule.for_each
    out = [(each.table or "", each.section, each, False)] if each is not None else []
    for check in rule.checks:
        for ref in check.refs:
            if ref.is_row_cell:
                assert each is not None and each.table is not None
                out.append((each.table, each.section, ref, True))
            else:
                out.append((ref.table or "", ref.section, ref, True))
    return out


def test_catalogue_names_only_what_the_2023_spec_defines() -> None:
    edition = load_edition(2023)
    made_by_reader = {"total", "main", "personnel.total", "public.total"}
    for rule in load_rules():
        code = rule.info.code
        if isinstance(rule, HierarchyRule):
            assert edition.table(rule.table).layout in ("coded", "panels")
        if isinstance(rule, OrphanRule):
            assert all(edition.table(t).layout in ("coded", "panels") for t in rule.tables)
        per_column = isinstance(rule, IdentityRule) and rule.columns is not None
        for table, section, ref, names_cell in _placed_refs(rule):
            sec = edition.table(table).section(section)
            if ref.column is not None:
                assert sec.column(ref.column).is_amount, (code, ref)
            elif names_cell and not per_column:
                # a column may be left out only where the section has a single one
                assert len(sec.amount_columns) == 1, (code, ref)
            if ref.row is not None and not is_selector(ref.row):
                known = {r.key for r in sec.rows} | made_by_reader
                assert ref.row in known, (code, ref.row)


@pytest.mark.parametrize(
    "text",
    [
        "T1.income[gpb]",  # no relation
        "T1.income[gpb] = ",  # no items
        "sum(T1.expenditure[classes]) = T1.expenditure[expenditure_total]",  # total is a sum
        "T1.income[gpb] = T1.income[soe] +",  # dangling operator
        "T1.income[gpb] = T1.income[classes]",  # a selector outside sum()
        "T1.income[gpb] = sum(T1.income[gpb])",  # a row key inside sum()
        "T1.income[gpb] = T1.income[soe] = T1.income[other]",  # two relations
        "T1.income[gpb = T1.income[soe]",  # unbalanced
        "X1[gpb] = T1.income[soe]",  # not a table
    ],
)
def test_malformed_checks_are_rejected(text: str) -> None:
    with pytest.raises(CatalogueError):
        parse_check(text)


def test_check_syntax() -> None:
    c = parse_check(
        "T8[total].carry_out = T8[total].carry_in + T8[total].income - T8[total].exp_total"
    )
    assert [w for w, _ in c.items] == [1, 1, -1]
    assert c.total.section == "main" and c.total.column == "carry_out"
    c = parse_check(
        "T7[main].final.total <= - T7[main].final.abroad + sum(T4.expenditure[classes:x])"
    )
    assert c.relation == "<=" and c.total.column == "final.total"
    assert [w for w, _ in c.items] == [-1, 1]
    assert c.items[1][1].summed and c.items[1][1].row == "classes:x"


# --- cost ----------------------------------------------------------------------------------------------


def test_check_within_is_cheap(tmp_path: Path) -> None:
    """A guard against accidental quadratic work, far above the few ms it takes."""
    fx = build_variant(tmp_path / "t.xlsx", Variant(funds=True))
    wb = read_workbook(fx.path)
    check_within(wb)  # the catalogue is parsed once, here
    start = time.perf_counter()
    for _ in range(20):
        check_within(wb)
    assert (time.perf_counter() - start) / 20 < 0.05
