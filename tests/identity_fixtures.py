"""Workbooks for the identity tests: the sample unit with planted defects.

The workbooks are written by the layout builders (tests/layouts/builders.py) in the 2023 local
layout, one table per sheet, every local 类 printed on T1/T4. On top of that this module can
plant values (`plant`: a cell key → the text written instead of the sample's figure; "=…"
writes a formula without a cached value), drop coded rows, leave tables or T3 columns out, and
fill T8/T9 with figures (the sample unit has none, so their identities need invented ones that
satisfy every identity).

A cell key is (table, section, row key, column key), the reader's keys; the builder records the
sheet and A1 address of every amount it writes under that key, so expectations never hard-code
addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlsxWorkbook

from layouts.builders import (
    LOCAL,
    TITLES,
    Fixture,
    Sheet,
    Spell,
    Style,
    _coded,
    _func_rows,
    row_total,
    write_garbage,
    write_t1,
    write_t2,
    write_t3,
    write_t4,
    write_t5,
    write_t6,
    write_t7,
    write_t8,
    write_t9,
)

Key = tuple[str, str, str, str]  # (table, section, row key, column key)
Values = dict[str, str | None]

# T8 / T9 figures (万元) consistent with every identity: 年末 = 年初 + 收入 − 支出 on every row,
# each parent the sum of its children. Two 项 per 款, so that a per-row balance error can be
# planted without disturbing the 款 sums (+1 on one 项, −1 on the other).
_FUND_COLUMNS = ["carry_in", "income", "exp_total", "exp_basic", "exp_project", "carry_out"]


def _fund(ci: str, inc: str, exp: str, co: str) -> Values:
    return {
        "carry_in": ci,
        "income": inc,
        "exp_total": exp,
        "exp_basic": None,
        "exp_project": exp,
        "carry_out": co,
    }


T8_ROWS: list[tuple[str | None, str, Values]] = [
    (None, "合计", _fund("10.00", "50.00", "45.00", "15.00")),
    ("212", "城乡社区支出", _fund("10.00", "50.00", "45.00", "15.00")),
    ("21208", "国有土地使用权出让收入安排的支出", _fund("10.00", "50.00", "45.00", "15.00")),
    ("2120801", "征地和拆迁补偿支出", _fund("5.00", "30.00", "25.00", "10.00")),
    ("2120802", "土地开发支出", _fund("5.00", "20.00", "20.00", "5.00")),
]
T9_ROWS: list[tuple[str | None, str, Values]] = [
    (None, "合计", _fund("2.00", "20.00", "20.00", "2.00")),
    ("223", "国有资本经营预算支出", _fund("2.00", "20.00", "20.00", "2.00")),
    ("22301", "解决历史遗留问题及改革成本支出", _fund("2.00", "20.00", "20.00", "2.00")),
    ("2230105", "国有企业退休人员社会化管理补助支出", _fund("1.00", "12.00", "12.00", "1.00")),
    ("2230199", "其他解决历史遗留问题及改革成本支出", _fund("1.00", "8.00", "8.00", "1.00")),
]
_FUND_NODES: list[Any] = [
    "年初结转和结余",
    "本年收入",
    ("本年支出", ["小计", "基本支出", "项目支出"]),
    "年末结转和结余",
]

# T1 figures that tie exactly (no rounding notice): 年初/年末结转和结余 7.18 instead of 7.19,
# and a negative 结余分配 (exempt from the negative-amount rule) offset by 年末.
EXACT_T1: Mapping[Key, str | None] = {
    ("T1", "income", "carry_in", "amount"): "7.18",
    ("T1", "expenditure", "surplus_distribution", "amount"): "-1.00",
    ("T1", "expenditure", "carry_out", "amount"): "8.18",
}


@dataclass(frozen=True)
class Variant:
    plant: Mapping[Key, str | None] = field(default_factory=dict)
    funds: bool = False  # T8 and T9 with figures instead of empty
    drop: tuple[str, ...] = ()  # T3 rows (codes) not printed
    omit: tuple[str, ...] = ()  # tables not in the workbook
    t3_without: tuple[str, ...] = ()  # T3 amount columns not printed
    garbage: tuple[str, ...] = ()  # tables whose header is not a header
    unit: str = "万元"
    scale: int = 1


def _spell(text: str | None) -> Spell:
    if text is None:
        return Spell(None, None)
    if text.startswith("="):
        return Spell(text, None, None)  # a formula saved without its value: unknown
    return Spell(float(text), Decimal(text))


def _t3_writer(v: Variant) -> Any:
    if not v.drop and not v.t3_without:
        return write_t3
    labels = {
        "total": "本年支出合计",
        "basic": "基本支出",
        "project": "项目支出",
        "to_superior": "上缴上级支出",
        "operating": "经营支出",
        "to_affiliated": "对附属单位补助支出",
    }
    keys = [k for k in labels if k not in v.t3_without]

    def cols(b: str | None, p: str | None) -> Values:
        return {"total": row_total(b, p), "basic": b, "project": p}

    rows = [r for r in _func_rows(cols) if r[0] not in v.drop]

    def write(sh: Sheet, top: int) -> int:
        return _coded(sh, top, "T3", [labels[k] for k in keys], keys, rows)

    return write


def _fund_writer(key: str, rows: list[tuple[str | None, str, Values]]) -> Any:
    def write(sh: Sheet, top: int) -> int:
        return _coded(sh, top, key, _FUND_NODES, _FUND_COLUMNS, rows)

    return write


def _garbage(key: str) -> Any:
    def write(sh: Sheet, top: int) -> int:
        return write_garbage(sh, top, key)

    return write


def build_variant(path: Path, v: Variant = Variant()) -> Fixture:
    """Write the sample workbook with the variant's changes; return the builder's record."""
    style: Style = replace(
        LOCAL,
        unit=v.unit,
        scale=v.scale,
        spell={key: _spell(text) for key, text in v.plant.items()},
    )
    writers: dict[str, Any] = {
        "T1": write_t1,
        "T2": write_t2,
        "T3": _t3_writer(v),
        "T4": write_t4,
        "T5": write_t5,
        "T6": write_t6,
        "T7": write_t7,
        "T8": _fund_writer("T8", T8_ROWS) if v.funds else write_t8,
        "T9": _fund_writer("T9", T9_ROWS) if v.funds else write_t9,
    }
    fx = Fixture(path.stem, path, style.year, style.unit)
    book = XlsxWorkbook()
    book.remove(book.active)
    for key, write in writers.items():
        if key in v.omit:
            continue
        sh = Sheet(fx, style, book.create_sheet(TITLES[key]))
        fx.sheet_names.append(TITLES[key])
        (_garbage(key) if key in v.garbage else write)(sh, 1)
        sh.finish()
    book.save(path)
    return fx


def cell_of(fx: Fixture, key: Key) -> tuple[str, str]:
    """(sheet, A1) of a key; column "label" is the row's code/label cell (column A)."""
    table, section, row, column = key
    if column == "label":
        te = fx.tables[table]
        return te.sheet, f"A{te.sheet_rows[(section, row)] + 1}"
    c = fx.amounts[key]
    return c.sheet, c.cell
