"""Write the nine statutory tables as an .xlsx workbook, empty (the template) or filled.

Everything a table prints — titles, codes, header words, fixed rows, 类 lists, code names,
notes — comes from the edition spec; this module only decides where things go. The layout is a
contract with the reader (`juesuan.parse`), so keep to it:

- one sheet per table, named by its title (cut to Excel's 31 characters only if longer);
- row 1 the title (merged across the table), row 2 the table code in the last column, row 3
  `编制单位：…` | `YYYY年度` (middle column) | `单位：万元` (last column);
- header rows from row 4, merged as in the official tables; data rows below; the note line
  (注：…) merged across under the data; for an empty table of a filled workbook a 说明 line
  under the note.

Building happens in two steps: `plan_workbook` lays every table out as plain data (cells,
merges, widths, the address of every amount cell by its semantic key), then `write_workbook`
renders the plan with xlsxwriter. Tests and the sample builder use the plan to find cells.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

from juesuan import textnorm
from juesuan.io.grid import col_letter
from juesuan.spec import CodeBook, ColumnSpec, Edition, SectionSpec, TableSpec

# A fill cell: (section key, row key or code, column key), the same keys the reader returns:
# ("income", "gpb", "amount") in T1, ("main", "2010301", "basic") in T3, ("main", "total",
# "total") for a 合计 row, ("main", "personnel.total", "amount") for a T6 footer,
# ("main", "main", "final.reception") in T7.
CellKey = tuple[str, str, str]

AMOUNT_FORMAT = "#,##0.00"
TITLE_ROW, CODE_ROW, META_ROW, HEADER_ROW = 0, 1, 2, 3
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
TEMPLATE_ENTRY_ROWS = 20  # blank rows under 合计 in an empty coded table, for entry

# Header words the official forms print that are not column names themselves. Each is used only
# when the table's spec lists it among its optional header words, so the reader accepts it.
_ITEM_GROUP = "项目"  # over 科目编码 / 科目名称 in coded tables
_AMOUNT_GROUP = "决算数"  # over the fund columns of T4's expenditure side
_SUBTOTAL = "小计"  # T7: the 公务用车 item's own column under its merged header
# T7: the items printed under another item's merged header (the 公务用车 group).
_T7_SUBITEMS = {"vehicle": ("vehicle_purchase", "vehicle_operation")}

_BODY_FONT = "宋体"
_TITLE_FONT = "黑体"
_GB2312_CHARSET = 134  # tells Excel the font is a Chinese one
_LINE_HEIGHT = 15.0  # points per wrapped text line at 11 pt
_ROW_HEIGHT = 18.0
_ROWS_PER_PAGE = 45

Style = Literal[
    "title",
    "table_code",
    "meta_left",
    "meta_center",
    "meta_right",
    "header",
    "label",
    "label_total",
    "code",
    "name",
    "amount",
    "note",
]


# --- the fill --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell with its cached value. `expression` may name other cells of the same
    table as {section:row:column}, e.g. "=SUM({main:201:total},{main:208:total})"."""

    expression: str
    value: Decimal


@dataclass(frozen=True)
class CodedRow:
    """A coded row to print: T2/T3/T5/T8/T9 rows, T1/T4 类 rows, extra T6 款 rows.
    `name` None prints the code book's name; a string overrides it (as printed)."""

    code: str
    name: str | None = None


@dataclass(frozen=True)
class TableFill:
    """What one table holds in a filled workbook. Amounts are exact decimals in `unit`."""

    values: Mapping[CellKey, Decimal] = field(default_factory=dict)
    # Coded rows in print order. Codes used in `values` but not listed here are appended.
    rows: tuple[CodedRow, ...] = ()
    unit: str | None = None  # None: the edition's unit (万元)
    as_text: frozenset[CellKey] = frozenset()  # write these amounts as text, e.g. '340.75'
    formulas: Mapping[CellKey, Formula] = field(default_factory=dict)
    empty_note: str | None = None  # None: automatic 说明 line when the table is empty

    @property
    def is_empty(self) -> bool:
        return not (self.values or self.rows or self.formulas)


