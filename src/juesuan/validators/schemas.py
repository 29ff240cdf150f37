"""The pandera schema layer: per-cell and per-row checks of the typed tables.

    findings = check_schemas(workbook)

A workbook is flattened into two long frames — every amount (one row per cell) and every coded
row of the coded tables (T2 T3 T5 T6 T8 T9) — and each frame is validated once against a
`pandera.DataFrameSchema` built once per process. Each check carries its rule code as `name`
and starts its `error` with that code, so every failure case maps back to a frame row and so to
the exact cell:

    VA103  an amount is negative (结余分配 excepted)
    VA104  an amount shows more decimals than the unit (2)
    CD101  a code is not 3, 5 or 7 digits (3 or 5 for the economic codes of T6)
    CD102  a code is not in the edition's dictionary (where the dictionary lists every sibling)
    CD103  the printed name does not match the dictionary's name for the code

What cannot be vectorised is computed in Python while the frame is built, from the exact
Decimal (sign, decimals) or the code book (expected name, whether the name matches); the
checks then run on those columns. ST109 (a row printed twice) stays in the reader: it drops the
repeated row so that no sum counts it twice, and the typed tables keep no trace of it.

pandas and pandera are imported on first use only (~0.3 s), never at `import juesuan`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from juesuan import textnorm
from juesuan.findings import Finding, Related
from juesuan.io.grid import a1, parse_a1
from juesuan.rules import finding
from juesuan.spec import CodeBook
from juesuan.tables import Amount, Row, Section, Table, Workbook
from juesuan.validators.messages import fmt
from juesuan.validators.view import cell_label, column_label

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

MAX_DECIMALS = 2
# (table, section, row, column or None for the whole row) that may be negative
NEGATIVE_EXEMPT: tuple[tuple[str, str, str, str | None], ...] = (
    ("T1", "expenditure", "surplus_distribution", None),
)
CODED_LAYOUTS = frozenset({"coded", "panels"})


@dataclass(frozen=True, slots=True)
class Schemas:
    amounts: pa.DataFrameSchema
    codes: pa.DataFrameSchema


def _check(code: str, what: str, fn: Any) -> pa.Check:
    import pandera.pandas as pa

    return pa.Check(fn, name=code, error=f"{code}: {what}")


@functools.cache
def schemas() -> Schemas:
    """The two schemas, built once per process.

    The flag columns (sign, exempt; economic, unlisted, complete, named, name_matches) are
    computed by `frames` as numpy arrays, never null, and read by the frame-wide checks only:
    they are not declared as columns, since pandera validates every declared column (nulls,
    dtype) at ~0.1–0.15 ms per column and call, more than the checks themselves. The columns
    that carry the workbook's own data are declared with their type."""
    import pandera.pandas as pa

    amounts = pa.DataFrameSchema(
        {
            "decimals": pa.Column(
                int,
                _check(
                    "VA104",
                    f"no more than {MAX_DECIMALS} decimals",
                    lambda s: s <= MAX_DECIMALS,
                ),
            ),
        },
        checks=[
            _check(
                "VA103",
                "amounts are not below 0",
                lambda df: (df["sign"] >= 0) | df["exempt"],
            )
        ],
        name="amounts",
    )
    codes = pa.DataFrameSchema(
        {
            "code": pa.Column(
                "string",
                _check(
                    "CD101",
                    "a code is 3, 5 or 7 digits",
                    lambda s: s.str.fullmatch(r"\d{3}(?:\d{2}){0,2}"),
                ),
            ),
        },
        checks=[
            _check(
                "CD101",
                "an economic code is 3 or 5 digits",
                lambda df: ~(df["economic"] & (df["code"].str.len() == 7)),
            ),
            _check(
                "CD102",
                "a code is in the edition's dictionary",
                lambda df: ~(df["unlisted"] & df["complete"]),
            ),
            _check(
                "CD103",
                "the name matches the code",
                lambda df: df["unlisted"] | ~df["named"] | df["name_matches"],
            ),
        ],
        name="codes",
    )
    return Schemas(amounts, codes)


