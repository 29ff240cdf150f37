"""The open workbook, read through xlwings: grids for the core, and what an earlier run left.

Values are read live, one range per sheet, so edits the accountant has not saved yet are
checked. Merged ranges are not part of what every xlwings engine can report cheaply (the
remote engine cannot read them at all; asking Excel cell by cell is slow), so they come from
the last saved version of the file when there is one, and a merge is kept only where the live
sheet still agrees with it (same top-left value, nothing typed into the rest of it). A workbook
never saved has no merges: a header whose cells are merged may then be reported as
unrecognised (documented in docs/addin.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from juesuan.io.annotate import SHEET_NAMES, _parse_previous, _Previous, _text
from juesuan.io.grid import CellValue, Grid, Merge
from juesuan.io.package_scan import Limits

_LIMITS = Limits()
_MAX_COLUMNS = 1_000  # a 决算 table has about ten

# The mark record the add-in keeps in hidden columns of its 校验结果 sheet: one row per marked
# cell. Header names differ from the CLI's `juesuan:*` record (which holds XML styles).
RECORD_HEADERS = (
    "juesuan:mark-sheet",
    "juesuan:mark-cell",
    "juesuan:mark-fill",
    "juesuan:mark-note",
)
UNKNOWN_FILL = "unknown"  # the engine could not say what fill the cell had
NO_FILL = "none"


@dataclass(frozen=True)
class MarkRecord:
    """What a cell marked by an earlier run looked like before, and whether the note is ours."""

    fill: str  # "#RRGGBB", NO_FILL or UNKNOWN_FILL
    note: bool


@dataclass
class Earlier:
    """juesuan's result sheets found in the workbook, with what they carry over."""

    sheets: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # fingerprint → 说明
    marks: dict[tuple[str, str], MarkRecord] = field(default_factory=dict)  # by (sheet, A1)


@dataclass
class LiveBook:
    grids: list[Grid]
    earlier: Earlier


def read_book(book: Any) -> LiveBook:
    """Every worksheet but juesuan's own result sheets as a grid, and those sheets' content."""
    saved = _saved_sheets(book)
    grids: list[Grid] = []
    earlier = Earlier()
    for sheet in book.sheets:
        rows = _values(sheet)
        if sheet.name in SHEET_NAMES.values() or sheet.name.startswith(SHEET_NAMES["zh"]):
            found = _Previous()
            if _parse_previous(rows, found):  # recognised by its 指纹 header: ours
                earlier.sheets.append(sheet.name)
                for fp, note in found.notes.items():
                    earlier.notes.setdefault(fp, note)
                earlier.marks.update(_cli_marks(found))
                earlier.marks.update(_parse_record(rows))
                continue
        merged = _agreeing_merges(rows, saved.get(sheet.name))
        grids.append(Grid(name=sheet.name, rows=rows, merged=merged, hidden=not sheet.visible))
    return LiveBook(grids, earlier)


def _values(sheet: Any) -> list[list[CellValue]]:
    """The sheet from A1 to the last used cell (positions are absolute, as in file grids).

    Excel's used range can reach row 1,048,576 when formatting was applied to whole columns;
    reading is capped at the file reader's limits (the tables sit near the top anyway)."""
    last = sheet.used_range.last_cell
    columns = min(last.column, _MAX_COLUMNS)
    rows = min(last.row, _LIMITS.max_rows, max(1, _LIMITS.max_cells // columns))
    if (rows, columns) != (last.row, last.column):
        logging.getLogger("juesuan.addin").warning(
            "工作表「%s」的已用区域为 %d 行 × %d 列，只读取前 %d 行 × %d 列",
            sheet.name,
            last.row,
            last.column,
            rows,
            columns,
        )
    values = sheet.range((1, 1), (rows, columns)).options(ndim=2, err_to_str=True).value
    rows = [[_cell(v) for v in row] for row in values]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _cell(value: Any) -> CellValue:
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool | int | float | dt.date | dt.time | dt.timedelta) or value is None:
        return value
    return str(value)


# ── merged ranges from the saved file ──────────────────────────────────────────────────────


@dataclass(frozen=True)
class _SavedSheet:
    rows: list[list[CellValue]]
    merged: tuple[Merge, ...]


def _saved_sheets(book: Any) -> dict[str, _SavedSheet]:
    """Merged ranges and values of the file as last saved; {} when there is no such file."""
    try:
        path = Path(str(book.fullname))
        if not path.is_file():
            return {}
    except (OSError, ValueError):
        return {}
    from juesuan.io.calamine_reader import read_grids
    from juesuan.io.package_scan import scan
    from juesuan.io.problems import InputProblem

    try:
        scan(path, _LIMITS)  # the same guard as for any file juesuan reads
        grids = read_grids(path)
    except (InputProblem, OSError):
        return {}
    return {g.name: _SavedSheet(g.rows, g.merged) for g in grids if g.merged}


def _agreeing_merges(rows: list[list[CellValue]], saved: _SavedSheet | None) -> tuple[Merge, ...]:
    if saved is None:
        return ()
    kept = []
    for merge in saved.merged:
        r0, c0, r1, c1 = merge
        if _at(rows, r0, c0) != _at(saved.rows, r0, c0):
            continue
        rest = (
            _at(rows, r, c)
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
            if (r, c) != (r0, c0)
        )
        if all(v is None for v in rest):
            kept.append(merge)
    return tuple(kept)


def _at(rows: list[list[CellValue]], r: int, c: int) -> CellValue:
    if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
        v = rows[r][c]
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return None if v == "" else v
    return None


# ── the mark record ─────────────────────────────────────────────────────────────────────────


def _parse_record(rows: list[list[CellValue]]) -> dict[tuple[str, str], MarkRecord]:
    found: dict[tuple[str, str], MarkRecord] = {}
    for r, row in enumerate(rows):
        heads = [_text(v) for v in row]
        if RECORD_HEADERS[0] not in heads:
            continue
        cols = [heads.index(h) if h in heads else None for h in RECORD_HEADERS]
        for line in rows[r + 1 :]:
            sheet, cell, fill, note = (
                _text(line[c]) if c is not None and c < len(line) else "" for c in cols
            )
            if sheet and cell:
                found[(sheet, cell.upper())] = MarkRecord(fill or UNKNOWN_FILL, note == "1")
        break
    return found


def _cli_marks(found: _Previous) -> dict[tuple[str, str], MarkRecord]:
    """Cells marked by `juesuan validate --annotate` (a copy the accountant went on working
    in): its record holds each cell's fill as XML; the CLI adds no notes."""
    return {
        (sheet, a1.upper()): MarkRecord(_fill_colour(r.fill), False)
        for (sheet, a1), r in found.marks.items()
    }


_SOLID = re.compile(r'patternType="solid"')
_RGB = re.compile(r'<(?:\w+:)?fgColor\b[^>]*\brgb="[0-9A-Fa-f]{2}([0-9A-Fa-f]{6})"')


def _fill_colour(xml: str) -> str:
    if not _SOLID.search(xml):
        return NO_FILL if 'patternType="none"' in xml or "patternFill" not in xml else UNKNOWN_FILL
    rgb = _RGB.search(xml)
    return "#" + rgb[1].upper() if rgb else UNKNOWN_FILL  # theme/indexed colours: unknown