@dataclass(frozen=True)
class WorkbookFill:
    tables: Mapping[str, TableFill] = field(default_factory=dict)
    omit: frozenset[str] = frozenset()  # table keys not written at all

    def table(self, key: str) -> TableFill:
        return self.tables.get(key, TableFill())


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCell:
    row: int
    col: int
    value: str | Decimal | Formula | None
    style: Style
    indent: int = 0
    last_row: int | None = None  # set for a merged range
    last_col: int | None = None
    as_text: bool = False

    @property
    def bottom(self) -> int:
        return self.row if self.last_row is None else self.last_row

    @property
    def right(self) -> int:
        return self.col if self.last_col is None else self.last_col

    @property
    def merged(self) -> bool:
        return (self.bottom, self.right) != (self.row, self.col)


@dataclass
class SheetPlan:
    table: TableSpec
    name: str
    widths: list[float]
    header_rows: tuple[int, int]  # first and last header row, 0-based
    cells: list[PlannedCell] = field(default_factory=list)
    addresses: dict[CellKey, tuple[int, int]] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)

    def a1(self, key: CellKey) -> str:
        row, col = self.addresses[key]
        return f"{col_letter(col)}{row + 1}"


@dataclass(frozen=True)
class _Leaf:
    """One printed column: its spec column, its header path from top to bottom, its role."""

    section: str
    spec: ColumnSpec
    path: tuple[str, ...]

    @property
    def role(self) -> str:
        return self.spec.role

    @property
    def is_amount(self) -> bool:
        return self.spec.is_amount


# --- small helpers -----------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 24 → 二十四 (enough for the 类 lists)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: Iterable[str] = ()) -> str:
    """The title as a sheet name: Excel's forbidden characters dropped, cut to 31 characters
    keeping the start (the full title stays in row 1), made unique with a (2), (3) suffix."""
    base = _SHEET_FORBIDDEN.sub("", title).strip("'")[:SHEET_NAME_LIMIT]
    used = {t.lower() for t in taken}
    name, n = base, 2
    while name.lower() in used:
        suffix = f"({n})"
        name, n = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    return name


def _allowed(spec: TableSpec, word: str) -> bool:
    return textnorm.key(word) in spec.optional_tokens


# --- header paths ------------------------------------------------------------------------------


def _leaves(spec: TableSpec) -> list[_Leaf]:
    if spec.layout == "two_sided":
        return [leaf for sec in spec.sections for leaf in _two_sided_leaves(spec, sec)]
    if spec.layout == "panels":
        sec = spec.sections[0]
        return [
            _Leaf(sec.key, col, (panel.name, col.label))
            for panel in spec.panels
            for col in sec.columns
        ]
    if spec.layout == "single_row":
        return _single_row_leaves(spec)
    return _coded_leaves(spec)


def _two_sided_leaves(spec: TableSpec, sec: SectionSpec) -> list[_Leaf]:
    several = len(sec.amount_columns) > 1 and _allowed(spec, _AMOUNT_GROUP)
    out = []
    for col in sec.columns:
        middle = (_AMOUNT_GROUP,) if several and col.is_amount else ()
        out.append(_Leaf(sec.key, col, (sec.name, *middle, col.label)))
    return out


def _coded_leaves(spec: TableSpec) -> list[_Leaf]:
    sec = spec.sections[0]
    group = _allowed(spec, _ITEM_GROUP)
    out = []
    for col in sec.columns:
        if col.role in ("code", "name") and group:
            path: tuple[str, ...] = (_ITEM_GROUP, col.label)
        else:
            # "本年支出 合计": a label with a space is a header path (T8/T9).
            path = tuple(col.label.split(" "))
        out.append(_Leaf(sec.key, col, path))
    return out


def _single_row_leaves(spec: TableSpec) -> list[_Leaf]:
    sec = spec.sections[0]
    labels = {col.key.split(".", 1)[1]: col.label.split(" ", 1)[1] for col in sec.columns}
    parent_of = {sub: group for group, subs in _T7_SUBITEMS.items() for sub in subs}
    out = []
    for col in sec.columns:
        block_label, item_label = col.label.split(" ", 1)
        item = col.key.split(".", 1)[1]
        if item in _T7_SUBITEMS:
            path: tuple[str, ...] = (block_label, item_label, _SUBTOTAL)
        elif item in parent_of:
            path = (block_label, labels[parent_of[item]], item_label)
        else:
            path = (block_label, item_label)
        out.append(_Leaf(sec.key, col, path))
    return out


