"""The pandera schema layer: per-cell and per-row checks of the typed tables.

    findings = check_schemas(workbook)

A workbook is flattened into two long frames — every amount cell (one row per cell) and every
distinct code record (code book, code, printed label) of the coded tables (T2 T3 T5 T6 T8 T9;
the same codes print in up to five of them) — and each frame is validated once against a
`pandera.DataFrameSchema` built once per process. Each check carries its rule code as `name`
and starts its `error` with that code, so every failure case maps back to a frame row and so to
the exact cell (or, for a code record, to every row that prints it):

    VA103  an amount is negative (结余分配 excepted)
    VA104  an amount shows more decimals than the unit (2)
    CD101  a code is not 3, 5 or 7 digits (3 or 5 for the economic codes of T6)
    CD102  a code is not in the edition's dictionary (where the dictionary lists every sibling)
    CD103  the printed name does not match the dictionary's name for the code

What cannot be vectorised is computed in Python while the frame is built, from the exact
Decimal (sign, decimals) or the code book (expected name, whether the name matches), by
C-level passes where it is per amount; the checks then run on those columns. A code record's
columns (its format, whether it is listed, whether its name matches) are worked out once per
process and code book, as the same records print in every workbook of an edition; pandas'
string methods would cost more on a frame this small (~0.15 ms a workbook) than the regular
expression on a record not seen before. ST109 (a row printed twice) stays in the reader: it
drops the repeated row so that no sum counts it twice, and the typed tables keep no trace of it.

pandas and pandera are imported on first use only (~0.3 s), never at `import juesuan`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from juesuan import textnorm
from juesuan.findings import Finding, Related
from juesuan.io.grid import a1, parse_a1
from juesuan.rules import finding
from juesuan.spec import CodeBook
from juesuan.tables import Amount, AmountColumns, Row, Section, Table, Workbook
from juesuan.validators.messages import fmt
from juesuan.validators.view import cell_label, column_label

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
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

    # ignore_na=False: our frames hold no nulls, and a frame-wide check that ignores them
    # tests every column of every row for one (~0.06 ms per check and call)
    return pa.Check(fn, name=code, error=f"{code}: {what}", ignore_na=False)


# a code qualified by its code book: 3, 5 or 7 digits; an economic code 3 or 5
CODE_FORMAT = r"function:\d{3}(?:\d{2}){0,2}|economic:\d{3}(?:\d{2})?"
_CODE_FORMAT_RE = re.compile(CODE_FORMAT, re.ASCII)


@functools.cache
def schemas() -> Schemas:
    """The two schemas, built once per process.

    Every check is frame-wide and no column is declared: the frames are built by `frames`
    from numpy arrays and lists of str, never null, and a declared column costs pandera a
    null and dtype test per call (~0.1–0.17 ms each, more than the checks themselves). Each
    check costs ~0.1 ms per call whatever the frame's size, hence one check per rule code."""
    import pandera.pandas as pa

    amounts = pa.DataFrameSchema(
        checks=[
            _check(
                "VA103",
                "amounts are not below 0",
                lambda df: ~df["negative"] | df["exempt"],
            ),
            _check(
                "VA104",
                f"no more than {MAX_DECIMALS} decimals",
                lambda df: df["decimals"] <= MAX_DECIMALS,
            ),
        ],
        name="amounts",
    )
    codes = pa.DataFrameSchema(
        checks=[
            _check(
                "CD101",
                "a code is 3, 5 or 7 digits (an economic code 3 or 5)",
                lambda df: df["well_formed"],
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
_VALUE, _DECIMALS, _UNKNOWN = attrgetter("value"), attrgetter("decimals"), attrgetter("unknown")
_CODE, _LABEL = attrgetter("code"), attrgetter("label")


def _negative(value: Decimal | None) -> bool:
    return value is not None and value < _ZERO


def _row_starts(section: Section) -> Iterator[tuple[Row, int]]:
    """Each row of a section with the position of its first amount in the section's."""
    at = 0
    for row in section.rows:
        yield row, at
        at += len(row.values)


@dataclass
class _AmountColumns:
    """Every amount cell of every readable table, section by section in table order, as
    columns: which are negative, exempt, and their decimals. A frame row maps back to its cell
    through `at`.

    A section read by the reader's column path (`Section.amount_columns`) is taken as it is,
    column after column; any other section row after row. `failed` puts failures back in
    table, row and column order, whichever way their section was laid out.

    Blank cells and formulas without their value are in the columns too, as neither negative
    nor with decimals (the reader gives them none): telling them apart would cost two more
    passes over every amount (~0.13 ms), where `failed` drops the odd failure at one."""

    sections: list[tuple[Table, Section, AmountColumns | None]]
    first: list[int]  # the position of each section's first amount
    negative: npt.NDArray[np.bool_]
    exempt: npt.NDArray[np.bool_]
    decimals: npt.NDArray[np.int64]

    def at(self, i: int) -> tuple[tuple[int, int, int], _AmountAt]:
        """The amount at position `i` (worked out for a failure only), with where it stands in
        table, row and column order."""
        k = bisect.bisect_right(self.first, i) - 1
        table, section, columns = self.sections[k]
        offset = i - self.first[k]
        if columns is not None:
            j, r = divmod(offset, len(section.rows))
            row, column = section.rows[r], columns.keys[j]
            return (k, r, j), _AmountAt(table, section, row, column, row.values[column])
        for r, (row, start) in enumerate(_row_starts(section)):
            if offset - start < len(row.values):
                j = offset - start
                column = list(row.values)[j]
                return (k, r, j), _AmountAt(table, section, row, column, row.values[column])
        raise IndexError(i)  # pragma: no cover - positions come from the same sections

    def failed(self, positions: list[int]) -> list[_AmountAt]:
        """The amounts at `positions` that are known (printed, not a formula without its
        value), in table, row and column order."""
        out = [at for _, at in sorted(map(self.at, positions), key=itemgetter(0))]
        return [at for at in out if at.amount.value is not None and not at.amount.unknown]


def _amounts(wb: Workbook) -> _AmountColumns:
    """The amount columns, built by C-level passes (the reader's own columns, `map` over
    attribute getters for a section read row by row, read by numpy from a list or a buffer)
    instead of a Python loop per amount."""
    import numpy as np

    sections: list[tuple[Table, Section, AmountColumns | None]] = []
    first: list[int] = []
    values: list[Decimal | None] = []
    places: list[int] = []
    for key in sorted(wb.tables):
        table = wb.tables[key]
        if table.usable:
            for section in table.sections.values():
                columns = section.amount_columns()
                sections.append((table, section, columns))
                first.append(len(values))
                if columns is not None:
                    values.extend(chain.from_iterable(columns.values))
                    places.extend(chain.from_iterable(columns.places))
                else:
                    amounts = [a for row in section.rows for a in row.values.values()]
                    values.extend(map(_VALUE, amounts))
                    places.extend(map(_DECIMALS, amounts))
    # nearly every workbook has no negative amount: its smallest non-zero figure (a C-level
    # `min`; blanks and zeros filtered out) says so without a comparison per amount
    if min(filter(None, values), default=_ZERO) < _ZERO:
        negative = np.array(list(map(_negative, values)), bool)
    else:
        negative = np.zeros(len(values), bool)
    exempt = np.zeros(len(values), bool)
    for (table, section, columns), at in zip(sections, first, strict=True):
        for t, s, r, c in NEGATIVE_EXEMPT:
            if (table.key, section.key) == (t, s):
                for i in _exempt(section, columns, r, c):
                    exempt[at + i] = True
    try:
        # bytes are read by numpy as they are (~8 ns less per amount than a list)
        decimals = np.frombuffer(bytes(places), np.uint8).astype(np.int64)
    except ValueError:  # 256 decimals or more: a number written with an exponent
        decimals = np.array(places, np.int64)
    return _AmountColumns(sections, first, negative, exempt, decimals)


def _exempt(
    section: Section, columns: AmountColumns | None, key: str, column: str | None
) -> list[int]:
    """The positions within a section's amounts of row `key`'s cells (or of its one `column`)."""
    out: list[int] = []
    if columns is not None:
        n = len(section.rows)
        for r, row in enumerate(section.rows):
            if row.key == key:
                out.extend(
                    j * n + r for j, k in enumerate(columns.keys) if column is None or k == column
                )
        return out
    for row, start in _row_starts(section):
        if row.key == key:
            out.extend(start + j for j, k in enumerate(row.values) if column is None or k == column)
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


def _coded_tables(wb: Workbook) -> list[tuple[Table, CodeBook]]:
    out: list[tuple[Table, CodeBook]] = []
    for key in sorted(wb.tables):
        table = wb.tables[key]
        if table.spec.layout in CODED_LAYOUTS:
            panels = table.spec.layout == "panels"
            book = wb.edition.economic_codes if panels else wb.edition.codebook(table.spec.codes)
            out.append((table, book))
    return out


# a code record: the code book's kind, the code, and the row's label (code and name as printed)
_Record = tuple[str, str, str]


@dataclass
class _CodeRecords:
    """The distinct code records of the coded tables (T2 T3 T5 T6 T8 T9), with the values the
    code schema checks. The same codes print in up to five tables: a typical workbook's 815
    coded rows are 215 records, each looked up in its code book and validated once."""

    records: list[_Record]
    books: dict[str, CodeBook]

    def rows(self, wb: Workbook, failed: set[_Record]) -> list[_CodeAt]:
        """Every coded row holding one of the `failed` records, in table and sheet order."""
        out: list[_CodeAt] = []
        for table, book in _coded_tables(wb):
            for section in table.sections.values():
                for row in section.rows:
                    if row.code is not None and (book.kind, row.code, row.label) in failed:
                        name = row.label[len(row.code) :].strip()
                        out.append(_CodeAt(table, section, row, name, book))
        return out


def _codes(wb: Workbook) -> _CodeRecords:
    found: dict[tuple[str, str | None, str], None] = {}
    books: dict[str, CodeBook] = {}
    for table, book in _coded_tables(wb):
        books[book.kind] = book
        for section in table.sections.values():
            rows = section.rows
            # (kind, code, label) of every row, distinct, in C-level passes
            found.update(dict.fromkeys(zip(repeat(book.kind), map(_CODE, rows), map(_LABEL, rows))))
    records = [(kind, code, label) for kind, code, label in found if code is not None]
    return _CodeRecords(records, books)


def _names_match(name: str, expected: str | None) -> bool:
    return expected is None or bool(
        set(textnorm.label_keys(name)) & set(textnorm.label_keys(expected))
    )


# what the code schema checks of one record: well formed, unlisted, unlisted where the
# dictionary lists every sibling, named, the name matches
_RecordColumns = tuple[bool, bool, bool, bool, bool]
# keyed by the code book's identity (a book is built once per process and edition; it is kept
# in the value so that its id cannot be reused while the entry lives)
_RECORD_COLUMNS: dict[tuple[int, _Record], tuple[CodeBook, _RecordColumns]] = {}
_RECORD_CACHE_SIZE = 1 << 16


def _record_columns(book: CodeBook, record: _Record) -> _RecordColumns:
    """The code schema's columns of one record, worked out once per process and code book:
    the same codes and names print in every workbook of an edition."""
    key = (id(book), record)
    hit = _RECORD_COLUMNS.get(key)
    if hit is not None and hit[0] is book:
        return hit[1]
    kind, code, label = record
    name = label[len(code) :].strip()
    expected = book.name(code)
    columns = (
        _CODE_FORMAT_RE.fullmatch(f"{kind}:{code}") is not None,
        # CD102/CD103 apply to well-formed codes only, as CD101 covers the others
        expected is None and CodeBook.level(code) is not None,
        book.is_unknown(code),
        bool(name),
        _names_match(name, expected),
    )
    if len(_RECORD_COLUMNS) >= _RECORD_CACHE_SIZE:
        _RECORD_COLUMNS.clear()
    _RECORD_COLUMNS[key] = (book, columns)
    return columns


def frames(wb: Workbook) -> tuple[pd.DataFrame, _AmountColumns, pd.DataFrame, _CodeRecords]:
    """The amounts frame and the code records frame, with what maps their rows back to cells.

    The frames hold the columns the schemas check and nothing else: an amount frame row is
    indexed by its position in the amount columns (`_AmountColumns.at`), a code frame row by
    its position in the code records."""
    import numpy as np
    import pandas as pd

    amounts = _amounts(wb)
    amount_frame = pd.DataFrame(
        {"negative": amounts.negative, "exempt": amounts.exempt, "decimals": amounts.decimals}
    )
    codes = _codes(wb)
    checked = [_record_columns(codes.books[record[0]], record) for record in codes.records]
    well_formed, unlisted, complete, named, name_matches = (
        zip(*checked, strict=True) if checked else ((),) * 5
    )
    code_frame = pd.DataFrame(
        {
            "well_formed": np.array(well_formed, dtype=bool),
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
    out.extend(_negative_finding(wb, at) for at in amounts.failed(failed.get("VA103", [])))
    out.extend(_precision(wb, amounts.failed(failed.get("VA104", []))))
    failed = _failures(s.codes, code_frame)
    if not failed:
        return out
    records = {code: {codes.records[i] for i in rows} for code, rows in failed.items()}
    bad = records.get("CD101", set())
    unknown, mismatch = records.get("CD102", set()) - bad, records.get("CD103", set()) - bad
    rows = codes.rows(wb, bad | unknown | mismatch)
    key = attrgetter("book.kind", "row.code", "row.label")
    out.extend(_malformed(c) for c in rows if key(c) in bad)
    out.extend(_unknown(wb, c) for c in rows if key(c) in unknown)
    out.extend(_mismatch(c) for c in rows if key(c) in mismatch)
    return out


def _unit(wb: Workbook, table: Table) -> str:
    return table.unit or wb.currency_unit or wb.edition.currency_unit


def _negative_finding(wb: Workbook, at: _AmountAt) -> Finding:
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
    # the code is what is wrong: its own cell, as for CD101 (the name's cell is CD103's)
    t, code, cell = c.table, c.row.code or "", c.row.label_cell or c.name_cell
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
