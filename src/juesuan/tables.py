"""Typed tables: what the reader makes of a workbook, every amount carrying its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count, repeat
from operator import attrgetter, eq, is_
from pathlib import Path
from typing import Any, NamedTuple

from juesuan.findings import Finding, TableInfo
from juesuan.spec import Edition, SectionSpec, TableSpec


class Amount(NamedTuple):
    """One amount cell. `value` None means blank (it counts as 0 inside a sum).

    A named tuple, not a dataclass: the reader makes one per amount cell (~4,400 in a typical
    workbook), and a tuple is built in C (`tuple.__new__`, see parse/rows.py) in ~40% of the
    time a frozen dataclass takes. Immutable all the same; change one with `_replace`."""

    value: Decimal | None
    sheet: str
    cell: str
    # Decimal places actually present (for the interval rounding model), 0 for blanks.
    decimals: int = 0
    as_text: bool = False
    # A formula saved without its value: unknown, not zero; sums that need it are not checked.
    unknown: bool = False

    @property
    def zero_if_blank(self) -> Decimal:
        return self.value if self.value is not None else Decimal(0)


@dataclass(slots=True, eq=False)
class AmountColumns:
    """The amounts of a section's data rows as columns, as the reader found them: every cell a
    number or blank. Its rows make their `Amount`s from it only when asked (`Row.values`): a
    clean workbook's checks read the columns (`values`, `sums`) and never need one, and the
    reader skips building ~4,400 of them.

    `values[k][i]` is column `keys[k]` of data row `i` (None: blank), `places[k][i]` its
    decimal places; `numbers[i]` the row's sheet row number as printed in A1 ("12")."""

    sheet: str
    keys: tuple[str, ...]
    letters: tuple[str, ...]
    numbers: list[str]
    values: list[tuple[Decimal | None, ...]]
    places: list[tuple[int, ...]]
    _sums: dict[str, list[Decimal]] = field(default_factory=dict, init=False, repr=False)

    def amounts(self, i: int) -> dict[str, Amount]:
        """Data row `i`'s amounts, as the row-by-row reader would have built them."""
        sheet, number = self.sheet, self.numbers[i]
        return {
            key: _new(Amount, (values[i], sheet, letter + number, places[i], False, False))
            for key, letter, values, places in zip(
                self.keys, self.letters, self.values, self.places, strict=True
            )
        }

    def take(self, rows: list[int]) -> AmountColumns:
        """Only the data rows at `rows`, in that order."""
        return AmountColumns(
            self.sheet,
            self.keys,
            self.letters,
            list(map(self.numbers.__getitem__, rows)),
            [tuple(map(column.__getitem__, rows)) for column in self.values],
            [tuple(map(column.__getitem__, rows)) for column in self.places],
        )

    def sums(self, key: str) -> list[Decimal]:
        """Column `key` as a sum counts it: blanks as 0 (worked out once per column)."""
        out = self._sums.get(key)
        if out is None:
            column = self.values[self.keys.index(key)]
            out = self._sums[key] = [_ZERO if v is None else v for v in column]
        return out


_new = tuple.__new__  # an Amount straight from its fields, in C (see Amount)
_ZERO = Decimal(0)


class Row:
    """One data row of a section.

    `key` identifies the row across workbooks: the code for coded rows ("2010301"), the spec key
    for fixed rows ("income_total"), "total" for a 合计 row, "class:<名称>" for a 类 row that the
    edition does not know.

    `values` maps a column key to its `Amount`. A row the reader built from its section's
    `AmountColumns` (`columns`, at position `at`) makes that dict on first use; a check that
    can read the columns never asks. Written by hand, not a dataclass, for that one lazy field.
    Change a row's amounts by assigning new `values` (or `replace`), never in place: that
    detaches the row from the columns, which the checks would otherwise read.
    """

    __slots__ = (
        "_values",
        "at",
        "code",
        "columns",
        "key",
        "label",
        "label_cell",
        "level",
        "panel",
        "sheet_row",
    )

    def __init__(
        self,
        key: str,
        label: str,
        sheet_row: int,  # 0-based row index in the sheet
        label_cell: str | None = None,
        code: str | None = None,
        level: str | None = None,  # 类 / 款 / 项 for coded rows, None otherwise
        panel: str | None = None,  # T6: personnel / public
        values: dict[str, Amount] | None = None,
        columns: AmountColumns | None = None,
        at: int = -1,
    ) -> None:
        self.key = key
        self.label = label
        self.sheet_row = sheet_row
        self.label_cell = label_cell
        self.code = code
        self.level = level
        self.panel = panel
        self._values = values if values is not None or columns is not None else {}
        self.columns = columns
        self.at = at

    @property
    def values(self) -> dict[str, Amount]:
        values = self._values
        if values is None:
            assert self.columns is not None
            values = self._values = self.columns.amounts(self.at)
        return values

    @values.setter
    def values(self, values: dict[str, Amount]) -> None:
        self._values, self.columns, self.at = values, None, -1

    def get(self, column: str) -> Amount | None:
        return self.values.get(column)

    def replace(self, **changes: Any) -> Row:
        """A copy with `changes` (the fields of `__init__`); new `values` drop the columns."""
        fields = {name: getattr(self, name) for name in _ROW_FIELDS}
        fields.update(changes)
        return Row(**fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _ROW_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in _ROW_FIELDS)
        return f"Row({fields})"