def _header_cells(leaves: list[_Leaf], top: int) -> Iterator[PlannedCell]:
    """Merged header cells from the column paths: adjacent columns sharing a path prefix share a
    cell; a path that ends early runs down to the last header row."""
    depth = max(len(leaf.path) for leaf in leaves)
    paths = [leaf.path for leaf in leaves]
    for level in range(depth):
        c = 0
        while c < len(paths):
            path = paths[c]
            if len(path) <= level:
                c += 1
                continue
            end = c
            while (
                end + 1 < len(paths)
                and len(paths[end + 1]) > level
                and paths[end + 1][: level + 1] == path[: level + 1]
            ):
                end += 1
            bottom = level if len(path) > level + 1 or end > c else depth - 1
            yield PlannedCell(top + level, c, path[level], "header", 0, top + bottom, end)
            c = end + 1


# --- body layouts ------------------------------------------------------------------------------


@dataclass
class _Canvas:
    """Collects a sheet's cells and records where every fill key lands."""

    spec: TableSpec
    fill: TableFill
    cells: list[PlannedCell] = field(default_factory=list)
    addresses: dict[CellKey, tuple[int, int]] = field(default_factory=dict)

    def put(
        self,
        row: int,
        col: int,
        value: str | None,
        style: Style,
        *,
        indent: int = 0,
        to_col: int | None = None,
    ) -> None:
        self.cells.append(PlannedCell(row, col, value, style, indent, None, to_col))

    def amount(self, row: int, col: int, key: CellKey) -> None:
        self.addresses[key] = (row, col)
        value: str | Decimal | Formula | None = self.fill.formulas.get(key)
        if value is None:
            value = self.fill.values.get(key)
        as_text = key in self.fill.as_text
        self.cells.append(PlannedCell(row, col, value, "amount", as_text=as_text))


def _class_label(edition: Edition, code: str, name: str | None) -> str:
    """'一、一般公共服务支出': numbered by the class's place in the local template list, so a
    class keeps its label whether or not the classes before it are printed."""
    local = [c for c in edition.function_classes if c not in edition.central_only_classes]
    text = name or edition.function_codes.name(code) or code
    return f"{chinese_number(local.index(code) + 1)}、{text}" if code in local else text


def _printed_classes(
    edition: Edition, fill: TableFill | None, sections: Iterable[str]
) -> list[str]:
    if fill is None:
        return [c for c in edition.function_classes if c not in edition.central_only_classes]
    wanted = {r.code for r in fill.rows} | {
        row for sec, row, _ in (*fill.values, *fill.formulas) if sec in sections and _is_code(row)
    }
    order = {c: i for i, c in enumerate(edition.function_classes)}
    return sorted(wanted, key=lambda c: (order.get(c, len(order)), c))


def _is_code(text: str) -> bool:
    return text.isdigit()


@dataclass(frozen=True)
class _SideRow:
    key: str
    label: str
    style: Style = "label"
    indent: int = 0


def _side_rows(
    edition: Edition, sec: SectionSpec, classes: list[str], names: Mapping[str, str | None]
) -> tuple[list[_SideRow], list[_SideRow]]:
    """A side's rows split into the items above its 本年…合计 row and that row with the rest."""
    head = (
        [_SideRow(c, _class_label(edition, c, names.get(c))) for c in classes]
        if sec.class_rows
        else []
    )
    tail: list[_SideRow] = []
    for row in sec.rows:
        # 本年收入合计 / 本年支出合计 / 总计 print centred; fund sub-rows indented under their parent
        is_total = row.key.endswith("_total")
        item = _SideRow(
            row.key, row.label, "label_total" if is_total else "label", int(bool(row.parent))
        )
        (tail if tail or is_total else head).append(item)
    return head, tail


