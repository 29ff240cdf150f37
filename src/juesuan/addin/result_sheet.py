"""The 校验结果 sheet, written into the open workbook through xlwings.

The content is the annotated copy's (`juesuan.io.annotate._layout`: header block, one row per
finding, the 说明 column, the hidden 指纹 column), with two differences that only matter in a
workbook the accountant keeps working in:

- a warning the accountant has explained (说明 filled in) shows as 已说明 and is counted apart
  in the header; an explained error stays an error;
- the mark record (see `juesuan.addin.marks`) lives in hidden columns beside the table.

Links to the cells are HYPERLINK formulas: they work alike in Excel on Windows and macOS, in
LibreOffice and through Office.js, and they move with their row when the table is sorted.
All values go in one write; formats are applied per run of equal cells in a column, so the
number of round trips to Excel stays small.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from juesuan.addin.live import RECORD_HEADERS, MarkRecord
from juesuan.addin.marks import EXPLAINED_COLOR
from juesuan.findings import Report, Severity
from juesuan.io.annotate import (
    _COLUMNS,
    _GRID,
    _LOOKS,
    _RECORD_COL,
    SHEET_NAMES,
    _Cell,
    _column,
    _Layout,
    _layout,
    _Look,
    _w,
)

EXPLAINED = {"zh": "已说明", "en": "Explained"}
# The same green as an explained warning's cell (juesuan.addin.marks).
_EXPLAINED_LOOK = replace(_LOOKS["sev:warning"], color="FF00703C", fill="FF" + EXPLAINED_COLOR[1:])


@dataclass(frozen=True)
class Written:
    sheet: str
    rows: int
    explained: int  # warnings the accountant explained
    carried: int  # explanations carried over (warnings, errors and notices)


def add_result_sheet(book: Any, lang: str = "zh") -> Any:
    """The new, empty 校验结果 sheet after the last one. Added before any cell is marked: a
    workbook whose structure is protected fails here, with nothing changed yet."""
    name = _free_name(
        SHEET_NAMES.get(lang, SHEET_NAMES["zh"]), frozenset(s.name for s in book.sheets)
    )
    return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])


def write_result_sheet(
    sheet: Any,
    report: Report,
    notes: dict[str, str],
    records: dict[tuple[str, str], MarkRecord],
    *,
    lang: str = "zh",
    now: datetime | None = None,
) -> Written:
    now = now or datetime.now().astimezone()
    layout = _layout(report, lang, now, notes, frozenset(s.name for s in sheet.book.sheets))
    explained = explained_warnings(report, layout.carried)
    _mark_explained(layout, explained, lang)
    cells = [list(row) for row in layout.rows]
    _add_record(cells, layout.header_row, records)
    width = max(len(row) for row in cells)
    sheet.range((1, 1)).value = [
        [_input(row[c] if c < len(row) else None) for c in range(width)] for row in cells
    ]
    _format(sheet, layout, cells)
    sheet.activate()
    return Written(sheet.name, len(report.findings), len(explained), len(layout.carried))


def explained_warnings(report: Report, carried: dict[str, str]) -> set[str]:
    return {
        f.fingerprint
        for f in report.findings
        if f.severity is Severity.WARNING and carried.get(f.fingerprint)
    }


def _mark_explained(layout: _Layout, explained: set[str], lang: str) -> None:
    """Explained warnings show 已说明; the header counts them apart from the open warnings."""
    fp_col, sev_col = _column("fingerprint"), _column("severity")
    for row in layout.rows[layout.header_row + 1 :]:
        fp = row[fp_col] if len(row) > fp_col else None
        if fp is not None and fp.value in explained:
            row[sev_col] = _Cell(EXPLAINED.get(lang, EXPLAINED["zh"]), "sev:explained")
    label = _w("warnings", lang)
    at = next(i for i, row in enumerate(layout.rows) if row and row[0] and row[0].value == label)
    counted = layout.rows[at][3]
    assert counted is not None and isinstance(counted.value, int)
    layout.rows[at][3] = _Cell(counted.value - len(explained), counted.look)
    words = "已说明的警告" if lang != "en" else "Explained warnings"
    layout.rows.insert(at + 1, [_Cell(words, "label"), None, None, _Cell(len(explained), "value")])
    layout.merges[:] = [
        (r0 + 1, c0, r1 + 1, c1) if r0 > at else (r0, c0, r1, c1)
        for r0, c0, r1, c1 in layout.merges
    ]
    layout.merges.append((at + 1, 0, at + 1, 2))
    layout.heights = {(r + 1 if r > at else r): h for r, h in layout.heights.items()}
    layout.header_row += 1
    layout.last_row += 1


def _free_name(wanted: str, taken: frozenset[str]) -> str:
    """`wanted`, or `wanted (2)`… when a sheet that is not juesuan's already has the name."""
    folded = {t.casefold() for t in taken}
    name, n = wanted, 1
    while name.casefold() in folded:
        n += 1
        name = f"{wanted} ({n})"
    return name


