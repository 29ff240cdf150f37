"""The bundled sample workbooks: reproducible from build.py, holding the seed unit's figures
(nine-tables.md §6) at the documented cells, satisfying every identity of §3, and each variant
differing from the clean workbook in exactly the documented cells (sample_workbooks/README.md)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest

from conftest import SAMPLES
from juesuan.io.template_writer import WorkbookFill

D = Decimal
T1, T2, T3, T4 = "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表"
T6, T7 = "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表"
T8, T9 = "政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款收入支出决算表"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_build", SAMPLES / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_build"] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


build = _load_build()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    build.build(out)
    return out


def _values(path: Path) -> dict[tuple[str, str], Any]:
    book = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    }


@pytest.fixture(scope="module")
def clean() -> dict[tuple[str, str], Any]:
    return _values(SAMPLES / build.CLEAN)


# --- reproducibility ------------------------------------------------------------------------------


def test_build_reproduces_the_committed_files(rebuilt: Path) -> None:
    names = sorted(p.name for p in rebuilt.glob("*.xlsx"))
    assert names == sorted(p.name for p in SAMPLES.glob("*.xlsx"))
    assert len(names) == 10
    for name in names:
        assert (rebuilt / name).read_bytes() == (SAMPLES / name).read_bytes(), (
            f"{name} is stale: run .venv/bin/python sample_workbooks/build.py"
        )


# --- the clean sample -------------------------------------------------------------------------------

FIGURES: dict[tuple[str, str], object] = {
    # T1 收入支出决算总表
    (T1, "A3"): "编制单位：乌鲁木齐市政务服务管理局",
    (T1, "B6"): 573.75,  # 一般公共预算财政拨款收入
    (T1, "B14"): 573.75,  # 本年收入合计
    (T1, "B15"): 0,  # 使用非财政拨款结余
    (T1, "B16"): 7.19,  # 年初结转和结余
    (T1, "B17"): 580.93,  # 总计
    (T1, "C6"): "一、一般公共服务支出",
    (T1, "D6"): 425.23,
    (T1, "C7"): "八、社会保障和就业支出",
    (T1, "D7"): 48.52,
    (T1, "C8"): "十一、城乡社区支出",
    (T1, "D8"): 100,
    (T1, "D14"): 573.75,  # 本年支出合计
    (T1, "D16"): 7.19,  # 年末结转和结余
    (T1, "D17"): 580.93,  # 总计
    # T2 收入决算表: all 财政拨款收入
    (T2, "C6"): 573.75,
    (T2, "D6"): 573.75,
    # T3 支出决算表
    (T3, "C6"): 573.75,
    (T3, "D6"): 389.27,
    (T3, "E6"): 184.48,
    (T3, "A9"): "2010301",
    (T3, "B9"): "行政运行",
    (T3, "C9"): 340.75,
    (T3, "D9"): 340.75,
    (T3, "B10"): "一般行政管理事务",
    (T3, "E10"): 84.48,
    (T3, "D13"): 1.08,
    (T3, "D14"): 0,
    (T3, "D15"): 35.44,
    (T3, "D16"): 12,
    (T3, "E19"): 100,
    # T4 财政拨款收入支出决算总表
    (T4, "B7"): 573.75,
    (T4, "B10"): 573.75,
    (T4, "B11"): 0.09,
    (T4, "B12"): 0.09,
    (T4, "B15"): 573.84,
    (T4, "D10"): 573.75,
    (T4, "D11"): 0.09,
    (T4, "D15"): 573.84,
    # T6 基本支出: footers and the 三公-related 款
    (T6, "C44"): 357.53,
    (T6, "F44"): 31.74,
    (T6, "A22"): "30302",
    (T6, "C22"): 1.08,
    (T6, "D22"): "30217",
    (T6, "F22"): 0.1,
    (T6, "D30"): "30231",
    (T6, "F30"): 3.8,
    # T7 三公: 预算数 A–F, 决算数 G–L
    (T7, "A7"): 5.19,
    (T7, "C7"): 4.94,
    (T7, "E7"): 4.94,
    (T7, "F7"): 0.25,
    (T7, "G7"): 3.9,
    (T7, "I7"): 3.8,
    (T7, "K7"): 3.8,
    (T7, "L7"): 0.1,
    # T8/T9 empty, with their 说明 line under the note
    (T8, "A6"): "合计",
    (
        T8,
        "A8",
    ): "说明：乌鲁木齐市政务服务管理局本年度没有政府性基金预算财政拨款收入、支出和结转结余，故本表无数据。",
    (
        T9,
        "A8",
    ): "说明：乌鲁木齐市政务服务管理局本年度没有国有资本经营预算财政拨款收入、支出和结转结余，故本表无数据。",
}


def test_clean_sample_holds_the_seed_figures(clean: dict[tuple[str, str], Any]) -> None:
    for where, expected in FIGURES.items():
        assert clean.get(where) == expected, (where, clean.get(where))


def test_empty_fund_tables_have_no_amounts(clean: dict[tuple[str, str], Any]) -> None:
    for sheet in (T8, T9):
        assert not [k for k, v in clean.items() if k[0] == sheet and isinstance(v, int | float)]


# --- the variants --------------------------------------------------------------------------------

# file → {(sheet, cell): new value}; the old value is the clean sample's (README.md lists both)
VARIANT_CELLS: dict[str, dict[tuple[str, str], object]] = {
    "defect_01_wrong_total.xlsx": {(T3, "E6"): 184.58},
    "defect_02_t1_t3_mismatch.xlsx": {(T1, "D8"): 100.1, (T1, "D14"): 573.85, (T1, "D16"): 7.09},
    "defect_03_t5_t6_basic_mismatch.xlsx": {
        (T6, "C7"): 96.92,
        (T6, "C6"): 356.55,
        (T6, "C44"): 357.63,
    },
    "defect_04_sangong_total.xlsx": {(T7, "G7"): 3.95},
    "defect_05_code_name_mismatch.xlsx": {(T3, "B10"): "行政运行"},
    "defect_08_amount_as_text.xlsx": {(T3, "C9"): "340.75"},
    "defect_09_formulas_without_values.xlsx": {
        (T3, f"{col}6"): f"=SUM({col}7,{col}11,{col}17)" for col in "CDEFGH"
    },
}


def _diff(a: dict[tuple[str, str], Any], b: dict[tuple[str, str], Any]) -> set[tuple[str, str]]:
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


@pytest.mark.parametrize("name", sorted(VARIANT_CELLS))
def test_variant_differs_in_exactly_the_documented_cells(
    name: str, clean: dict[tuple[str, str], Any]
) -> None:
    variant = _values(SAMPLES / name)
    expected = VARIANT_CELLS[name]
    assert _diff(clean, variant) == set(expected)
    for where, value in expected.items():
        assert variant[where] == value, where


def test_missing_table_variant_lacks_only_t6(clean: dict[tuple[str, str], Any]) -> None:
    variant = _values(SAMPLES / "defect_06_missing_table.xlsx")
    assert {k[0] for k in _diff(clean, variant)} == {T6}
    assert T6 not in openpyxl.load_workbook(SAMPLES / "defect_06_missing_table.xlsx").sheetnames


def test_yuan_variant_scales_t2_exactly(clean: dict[tuple[str, str], Any]) -> None:
    variant = _values(SAMPLES / "defect_07_unit_yuan.xlsx")
    changed = _diff(clean, variant)
    assert {k[0] for k in changed} == {T2}
    assert variant[(T2, "I3")] == "单位：元" and clean[(T2, "I3")] == "单位：万元"
    amounts = changed - {(T2, "I3")}
    assert len(amounts) == 26  # every non-zero amount of T2; zeros stay 0
    for where in amounts:
        assert D(str(variant[where])) == D(str(clean[where])) * 10000, where


# --- the §3 identities, recomputed on the fill data in exact decimals ------------------------------

Values = dict[tuple[str, str, str, str], Decimal]


def _flatten(fill: WorkbookFill) -> Values:
    return {
        (table, *key): value
        for table, table_fill in fill.tables.items()
        for key, value in table_fill.values.items()
    }


class Identities:
    """Every identity of nine-tables.md §3 that the fill data can express; `failures` maps an
    identity (with its row/column) to total − Σ parts, or to the excess for an inequality."""

    def __init__(self, fill: WorkbookFill) -> None:
        self.v = _flatten(fill)
        self.fill = fill
        self.failures: dict[str, Decimal] = {}
        self.checked = 0

    def get(self, table: str, section: str, row: str, col: str) -> Decimal:
        return self.v.get((table, section, row, col), D(0))

    def eq(self, name: str, total: Decimal, parts: Iterable[Decimal]) -> None:
        self.checked += 1
        diff = total - sum(parts, D(0))
        if diff:
            self.failures[name] = diff

    def le(self, name: str, small: Decimal, big: Decimal) -> None:
        self.checked += 1
        if small > big:
            self.failures[name] = small - big

    def codes(self, table: str) -> list[str]:
        return [r.code for r in self.fill.table(table).rows]

    def run(self) -> dict[str, Decimal]:
        for check in (self.t1, self.coded, self.t4, self.t6, self.t7, self.cross):
            check()
        negative = [k for k, v in self.v.items() if v < 0]
        assert not negative, negative
        return self.failures

    def t1(self) -> None:
        g = self.get
        items = [
            "gpb",
            "gov_fund",
            "soe",
            "superior",
            "business",
            "operating",
            "affiliated",
            "other",
        ]
        self.eq(
            "T1.1",
            g("T1", "income", "income_total", "amount"),
            [g("T1", "income", i, "amount") for i in items],
        )
        classes = [r for (t, s, r, _) in self.v if t == "T1" and s == "expenditure" and r.isdigit()]
        self.eq(
            "T1.2",
            g("T1", "expenditure", "expenditure_total", "amount"),
            [g("T1", "expenditure", c, "amount") for c in classes],
        )
        inc = ["income_total", "non_fiscal_balance_used", "carry_in"]
        self.eq(
            "T1.3",
            g("T1", "income", "grand_total", "amount"),
            [g("T1", "income", r, "amount") for r in inc],
        )
        exp = ["expenditure_total", "surplus_distribution", "carry_out"]
        self.eq(
            "T1.4",
            g("T1", "expenditure", "grand_total", "amount"),
            [g("T1", "expenditure", r, "amount") for r in exp],
        )
        self.eq(
            "T1.5",
            g("T1", "income", "grand_total", "amount"),
            [g("T1", "expenditure", "grand_total", "amount")],
        )

    def coded(self) -> None:
        row_sums = {
            "T2": (
                "T2.1",
                "total",
                ["fiscal", "superior", "business", "operating", "affiliated", "other"],
            ),
            "T3": (
                "T3.1",
                "total",
                ["basic", "project", "to_superior", "operating", "to_affiliated"],
            ),
            "T5": ("T5.1", "total", ["basic", "project"]),
            "T8": ("T8.1", "exp_total", ["exp_basic", "exp_project"]),
            "T9": ("T9.1", "exp_total", ["exp_basic", "exp_project"]),
        }
        for table, (name, total, parts) in row_sums.items():
            columns = {c for (t, _, _, c) in self.v if t == table}
            for row in ["total", *self.codes(table)]:
                self.eq(
                    f"{name}[{row}]",
                    self.get(table, "main", row, total),
                    [self.get(table, "main", row, p) for p in parts],
                )
            self.hierarchy(table, columns)
        for table in ("T8", "T9"):
            g = self.get
            self.eq(
                f"{table}.2",
                g(table, "main", "total", "carry_out"),
                [
                    g(table, "main", "total", "carry_in"),
                    g(table, "main", "total", "income"),
                    -g(table, "main", "total", "exp_total"),
                ],
            )

    def hierarchy(self, table: str, columns: set[str]) -> None:
        codes = self.codes(table)
        for col in columns:
            for parent in ["", *codes]:
                if len(parent) == 7:
                    continue
                children = [
                    c
                    for c in codes
                    if len(c) == len(parent) + 2 + (parent == "") and c.startswith(parent)
                ]
                if not children:
                    continue
                row = parent or "total"
                self.eq(
                    f"{table}.H[{row}/{col}]",
                    self.get(table, "main", row, col),
                    [self.get(table, "main", c, col) for c in children],
                )

    def t4(self) -> None:
        g = self.get
        funds = ["gpb", "gov_fund", "soe"]
        self.eq(
            "T4.1",
            g("T4", "income", "income_total", "amount"),
            [g("T4", "income", f, "amount") for f in funds],
        )
        self.eq(
            "T4.2",
            g("T4", "income", "carry_in", "amount"),
            [g("T4", "income", f"carry_in.{f}", "amount") for f in funds],
        )
        self.eq(
            "T4.3",
            g("T4", "income", "grand_total", "amount"),
            [g("T4", "income", r, "amount") for r in ("income_total", "carry_in")],
        )
        rows = {r for (t, s, r, _) in self.v if t == "T4" and s == "expenditure"}
        classes = [r for r in rows if r.isdigit()]
        for row in rows:
            self.eq(
                f"T4.4[{row}]",
                g("T4", "expenditure", row, "total"),
                [g("T4", "expenditure", row, f) for f in funds],
            )
        for col in ["total", *funds]:
            self.eq(
                f"T4.5[{col}]",
                g("T4", "expenditure", "expenditure_total", col),
                [g("T4", "expenditure", c, col) for c in classes],
            )
            self.eq(
                f"T4.6[{col}]",
                g("T4", "expenditure", "grand_total", col),
                [g("T4", "expenditure", r, col) for r in ("expenditure_total", "carry_out")],
            )
            self.eq(
                f"T4.6sub[{col}]",
                g("T4", "expenditure", "carry_out", col),
                [g("T4", "expenditure", f"carry_out.{f}", col) for f in funds],
            )
        self.eq(
            "T4.7",
            g("T4", "income", "grand_total", "amount"),
            [g("T4", "expenditure", "grand_total", "total")],
        )

    def t6(self) -> None:
        if not any(t == "T6" for (t, _, _, _) in self.v):
            return
        g = self.get
        codes = {r for (t, _, r, _) in self.v if t == "T6" and r.isdigit()}
        for cls in (c for c in codes if len(c) == 3):
            self.eq(
                f"T6.1[{cls}]",
                g("T6", "main", cls, "amount"),
                [g("T6", "main", c, "amount") for c in codes if len(c) == 5 and c[:3] == cls],
            )
        self.eq(
            "T6.2",
            g("T6", "main", "personnel.total", "amount"),
            [g("T6", "main", c, "amount") for c in ("301", "303")],
        )
        self.eq(
            "T6.3",
            g("T6", "main", "public.total", "amount"),
            [g("T6", "main", c, "amount") for c in ("302", "310", "307", "309", "312", "399")],
        )

    def t7(self) -> None:
        g = self.get
        for block in ("budget", "final"):
            self.eq(
                f"T7.1[{block}]",
                g("T7", "main", "main", f"{block}.total"),
                [
                    g("T7", "main", "main", f"{block}.{i}")
                    for i in ("abroad", "vehicle", "reception")
                ],
            )
            self.eq(
                f"T7.2[{block}]",
                g("T7", "main", "main", f"{block}.vehicle"),
                [
                    g("T7", "main", "main", f"{block}.{i}")
                    for i in ("vehicle_purchase", "vehicle_operation")
                ],
            )

    def cross(self) -> None:
        g = self.get
        inc = lambda r: g("T1", "income", r, "amount")  # noqa: E731
        self.eq("X1", inc("income_total"), [g("T2", "main", "total", "total")])
        self.eq(
            "X2[fiscal]",
            inc("gpb") + inc("gov_fund") + inc("soe"),
            [g("T2", "main", "total", "fiscal")],
        )
        for item in ("superior", "business", "operating", "affiliated", "other"):
            self.eq(f"X2[{item}]", inc(item), [g("T2", "main", "total", item)])
        self.eq(
            "X3",
            g("T1", "expenditure", "expenditure_total", "amount"),
            [g("T3", "main", "total", "total")],
        )
        classes = {
            r
            for (t, s, r, _) in self.v
            if t in ("T1", "T3", "T4", "T5")
            and r.isdigit()
            and len(r) == 3
            and s in ("expenditure", "main")
        }
        for cls in sorted(classes):
            t1 = g("T1", "expenditure", cls, "amount")
            self.eq(f"X4[{cls}]", t1, [g("T3", "main", cls, "total")])
            self.le(f"X7[{cls}]", g("T4", "expenditure", cls, "total"), t1)
            self.eq(
                f"X8[{cls}]", g("T4", "expenditure", cls, "gpb"), [g("T5", "main", cls, "total")]
            )
            self.eq(
                f"X9[{cls}]",
                g("T4", "expenditure", cls, "gov_fund"),
                [g("T8", "main", cls, "exp_total")],
            )
            self.eq(
                f"X10[{cls}]",
                g("T4", "expenditure", cls, "soe"),
                [g("T9", "main", cls, "exp_total")],
            )
        for fund in ("gpb", "gov_fund", "soe"):
            self.eq(f"X5[{fund}]", g("T4", "income", fund, "amount"), [inc(fund)])
        self.eq(
            "X6", g("T4", "income", "income_total", "amount"), [g("T2", "main", "total", "fiscal")]
        )
        self.eq(
            "X8[total]",
            g("T4", "expenditure", "expenditure_total", "gpb"),
            [g("T5", "main", "total", "total")],
        )
        for fund, table in (("gov_fund", "T8"), ("soe", "T9")):
            self.eq(
                f"X9/10[{fund} exp]",
                g("T4", "expenditure", "expenditure_total", fund),
                [g(table, "main", "total", "exp_total")],
            )
            self.eq(
                f"X9/10[{fund} in]",
                g("T4", "income", fund, "amount"),
                [g(table, "main", "total", "income")],
            )
            self.eq(
                f"X9/10[{fund} 年初]",
                g("T4", "income", f"carry_in.{fund}", "amount"),
                [g(table, "main", "total", "carry_in")],
            )
            self.eq(
                f"X9/10[{fund} 年末]",
                g("T4", "expenditure", "carry_out", fund),
                [g(table, "main", "total", "carry_out")],
            )
        self.le("X11[年初]", g("T4", "income", "carry_in", "amount"), inc("carry_in"))
        self.le(
            "X11[年末]",
            g("T4", "expenditure", "carry_out", "total"),
            g("T1", "expenditure", "carry_out", "amount"),
        )
        if any(t == "T6" for (t, _, _, _) in self.v):
            self.eq(
                "X12",
                g("T5", "main", "total", "basic"),
                [
                    g("T6", "main", "personnel.total", "amount"),
                    g("T6", "main", "public.total", "amount"),
                ],
            )
            for kuan, item in (
                ("30212", "abroad"),
                ("30217", "reception"),
                ("30231", "vehicle_operation"),
                ("31013", "vehicle_purchase"),
            ):
                self.le(
                    f"X14[{kuan}]",
                    g("T6", "main", kuan, "amount"),
                    g("T7", "main", "main", f"final.{item}"),
                )
            # X15: the seed text states 机关运行经费 31.74 万元 for this administrative unit
            self.eq("X15", D("31.74"), [g("T6", "main", "public.total", "amount")])
        for code in (c for c in self.codes("T5") if len(c) == 7):
            for col in ("total", "basic", "project"):
                self.le(
                    f"X13[{code}/{col}]", g("T5", "main", code, col), g("T3", "main", code, col)
                )


# The seed's own rounding differences: 580.93 printed, 573.75 + 0.00 + 7.19 = 580.94. Three parts
# → tolerance 0.005 × (3 + 1) = 0.02 (nine-tables.md §5): a rounding notice, never an error.
SEED_ROUNDING = {"T1.3": D("-0.01"), "T1.4": D("-0.01")}


def _identities(change: Callable[[WorkbookFill], WorkbookFill] | None = None) -> Identities:
    fill = build.load_sample().fill
    identities = Identities(change(fill) if change else fill)
    identities.run()
    return identities


def test_clean_fill_satisfies_every_identity() -> None:
    identities = _identities()
    assert identities.checked > 150
    failures = identities.failures
    assert failures == SEED_ROUNDING
    assert all(abs(diff) <= D("0.005") * 4 for diff in failures.values())


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ("wrong_total", {"T3.1[total]": D("-0.10"), "T3.H[total/project]": D("0.10")}),
        ("t1_t3_mismatch", {"X3": D("0.10"), "X4[212]": D("0.10")}),
        ("t5_t6_basic", {"X12": D("-0.10")}),
        ("sangong_total", {"T7.1[final]": D("0.05")}),
    ],
)
def test_each_value_defect_breaks_exactly_its_identities(
    change: str, broken: dict[str, Decimal]
) -> None:
    assert _identities(getattr(build, change)).failures == {**SEED_ROUNDING, **broken}