def _two_sided_body(
    canvas: _Canvas, edition: Edition, leaves: list[_Leaf], top: int, filled: bool
) -> int:
    spec = canvas.spec
    fill = canvas.fill if filled else None
    classes = _printed_classes(edition, fill, [s.key for s in spec.sections if s.class_rows])
    names = {r.code: r.name for r in canvas.fill.rows}
    sides = {sec.key: _side_rows(edition, sec, classes, names) for sec in spec.sections}
    n_head = max(len(h) for h, _ in sides.values())
    n_tail = max(len(t) for _, t in sides.values())
    for sec in spec.sections:
        head, tail = sides[sec.key]
        # the 合计 rows face each other, and so do the 总计 rows on the last line
        placed = [(top + i, r) for i, r in enumerate(head)]
        placed += [(top + n_head + i, r) for i, r in enumerate(tail[:-1])]
        placed += [(top + n_head + n_tail - 1, r) for r in tail[-1:]]
        cols = [(i, leaf) for i, leaf in enumerate(leaves) if leaf.section == sec.key]
        used_rows = {r for r, _ in placed}
        for row, item in placed:
            for c, leaf in cols:
                if leaf.role == "label":
                    canvas.put(row, c, item.label, item.style, indent=item.indent)
                else:
                    canvas.amount(row, c, (sec.key, item.key, leaf.spec.key))
        for row in range(top, top + n_head + n_tail):
            if row not in used_rows:
                for c, leaf in cols:
                    canvas.put(row, c, None, "label" if leaf.role == "label" else "amount")
    return top + n_head + n_tail


_LEVEL_INDENT = {3: 0, 5: 1, 7: 2}  # 类 / 款 / 项 by code length


def _coded_rows(fill: TableFill) -> list[CodedRow]:
    listed = list(fill.rows)
    seen = {r.code for r in listed}
    extra = sorted(
        {row for _, row, _ in (*fill.values, *fill.formulas) if _is_code(row)} - seen,
    )
    return listed + [CodedRow(code) for code in extra]


def _coded_body(
    canvas: _Canvas, book: CodeBook, leaves: list[_Leaf], top: int, filled: bool
) -> int:
    sec_key = canvas.spec.sections[0].key
    code_c = next(i for i, leaf in enumerate(leaves) if leaf.role == "code")
    name_c = next(i for i, leaf in enumerate(leaves) if leaf.role == "name")
    amounts = [(i, leaf) for i, leaf in enumerate(leaves) if leaf.is_amount]
    # 合计 first, its label merged over code and name, as the official forms print it
    canvas.put(top, code_c, "合计", "label_total", to_col=name_c)
    for c, leaf in amounts:
        canvas.amount(top, c, (sec_key, "total", leaf.spec.key))
    if not filled:
        # blank entry rows; the code cells are formatted as text so typed codes keep their digits
        for row in range(top + 1, top + 1 + TEMPLATE_ENTRY_ROWS):
            canvas.put(row, code_c, None, "code")
            canvas.put(row, name_c, None, "name")
            for c, _ in amounts:
                canvas.put(row, c, None, "amount")
        return top + 1 + TEMPLATE_ENTRY_ROWS
    rows = _coded_rows(canvas.fill)
    for row, coded in enumerate(rows, start=top + 1):
        name = coded.name if coded.name is not None else book.name(coded.code) or ""
        canvas.put(row, code_c, coded.code, "code")
        # 款 and 项 names indented by level through the cell format, not with spaces in the text
        canvas.put(row, name_c, name, "name", indent=_LEVEL_INDENT.get(len(coded.code), 0))
        for c, leaf in amounts:
            canvas.amount(row, c, (sec_key, coded.code, leaf.spec.key))
    return top + 1 + len(rows)


def _panel_rows(book: CodeBook, classes: tuple[str, ...], fill: TableFill | None) -> list[CodedRow]:
    """A T6 panel's rows: each class the code book lists 款 for (the 2023 template's 301/303 and
    302/310) with every one of its 款, plus any class or 款 the fill uses."""
    used = set() if fill is None else _fill_codes(fill)
    names = {} if fill is None else {r.code: r.name for r in fill.rows}
    out: list[CodedRow] = []
    for cls in classes:
        children = {c for c in book.names if len(c) == 5 and c.startswith(cls)}
        children |= {c for c in used if len(c) == 5 and c.startswith(cls)}
        if not children and cls not in used:
            continue
        out.append(CodedRow(cls, names.get(cls)))
        out.extend(CodedRow(c, names.get(c)) for c in sorted(children))
    return out


