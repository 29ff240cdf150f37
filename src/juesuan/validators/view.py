"""Resolving catalogue references against one workbook's typed tables.

A reference either gives cells, gives nothing (a row that is not printed), or cannot be
resolved at all (`Unavailable`: the table is missing or unreadable, a column is not printed, a
cell is a formula saved without its value). The engine turns Unavailable into one Skipped
entry per rule and table, never into a difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from juesuan.spec import CodeBook
from juesuan.tables import Amount, AmountColumns, Row, Section, Table, Workbook
from juesuan.validators.expr import PANEL_SELECTOR


class Unavailable(Exception):
    """A check instance cannot be evaluated. `kind` groups the reasons of one Skipped entry."""

    def __init__(
        self, kind: str, zh: str, en: str, cell: str | None = None, table: str | None = None
    ) -> None:
        super().__init__(en)
        self.kind = kind
        self.table = table  # the table at fault, when it is not the check's own
        self.zh = zh
        self.en = en
        self.cell = cell


@dataclass(frozen=True, slots=True)
class Cell:
    """One amount cell with what a message needs to name it."""

    table: Table
    section: Section
    row: Row
    column: str
    amount: Amount

    @property
    def column_label(self) -> str:
        return column_label(self.section, self.column)

    @property
    def label(self) -> str:
        return cell_label(self.table, self.section, self.row, self.column)


def cell_label(table: Table, section: Section, row: Row, column: str) -> str:
    """Row and column as the accountant reads them: '201 一般公共服务支出 / 基本支出'; the row
    alone in a one-column section, the column alone in T7's single row."""
    if table.spec.layout == "single_row":
        return column_label(section, column)
    if len(section.spec.amount_columns) == 1:
        return row.label
    return f"{row.label} / {column_label(section, column)}"


def column_label(section: Section, key: str) -> str:
    """The edition's label of a column (stable and readable), else the printed header."""
    try:
        return section.spec.column(key).label
    except KeyError:
        col = section.columns.get(key)
        return col.label if col is not None else key


def ancestors(code: str) -> list[str]:
    """'2010301' → ['20103', '201']: the nearest first."""
    out: list[str] = []
    while len(code) > 3:
        code = CodeBook.parent(code)
        out.append(code)
    return out


_KEY, _CODE, _AT = attrgetter("key"), attrgetter("code"), attrgetter("at")


def _nearest_parents(codes: frozenset[str]) -> tuple[dict[str, str | None], frozenset[str]]:
    """Each code's nearest ancestor among `codes` (None for a top row), and the codes whose
    own parent (CodeBook.parent) is not among them. `ancestors(code)` walked inline, for every
    code of a section at once: the families, the leaves, the top rows and the orphans all ask,
    once per rule, for every coded row (one call per row with a cache miss, a KeyError caught,
    cost ~0.15 ms per workbook more)."""
    out: dict[str, str | None] = {}
    lacking: set[str] = set()
    for code in codes:
        up = code[:-2]  # CodeBook.parent, inline
        if len(code) > 3 and up in codes:
            out[code] = up  # nearly every code: its own parent is printed
            continue
        lacking.add(code)  # a code of 3 digits or fewer too: its parent, "", is never printed
        found = None
        while len(up) > 3:
            up = up[:-2]
            if up in codes:
                found = up
                break
        out[code] = found
    return out, frozenset(lacking)


def _is_top(row: Row, parents: dict[str, str | None]) -> bool:
    """A 类 row, or a 款/项 whose every ancestor is not printed (it stands in for them)."""
    if row.level == "类":
        return True
    return row.level is not None and row.code is not None and parents.get(row.code) is None