def _add_record(
    cells: list[list[_Cell | None]], header_row: int, records: dict[tuple[str, str], MarkRecord]
) -> None:
    """The mark record, from the table's header row down, one empty column right of it."""
    block = [RECORD_HEADERS] + [
        (sheet, a1, r.fill, "1" if r.note else "0") for (sheet, a1), r in sorted(records.items())
    ]
    cells.extend([] for _ in range(header_row + len(block) - len(cells)))
    for line, row in zip(block, cells[header_row:], strict=False):
        row.extend([None] * (_RECORD_COL - len(row)))
        row[_RECORD_COL:] = [_Cell(text, "plain") for text in line]


# Text Excel would take for a formula, a number or a date when typed in: keep it text.
_TYPED = re.compile(r"[='+\-@]|\s*[-+]?[\d.,]+(?:[eE][-+]?\d+)?%?\s*$|\d+[-/]\d+")


def _input(cell: _Cell | None) -> object:
    """The value to write: numbers as numbers, links as HYPERLINK formulas, text as text."""
    if cell is None or cell.value is None:
        return None
    value = cell.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int):
        return value
    if cell.link:
        target = ("#" + cell.link).replace('"', '""')
        return f'=HYPERLINK("{target}","{value.replace(chr(34), chr(34) * 2)}")'
    return "'" + value if _TYPED.match(value) else value


# ── formats ─────────────────────────────────────────────────────────────────────────────────


def _look(key: str) -> _Look:
    return _EXPLAINED_LOOK if key == "sev:explained" else _LOOKS[key]


def _format(sheet: Any, layout: _Layout, cells: list[list[_Cell | None]]) -> None:
    for c, column in enumerate(_COLUMNS):
        sheet.range((1, c + 1)).column_width = column.width
    first_hidden = _column("fingerprint") + 1
    sheet.range((1, first_hidden), (1, _RECORD_COL + len(RECORD_HEADERS))).columns.hidden = True
    for r0, c0, r1, c1 in layout.merges:
        sheet.range((r0 + 1, c0 + 1), (r1 + 1, c1 + 1)).merge()
    for (r0, r1, c), key in _runs(cells):
        if key != "plain":
            _apply(sheet.range((r0 + 1, c + 1), (r1 + 1, c + 1)), _look(key))
    table = sheet.range((layout.header_row + 1, 1), (layout.last_row + 1, len(_COLUMNS) - 1))
    table.borders.set("all", line_style="continuous", color="#" + _GRID[2:])
    for r, height in sorted(layout.heights.items()):
        sheet.range((r + 1, 1)).row_height = height
    _freeze(sheet, layout.header_row + 1)
    _filter(table)


def _filter(table: Any) -> None:
    """Filter buttons on the table header, as in the annotated copy. xlwings has no call that
    just turns a filter on; Excel's Range.AutoFilter() does (Windows). Cosmetic, like _freeze."""
    if not sys.platform.startswith("win"):
        return
    try:
        if table.sheet.book.app.engine.name == "excel":  # not the remote engine
            table.api.AutoFilter()
    except Exception:  # only costs the filter buttons
        logging.getLogger("juesuan.addin").info("筛选不可用 / no filter", exc_info=True)


def _freeze(sheet: Any, rows: int) -> None:
    """Keep the header block and the table header in view. xlwings 0.37 implements freeze
    panes only in its remote engine; on Windows the window's own COM properties do it. It is
    cosmetic: where neither works (macOS) the sheet simply scrolls."""
    try:
        sheet.freeze_panes.freeze_at(f"1:{rows}")
        return
    except NotImplementedError:
        pass
    try:
        sheet.activate()
        window = sheet.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow, window.ScrollColumn = 1, 1  # the split counts from the visible top
        window.SplitColumn = 0
        window.SplitRow = rows
        window.FreezePanes = True
    except Exception:  # any engine error here only costs the frozen header
        logging.getLogger("juesuan.addin").info("冻结窗格不可用 / no freeze panes", exc_info=True)


def _runs(cells: list[list[_Cell | None]]) -> list[tuple[tuple[int, int, int], str]]:
    """Vertical runs of cells with the same look: (first row, last row, column) → look."""
    runs: list[tuple[tuple[int, int, int], str]] = []
    width = max(len(row) for row in cells)
    for c in range(width):
        start, key = 0, None
        for r in range(len(cells) + 1):
            cell = cells[r][c] if r < len(cells) and c < len(cells[r]) else None
            now = cell.look if cell is not None else None
            if now != key:
                if key is not None:
                    runs.append(((start, r - 1, c), key))
                start, key = r, now
    return runs


def _apply(rng: Any, look: _Look) -> None:
    if look.bold:
        rng.font.bold = True
    if look.size:
        rng.font.size = look.size
    if look.color:
        rng.font.color = "#" + look.color[2:]
    if look.fill:
        rng.color = "#" + look.fill[2:]
    if look.halign:
        rng.horizontal_alignment = look.halign
    if look.valign:
        rng.vertical_alignment = look.valign
    if look.wrap:
        rng.wrap_text = True
    if look.number:
        rng.number_format = "#,##0.00"