# --- flattening -----------------------------------------------------------------------------------


class _AmountAt(NamedTuple):
    # a tuple: one is made for every amount of the workbook
    table: Table
    section: Section
    row: Row
    column: str
    amount: Amount


class _CodeAt(NamedTuple):
    table: Table
    section: Section
    row: Row
    name: str
    book: CodeBook

    @property
    def name_cell(self) -> str:
        # worked out for a failure only
        return _name_cell(self.section, self.row, self.table.spec.layout == "panels")


_ZERO = Decimal(0)  # a Decimal compares faster with a Decimal than with an int
_EXEMPT_ROWS = frozenset((t, s, r) for t, s, r, c in NEGATIVE_EXEMPT if c is None)
_EXEMPT_CELLS = frozenset((t, s, r, c) for t, s, r, c in NEGATIVE_EXEMPT if c is not None)


@dataclass
class _AmountColumns:
    """Every known amount of every readable table, in table and sheet order, with the values
    the amount schema checks."""

    # (table, section, row), column, amount: plain tuples, an _AmountAt is made per failure
    places: list[tuple[tuple[Table, Section, Row], str, Amount]]
    sign: list[int]
    exempt: list[bool]
    decimals: list[int]

    def at(self, i: int) -> _AmountAt:
        (table, section, row), column, amount = self.places[i]
        return _AmountAt(table, section, row, column, amount)


def _amounts(wb: Workbook) -> _AmountColumns:
    out = _AmountColumns([], [], [], [])
    # one pass over every amount of the workbook (~3,000 known ones in a typical one)
    places, signs, exempts, decimals = out.places, out.sign, out.exempt, out.decimals
    for key in sorted(wb.tables):
        table = wb.tables[key]
        if not table.usable:
            continue
        for section in table.sections.values():
            for row in section.rows:
                exempt_row = (table.key, section.key, row.key) in _EXEMPT_ROWS
                place = (table, section, row)
                for column, amount in row.values.items():
                    value = amount.value
                    if value is None or amount.unknown:
                        continue
                    places.append((place, column, amount))
                    signs.append(-1 if value < _ZERO else (1 if value > _ZERO else 0))
                    exempts.append(
                        exempt_row
                        or (
                            bool(_EXEMPT_CELLS)
                            and (table.key, section.key, row.key, column) in _EXEMPT_CELLS
                        )
                    )
                    decimals.append(amount.decimals)
    return out


def _name_cell(section: Section, row: Row, panels: bool) -> str:
    """Where the reader reads a coded row's name: the name column, else the code's cell."""
    code_cell = row.label_cell or ""
    name = section.columns.get("name")
    if name is None:
        return code_cell
    code = section.columns.get("code")
    if panels and code is not None and code_cell:
        # T6: one code/name/amount group per panel, keyed alike (the section keeps the last
        # group's columns); the name sits at the same offset from its code in every group
        r, c = parse_a1(code_cell)
        return a1(r, c + name.col - code.col)
    return f"{name.letter}{row.sheet_row + 1}"


def _codes(wb: Workbook) -> list[_CodeAt]:
    out: list[_CodeAt] = []
    for key in sorted(wb.tables):
        table = wb.tables[key]
        if table.spec.layout not in CODED_LAYOUTS:
            continue
        book = (
            wb.edition.economic_codes
            if table.spec.layout == "panels"
            else wb.edition.codebook(table.spec.codes)
        )
        for section in table.sections.values():
            for row in section.rows:
                if row.code is None:
                    continue
                name = row.label[len(row.code) :].strip()
                out.append(_CodeAt(table, section, row, name, book))
    return out


@functools.lru_cache(maxsize=8192)
def _names_match(name: str, expected: str | None) -> bool:
    # the same codes and names print in up to five tables
    return expected is None or bool(
        set(textnorm.label_keys(name)) & set(textnorm.label_keys(expected))
    )


