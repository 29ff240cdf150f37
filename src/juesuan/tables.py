"""Typed tables: what the reader makes of a workbook, every amount carrying its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

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


@dataclass(slots=True)
class Row:
    """One data row of a section.

    `key` identifies the row across workbooks: the code for coded rows ("2010301"), the spec key
    for fixed rows ("income_total"), "total" for a 合计 row, "class:<名称>" for a 类 row that the
    edition does not know.
    """

    key: str
    label: str
    sheet_row: int  # 0-based row index in the sheet
    label_cell: str | None = None
    code: str | None = None
    level: str | None = None  # 类 / 款 / 项 for coded rows, None otherwise
    panel: str | None = None  # T6: personnel / public
    values: dict[str, Amount] = field(default_factory=dict)

    def get(self, column: str) -> Amount | None:
        return self.values.get(column)


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