_COLUMNS, _AT = attrgetter("columns"), attrgetter("at")
_ROW_FIELDS = ("key", "label", "sheet_row", "label_cell", "code", "level", "panel", "values")


@dataclass
class Column:
    key: str
    label: str  # the header text as printed
    col: int  # 0-based sheet column
    letter: str


@dataclass
class Section:
    spec: SectionSpec
    columns: dict[str, Column] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    def row(self, key: str) -> Row | None:
        for r in self.rows:
            if r.key == key:
                return r
        return None

    def by_code(self, code: str) -> Row | None:
        for r in self.rows:
            if r.code == code:
                return r
        return None

    def value(self, row_key: str, column: str) -> Amount | None:
        r = self.row(row_key)
        return None if r is None else r.get(column)

    def amount_columns(self) -> AmountColumns | None:
        """The section's amounts as columns when its rows are the columns' rows, in order (the
        reader's column path): row `i` of the section is row `i` of the columns. None when the
        rows were read one by one, or rows have been replaced since (their `values` then
        stand on their own). C-level passes over the rows: ~15 µs for a 150-row table."""
        rows = self.rows
        columns = rows[0].columns if rows else None
        if (
            columns is None
            or len(columns.numbers) != len(rows)
            or not all(map(is_, map(_COLUMNS, rows), repeat(columns)))
            or not all(map(eq, map(_AT, rows), count()))
        ):
            return None
        return columns

    def prints_amount(self) -> bool:
        """Some amount other than blank or 0 is printed (read from the columns when it can)."""
        columns = self.amount_columns()
        if columns is not None:
            return any(map(any, columns.values))
        return any(a.value for row in self.rows for a in row.values.values())

    def keep_columns(self, columns: AmountColumns | None) -> None:
        """Let the rows read from `columns` (some dropped: repeated, unlabelled or unknown
        rows) stand on columns of their own, row `i` of the section being their row `i`,
        for `amount_columns`. Nothing when `columns` is None (the rows were read one by one)."""
        rows = self.rows
        if columns is None or not rows or not all(map(is_, map(_COLUMNS, rows), repeat(columns))):
            return
        at = list(map(_AT, rows))
        if at == list(range(len(columns.numbers))):
            return
        kept = columns.take(at)
        for i, row in enumerate(rows):
            row.columns, row.at = kept, i


@dataclass
class Table:
    spec: TableSpec
    title: str  # as printed
    sheet: str
    range: str  # A1 range of the whole table, title to note
    unit: str | None  # 万元 / 元 / None when no unit line
    year: int | None
    unit_name: str | None
    sections: dict[str, Section] = field(default_factory=dict)
    empty: bool = False
    empty_note: str | None = None
    # False when the header could not be mapped: rules needing this table must skip it.
    usable: bool = True
    unit_cell: str | None = None  # A1 of the unit line (单位：万元), when printed

    @property
    def key(self) -> str:
        return self.spec.key

    def section(self, key: str = "main") -> Section:
        return self.sections[key]

    def info(self) -> TableInfo:
        return TableInfo(
            key=self.key,
            title=self.title,
            sheet=self.sheet,
            range=self.range,
            unit=self.unit,
            year=self.year,
            empty=self.empty,
        )


@dataclass
class Workbook:
    """The nine tables of one file, as far as they could be read, and what went wrong."""

    path: Path
    edition: Edition
    tables: dict[str, Table] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unit_name: str | None = None
    year: int | None = None
    currency_unit: str | None = None
    sheet_names: tuple[str, ...] = ()