@dataclass
class SectionView:
    section: Section
    by_key: dict[str, Row] = field(default_factory=dict)
    codes: frozenset[str] = frozenset()
    # cell_of's answers by (id(row), column): a cell is compared by several rules
    cells: dict[tuple[int, str], Cell | None] = field(default_factory=dict)
    # parent_of's answers by code, worked out for every code at the first question
    parents: dict[str, str | None] = field(default_factory=dict)
    # the codes whose own parent is not printed, worked out with `parents`
    lacking: frozenset[str] = frozenset()
    # select's answers by selector: the 类 rows of T3 and T4 are asked for by several rules,
    # SM145 once per column (~0.1 ms per workbook)
    selected: dict[str, tuple[Row, ...]] = field(default_factory=dict)
    # the section's one amount column, for references that name none (implicit_column)
    only_column: str | None = None
    # the reader's columns of the section (Section.amount_columns), asked for once: see figures
    columns: AmountColumns | None = None
    columns_asked: bool = False
    # figures' answers for the rows of another section, by (id(rows), column), with the rows
    aligned: dict[tuple[int, str], tuple[Sequence[Row], list[Decimal | None]]] = field(
        default_factory=dict
    )
    # the codes printed that this year's list does not have, asked for once (identities.py:
    # the likely typo behind a row another table prints and this one does not)
    unlisted: tuple[str, ...] | None = None

    @classmethod
    def of(cls, section: Section) -> SectionView:
        rows = section.rows
        # the first row of each key: later ones overwritten by earlier ones
        by_key = dict(zip(map(_KEY, reversed(rows)), reversed(rows), strict=True))
        return cls(section, by_key, frozenset(filter(None, map(_CODE, rows))))

    def sums(self, column: str) -> list[Decimal] | None:
        """Column `column` of the reader's columns as a sum counts it (a blank is 0), row `i`
        of the section at `i` (so at `row.at`); None when the section was not read by columns
        or the column is not among them."""
        if not self.columns_asked:
            self.columns, self.columns_asked = self.section.amount_columns(), True
        columns = self.columns
        if columns is None or column not in columns.keys:
            return None
        return columns.sums(column)

    def figures(self, rows: Sequence[Row], column: str, own: bool) -> list[Decimal | None] | None:
        """Column `column` as a sum counts it (a blank is 0), read from the reader's columns:
        for `rows`, this section's own rows (`own`, a selection in sheet order), or the rows of
        another section, each matched by its key to this section's row (None where this
        section prints no row with that key). None when the section was not read by columns
        (or the column is not among them): the caller reads the rows' Amounts instead.

        What the plain passes add up: C-level passes over a column (~20 ns a figure) where
        reading each row's Amount took ~75 ns."""
        sums: list[Decimal | None] | None = self.sums(column)  # type: ignore[assignment]
        if sums is None:
            return None
        if own:
            if len(rows) == len(sums):  # the whole section: a selection keeps sheet order
                return sums
            return list(map(sums.__getitem__, map(_AT, rows)))
        known = self.aligned.get((id(rows), column))
        if known is not None and known[0] is rows:
            return known[1]
        by_key = self.by_key
        found = [by_key.get(key) for key in map(_KEY, rows)]
        out = [None if r is None else sums[r.at] for r in found]
        self.aligned[(id(rows), column)] = (rows, out)
        return out

    def parent_of(self, row: Row) -> str | None:
        """The nearest printed ancestor's code of a row of this section, or None when the row
        is a top row."""
        return self.nearest_parents().get(row.code or "")

    def nearest_parents(self) -> dict[str, str | None]:
        """`parent_of` for every code of the section, by code."""
        if not self.parents:
            self.parents, self.lacking = _nearest_parents(self.codes)
        return self.parents

    def without_parent(self) -> frozenset[str]:
        """The codes of the section whose own parent (CodeBook.parent) is not printed."""
        self.nearest_parents()
        return self.lacking

    def select(self, selector: str) -> tuple[Row, ...]:
        """The rows a row selector stands for (expr.py), in sheet order."""
        found = self.selected.get(selector)
        if found is None:
            found = self.selected[selector] = tuple(self._select(selector))
        return found

    def _select(self, selector: str) -> list[Row]:
        rows = self.section.rows
        if selector == "*":
            return rows
        if selector == "codes":
            return [r for r in rows if r.code and r.level]
        if selector == "leaves":
            coded = [r for r in rows if r.code and r.level]
            parents = {self.parent_of(r) for r in coded}
            return [r for r in coded if r.code not in parents]
        panel = selector[len(PANEL_SELECTOR) :] if selector.startswith(PANEL_SELECTOR) else None
        nearest = self.nearest_parents()
        return [r for r in rows if _is_top(r, nearest) and (panel is None or r.panel == panel)]