def _fill_codes(fill: TableFill) -> set[str]:
    return {r.code for r in fill.rows} | {
        row for _, row, _ in (*fill.values, *fill.formulas) if _is_code(row)
    }


def _panels_body(
    canvas: _Canvas, book: CodeBook, leaves: list[_Leaf], top: int, filled: bool
) -> int:
    spec = canvas.spec
    sec_key = spec.sections[0].key
    per_panel = len(spec.sections[0].columns)
    rows = [_panel_rows(book, p.classes, canvas.fill if filled else None) for p in spec.panels]
    footer = top + max(len(r) for r in rows)
    for i, (panel, panel_rows) in enumerate(zip(spec.panels, rows, strict=True)):
        first = i * per_panel
        roles = {leaves[c].role: c for c in range(first, first + per_panel)}
        code_c, name_c, amount_c = roles["code"], roles["name"], roles["amount"]
        for j in range(footer - top):
            row = top + j
            if j >= len(panel_rows):
                canvas.put(row, code_c, None, "code")
                canvas.put(row, name_c, None, "name")
                canvas.put(row, amount_c, None, "amount")
                continue
            coded = panel_rows[j]
            name = coded.name if coded.name is not None else book.name(coded.code) or ""
            canvas.put(row, code_c, coded.code, "code")
            canvas.put(row, name_c, name, "name", indent=_LEVEL_INDENT.get(len(coded.code), 0))
            canvas.amount(row, amount_c, (sec_key, coded.code, leaves[amount_c].spec.key))
        # footers share the last row; the label is merged over code and name
        canvas.put(footer, code_c, panel.footer, "label_total", to_col=name_c)
        canvas.amount(footer, amount_c, (sec_key, f"{panel.key}.total", leaves[amount_c].spec.key))
    return footer + 1


def _single_row_body(canvas: _Canvas, leaves: list[_Leaf], top: int) -> int:
    for c, leaf in enumerate(leaves):
        canvas.amount(top, c, (leaf.section, "main", leaf.spec.key))
    return top + 1


# --- sheet assembly ------------------------------------------------------------------------------


def _empty_note(spec: TableSpec, unit_name: str | None) -> str:
    who = unit_name or "本单位"
    subject = spec.title.removesuffix("收入支出决算表")
    if subject != spec.title:
        return f"说明：{who}本年度没有{subject}收入、支出和结转结余，故本表无数据。"
    return f"说明：{who}本年度没有{spec.title.removesuffix('决算表')}数据，故本表无数据。"


def _body(canvas: _Canvas, edition: Edition, leaves: list[_Leaf], top: int, filled: bool) -> int:
    spec = canvas.spec
    if spec.layout == "two_sided":
        return _two_sided_body(canvas, edition, leaves, top, filled)
    if spec.layout == "panels":
        return _panels_body(canvas, edition.codebook(spec.codes), leaves, top, filled)
    if spec.layout == "single_row":
        return _single_row_body(canvas, leaves, top)
    return _coded_body(canvas, edition.codebook(spec.codes), leaves, top, filled)


def _check_keys(spec: TableSpec, fill: TableFill, addresses: Mapping[CellKey, object]) -> None:
    """A fill key that lands nowhere is a typo in the caller's data: say so instead of
    silently dropping the amount."""
    keys = set(fill.values) | set(fill.as_text) | set(fill.formulas)
    unknown = sorted(k for k in keys if k not in addresses)
    if unknown:
        raise ValueError(f"{spec.key}: the layout has no cell for {unknown}")