def frames(wb: Workbook) -> tuple[pd.DataFrame, _AmountColumns, pd.DataFrame, list[_CodeAt]]:
    """The amounts frame and the coded-rows frame, with the objects behind their rows.

    The frames hold the columns the schemas check and nothing else: a frame row maps back to
    its cell through the object list, by position."""
    import numpy as np
    import pandas as pd

    found = _amounts(wb)
    amount_frame = pd.DataFrame(
        {
            "sign": np.array(found.sign, dtype=np.int64),
            "exempt": np.array(found.exempt, dtype=bool),
            "decimals": np.array(found.decimals, dtype=np.int64),
        }
    )
    amounts = found
    codes = _codes(wb)
    # one pass over the coded rows for all the columns the code schema checks
    code_text: list[str] = []
    economic: list[bool] = []
    unlisted: list[bool] = []
    complete: list[bool] = []
    named: list[bool] = []
    name_matches: list[bool] = []
    for c in codes:
        code = c.row.code or ""
        expected = c.book.name(code)
        code_text.append(code)
        economic.append(c.book.kind == "economic")
        # CD102/CD103 apply to well-formed codes only, as CD101 covers the others
        unlisted.append(expected is None and CodeBook.level(code) is not None)
        complete.append(c.book.is_unknown(code))
        named.append(bool(c.name))
        name_matches.append(_names_match(c.name, expected))
    code_frame = pd.DataFrame(
        {
            # a string dtype: pandera checks it from the dtype alone, where an object
            # column of str is checked value by value (~0.3 ms for 800 codes)
            "code": pd.array(code_text, dtype="string"),
            "economic": np.array(economic, dtype=bool),
            "unlisted": np.array(unlisted, dtype=bool),
            "complete": np.array(complete, dtype=bool),
            "named": np.array(named, dtype=bool),
            "name_matches": np.array(name_matches, dtype=bool),
        }
    )
    return amount_frame, amounts, code_frame, codes


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> dict[str, list[int]]:
    """Rule code → the frame rows (positions, in order) that fail its checks."""
    import pandera.pandas as pa

    if frame.empty:
        return {}
    try:
        # the frame is ours and the schemas coerce nothing: no copy for pandera to work on
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        out: dict[str, set[int]] = {}
        for check, index in zip(cases["check"], cases["index"], strict=True):
            code = str(check).split(":", 1)[0]
            if index is not None and code[:2] in ("VA", "CD"):
                out.setdefault(code, set()).add(int(index))
            else:
                raise  # a type error of the frame itself is a bug, not a finding
        return {code: sorted(rows) for code, rows in out.items()}
    return {}


# --- findings -------------------------------------------------------------------------------------


def check_schemas(wb: Workbook) -> list[Finding]:
    """Findings of the schema checks, in rule and sheet order."""
    s = schemas()
    amount_frame, amounts, code_frame, codes = frames(wb)
    out: list[Finding] = []
    failed = _failures(s.amounts, amount_frame)
    out.extend(_negative(wb, amounts.at(i)) for i in failed.get("VA103", []))
    out.extend(_precision(wb, [amounts.at(i) for i in failed.get("VA104", [])]))
    failed = _failures(s.codes, code_frame)
    bad = set(failed.get("CD101", []))
    out.extend(_malformed(codes[i]) for i in sorted(bad))
    out.extend(_unknown(wb, codes[i]) for i in failed.get("CD102", []) if i not in bad)
    out.extend(_mismatch(codes[i]) for i in failed.get("CD103", []) if i not in bad)
    return out


def _unit(wb: Workbook, table: Table) -> str:
    return table.unit or wb.currency_unit or wb.edition.currency_unit