class WorkbookView:
    """Per-call caches over a Workbook; the Workbook itself is never changed."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._sections: dict[tuple[str, str], SectionView] = {}
        self._owners: dict[int, Table] = {}  # id(SectionView) → its table

    def table(self, key: str) -> Table:
        table = self.wb.tables.get(key)
        if table is not None and table.usable:
            return table
        try:
            title = self.wb.edition.table(key).title
        except KeyError:  # an edition without this table: name it by its key
            title = key
        if table is None:
            raise Unavailable(
                "table",
                f"工作簿中没有「{title}」，本项核对未执行",
                f"{key} ({title}) is not in the workbook; not checked",
                table=key,
            )
        if not table.usable:
            raise Unavailable(
                "table",
                f"「{title}」的表头无法识别，本项核对未执行",
                f"{key} ({title}) could not be read (header not recognised); not checked",
                table=key,
            )
        return table

    def section(self, table: Table, key: str) -> SectionView:
        view = self._sections.get((table.key, key))
        if view is None:
            sec = table.sections.get(key)
            if sec is None:
                raise Unavailable(
                    "table",
                    f"「{table.spec.title}」没有读到「{key}」部分，本项核对未执行",
                    f"{table.key} has no section '{key}'; not checked",
                    table=table.key,
                )
            view = SectionView.of(sec)
            self._sections[(table.key, key)] = view
            self._owners[id(view)] = table
        return view

    def owner(self, view: SectionView) -> Table:
        """The table of a section view made by `section`."""
        return self._owners[id(view)]

    def columns(self, table: Table, section: str, wanted: tuple[str, ...] | str) -> list[str]:
        """The columns a per-column rule runs over: the listed ones, or every amount column
        the edition defines for the section (a missing one is then reported as skipped)."""
        if wanted != "*":
            return list(wanted)
        return [c.key for c in self.section(table, section).section.spec.amount_columns]


def implicit_column(sv: SectionView, current: str | None, table: Table) -> str:
    """The column of a reference written without one."""
    if current is not None:
        return current
    if sv.only_column is None:
        amount = sv.section.spec.amount_columns
        if len(amount) != 1:  # pragma: no cover - catalogue tests rule this out
            raise ValueError(f"{table.key}.{sv.section.key}: a column must be named")
        sv.only_column = amount[0].key
    return sv.only_column


def missing_column(table: Table, section: Section, column: str) -> Unavailable:
    label = column_label(section, column)
    return Unavailable(
        f"column:{column}",
        f"「{table.spec.title}」没有「{label}」列，本项核对未执行",
        f"{table.key} ({table.spec.title}) has no column '{label}'; not checked",
        table=table.key,
    )


def cell_of(table: Table, sv: SectionView, row: Row, column: str) -> Cell | None:
    """The amount cell of a row, or None when the row prints no cell in that column.

    Raises Unavailable when the column is not printed at all, or the cell is a formula
    without a value (unknown, not zero)."""
    if (id(row), column) in sv.cells:
        return sv.cells[(id(row), column)]
    sec = sv.section
    if column not in sec.columns:
        raise missing_column(table, sec, column)
    amount = row.get(column)
    if amount is None:
        sv.cells[(id(row), column)] = None
        return None
    if amount.unknown:
        raise Unavailable(
            "unknown",
            f"「{table.spec.title}」{amount.cell} 是没有保存计算结果的公式或无法识别的金额，"
            f"涉及它的核对未执行",
            f"{table.key} {amount.cell} is a formula saved without its value or an unreadable "
            f"amount; checks that need it were not run",
            cell=amount.cell,
            table=table.key,
        )
    cell = sv.cells[(id(row), column)] = Cell(table, sec, row, column, amount)
    return cell