def _plan_table(
    edition: Edition,
    spec: TableSpec,
    fill: TableFill,
    *,
    unit_name: str | None,
    year: int,
    filled: bool,
    taken: list[str],
) -> SheetPlan:
    leaves = _leaves(spec)
    last = len(leaves) - 1
    depth = max(len(leaf.path) for leaf in leaves)
    canvas = _Canvas(spec, fill)
    canvas.put(TITLE_ROW, 0, spec.title, "title", to_col=last)
    canvas.put(CODE_ROW, last, spec.code, "table_code")
    canvas.put(META_ROW, 0, f"编制单位：{unit_name or ''}", "meta_left")
    canvas.put(META_ROW, len(leaves) // 2, f"{year}年度", "meta_center")
    canvas.put(META_ROW, last, f"单位：{fill.unit or edition.currency_unit}", "meta_right")
    canvas.cells.extend(_header_cells(leaves, HEADER_ROW))
    row = _body(canvas, edition, leaves, HEADER_ROW + depth, filled)
    notes = [spec.note] if spec.note else []
    if filled and spec.layout == "coded" and fill.is_empty:
        notes.append(fill.empty_note or _empty_note(spec, unit_name))
    for offset, text in enumerate(notes):
        canvas.put(row + offset, 0, text, "note", to_col=last)
    _check_keys(spec, fill, canvas.addresses)
    plan = SheetPlan(
        table=spec,
        name=sheet_name(spec.title, taken),
        widths=_widths(leaves, canvas.cells),
        header_rows=(HEADER_ROW, HEADER_ROW + depth - 1),
        cells=canvas.cells,
        addresses=canvas.addresses,
    )
    plan.heights = _heights(plan)
    return plan


def plan_workbook(
    edition: Edition,
    *,
    unit_name: str | None = None,
    year: int | None = None,
    fill: WorkbookFill | None = None,
) -> list[SheetPlan]:
    """Lay out every table (no file written). `fill` None is the empty template: every 类 on
    T1/T4 and blank entry rows in the coded tables."""
    book = fill or WorkbookFill()
    plans: list[SheetPlan] = []
    for spec in edition.tables:
        if spec.key in book.omit:
            continue
        plans.append(
            _plan_table(
                edition,
                spec,
                book.table(spec.key),
                unit_name=unit_name,
                year=year or edition.year,
                filled=fill is not None,
                taken=[p.name for p in plans],
            )
        )
    return plans


# --- widths and heights ----------------------------------------------------------------------------

_MIN_WIDTH = {"label": 24.0, "name": 28.0, "code": 12.0, "amount": 13.0}
_MAX_WIDTH = 48.0
_INDENT_WIDTH = 2.0  # character units per indent level


def _cell_text(cell: PlannedCell) -> str:
    value = cell.value
    if isinstance(value, Formula):
        value = value.value
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return value or ""


def _widths(leaves: list[_Leaf], cells: list[PlannedCell]) -> list[float]:
    body = [c for c in cells if c.style in ("label", "name", "code", "amount") and not c.merged]
    widths = []
    for col, leaf in enumerate(leaves):
        need = _MIN_WIDTH.get(leaf.role, _MIN_WIDTH["amount"])
        for cell in body:
            if cell.col == col:
                text = _cell_text(cell)
                need = max(need, display_width(text) + cell.indent * _INDENT_WIDTH + 2)
        # an amount header may wrap onto two lines; a code, name or label header stays on one
        header = display_width(leaf.path[-1])
        need = max(need, math.ceil(header / 2) + 2 if leaf.is_amount else header + 2)
        widths.append(float(min(need, _MAX_WIDTH)))
    return widths


def _lines(text: str, width: float) -> int:
    # 10% slack: fonts differ between Excel, WPS and LibreOffice
    return max(1, math.ceil(display_width(text) * 1.1 / max(width - 1, 1)))


def _heights(plan: SheetPlan) -> dict[int, float]:
    heights = {TITLE_ROW: 32.0}
    for cell in plan.cells:
        if cell.style not in ("header", "note") or not isinstance(cell.value, str):
            continue
        width = sum(plan.widths[cell.col : cell.right + 1])
        need = _lines(cell.value, width) * _LINE_HEIGHT + 6
        span = cell.bottom - cell.row + 1
        for row in range(cell.row, cell.bottom + 1):
            heights[row] = max(heights.get(row, _ROW_HEIGHT), need / span)
    return heights


# --- rendering -----------------------------------------------------------------------------------------

_STYLE_PROPERTIES: dict[Style, dict[str, Any]] = {
    "title": {"font_name": _TITLE_FONT, "font_size": 18, "bold": True, "align": "center"},
    "table_code": {"align": "right"},
    "meta_left": {"align": "left"},
    "meta_center": {"align": "center"},
    "meta_right": {"align": "right"},
    "header": {
        "bold": True,
        "align": "center",
        "text_wrap": True,
        "border": 1,
        "bg_color": "#D9D9D9",
    },
    "label": {"align": "left", "text_wrap": True, "border": 1},
    "label_total": {"align": "center", "border": 1},
    "code": {"align": "left", "border": 1, "num_format": "@"},
    "name": {"align": "left", "text_wrap": True, "border": 1},
    "amount": {"align": "right", "border": 1, "num_format": AMOUNT_FORMAT},
    "note": {"align": "left", "valign": "top", "text_wrap": True, "font_size": 10},
}


@dataclass
class _Formats:
    book: xlsxwriter.Workbook
    cache: dict[tuple[Style, int], Any] = field(default_factory=dict)

    def get(self, style: Style, indent: int = 0) -> Any:
        key = (style, indent)
        if key not in self.cache:
            props: dict[str, Any] = {
                "font_name": _BODY_FONT,
                "font_size": 11,
                "font_charset": _GB2312_CHARSET,
                "valign": "vcenter",
            }
            props.update(_STYLE_PROPERTIES[style])
            if indent:
                props["indent"] = indent
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]