def _negative(wb: Workbook, at: _AmountAt) -> Finding:
    table, amount = at.table, at.amount
    label = cell_label(table, at.section, at.row, at.column)
    unit = _unit(wb, table)
    return finding(
        "VA103",
        f"{table.spec.title} {amount.cell}「{label}」为负数 {fmt(amount.value)} {unit}，"
        f"决算金额应不小于 0，请核实",
        f"{table.key} {amount.cell} ({label}) is negative: {fmt(amount.value)} {unit}; "
        f"final-account amounts are not below 0",
        table=table.key,
        sheet=amount.sheet,
        cell=amount.cell,
        row=at.row.label,
        column=column_label(at.section, at.column),
        actual=amount.value,
        place=f"VA103|{at.section.key}|{at.row.key}|{at.column}",
    )


def _precision(wb: Workbook, failed: list[_AmountAt]) -> list[Finding]:
    """One finding per table: a table pasted from a 元 ledger has dozens of such cells."""
    by_table: dict[str, list[tuple[str, _AmountAt]]] = {}
    for at in failed:
        label = cell_label(at.table, at.section, at.row, at.column)
        by_table.setdefault(at.table.key, []).append((label, at))
    out: list[Finding] = []
    for key, cells in by_table.items():
        label, first = cells[0]
        unit = _unit(wb, first.table)
        n, value = len(cells), first.amount.value
        out.append(
            finding(
                "VA104",
                f"{first.table.spec.title} 有 {n} 个金额的小数超过 {MAX_DECIMALS} 位"
                f"（如 {first.amount.cell}「{label}」{fmt(value)}），"
                f"以「{unit}」为单位的报表应保留 {MAX_DECIMALS} 位小数",
                f"{key}: {n} amount(s) show more than {MAX_DECIMALS} decimals (e.g. "
                f"{first.amount.cell} '{label}' {fmt(value)}); a table in {unit} shows "
                f"{MAX_DECIMALS}",
                table=key,
                sheet=first.amount.sheet,
                cell=first.amount.cell,
                actual=value,
                related=tuple(
                    Related(a.amount.sheet, a.amount.cell, a.amount.value, lab) for lab, a in cells
                ),
                place="VA104|precision",
            )
        )
    return out


def _malformed(c: _CodeAt) -> Finding:
    t, code, cell = c.table, c.row.code or "", c.row.label_cell or ""
    if c.book.kind == "economic":
        zh = f"{t.spec.title} {cell} 经济分类科目编码「{code}」不是 3 或 5 位数字"
        en = f"{t.key} {cell}: code '{code}' is not 3 or 5 digits"
        row = c.name
    else:
        zh = f"{t.spec.title} {cell} 科目编码「{code}」不是 3、5 或 7 位数字"
        en = f"{t.key} {cell}: code '{code}' is not 3, 5 or 7 digits"
        row = c.name or code
    return finding(
        "CD101", zh, en, table=t.key, sheet=t.sheet, cell=cell, row=row, place=f"code|{code}"
    )


def _unknown(wb: Workbook, c: _CodeAt) -> Finding:
    t, code, cell = c.table, c.row.code or "", c.name_cell
    kind = "功能分类" if c.book.kind == "function" else "经济分类"
    year = wb.edition.year
    return finding(
        "CD102",
        f"{t.spec.title} {cell} {kind}科目编码「{code}」不在 {year} 年科目表中",
        f"{t.key} {cell}: code {code} is not in the {year} list",
        table=t.key,
        sheet=t.sheet,
        cell=cell,
        row=f"{code} {c.name}".strip(),
        place=f"code|{code}",
    )


def _mismatch(c: _CodeAt) -> Finding:
    t, code, cell = c.table, c.row.code or "", c.name_cell
    expected = c.book.name(code)
    return finding(
        "CD103",
        f"{t.spec.title} {cell} 科目「{code}」的名称应为「{expected}」，表中为「{c.name}」",
        f"{t.key} {cell}: code {code} should be named '{expected}', not '{c.name}'",
        table=t.key,
        sheet=t.sheet,
        cell=cell,
        row=f"{code} {c.name}",
        place=f"name|{code}",
    )