_PLACEHOLDER = re.compile(r"\{([^{}:]+):([^{}:]+):([^{}:]+)\}")


def _resolve(expression: str, plan: SheetPlan) -> str:
    return _PLACEHOLDER.sub(lambda m: plan.a1((m.group(1), m.group(2), m.group(3))), expression)


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _write_cell(ws: Any, cell: PlannedCell, plan: SheetPlan, formats: _Formats) -> None:
    fmt = formats.get(cell.style, cell.indent)
    value = cell.value
    if cell.merged:
        text = "" if value is None else str(value)
        ws.merge_range(cell.row, cell.col, cell.bottom, cell.right, text, fmt)
    elif value is None:
        ws.write_blank(cell.row, cell.col, None, fmt)
    elif isinstance(value, Formula):
        expression = _resolve(value.expression, plan)
        ws.write_formula(cell.row, cell.col, expression, fmt, float(value.value))
    elif isinstance(value, Decimal):
        if cell.as_text:
            ws.write_string(cell.row, cell.col, _plain(value), fmt)
        else:
            ws.write_number(cell.row, cell.col, float(value), fmt)
    else:
        ws.write_string(cell.row, cell.col, value, fmt)


def _render(ws: Any, plan: SheetPlan, formats: _Formats) -> None:
    ws.set_default_row(_ROW_HEIGHT)
    for col, width in enumerate(plan.widths):
        ws.set_column(col, col, width)
    for row, height in sorted(plan.heights.items()):
        ws.set_row(row, height)
    for cell in plan.cells:
        _write_cell(ws, cell, plan, formats)
    first, last = plan.header_rows
    ws.freeze_panes(last + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    # one page wide; a page per _ROWS_PER_PAGE rows, so a short table prints on one page and a
    # long one is not shrunk to illegibility
    ws.fit_to_pages(1, math.ceil((max(c.bottom for c in plan.cells) + 1) / _ROWS_PER_PAGE))
    ws.repeat_rows(first, last)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)


def write_workbook(
    path: Path,
    edition: Edition,
    *,
    unit_name: str | None = None,
    year: int | None = None,
    fill: WorkbookFill | None = None,
) -> None:
    """Write the nine tables (minus `fill.omit`) to `path`. Same arguments, same bytes."""
    plans = plan_workbook(edition, unit_name=unit_name, year=year, fill=fill)
    book = xlsxwriter.Workbook(
        str(path), {"default_format_properties": {"font_name": _BODY_FONT, "font_size": 11}}
    )
    # xlsxwriter stamps zip members with 1980-01-01; the document date is the only clock in the
    # file, so fix it to keep two runs byte-identical.
    book.set_properties(
        {
            "title": f"{edition.year}年度部门决算公开报表",
            "author": "juesuan",
            "created": dt.datetime(edition.year + 1, 1, 1),
        }
    )
    formats = _Formats(book)
    for plan in plans:
        _render(book.add_worksheet(plan.name), plan, formats)
    book.close()


def write_template(path: Path, edition: Edition) -> None:
    """The empty template of the nine tables: every 类 on T1/T4, blank entry rows elsewhere."""
    write_workbook(path, edition)
