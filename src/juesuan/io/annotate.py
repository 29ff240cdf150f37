"""The annotated copy: the 校验结果 sheet grafted into a copy of the user's workbook.

An .xlsx/.xlsm is never loaded and re-saved by a spreadsheet library: openpyxl drops cached
formula values, 2010-style formats, cross-sheet dropdowns, sparklines, images and more. Instead
the zip package is copied member by member and a new worksheet part is grafted in. Every member
stays byte-identical except:

- the workbook part (one new `<sheet>`, `activeTab`, two sheet-local defined names for the
  filter and the print titles of the new sheet),
- the workbook relationships and ``[Content_Types].xml`` (the new part),
- ``styles.xml`` (fills, fonts, borders and cell formats appended; nothing existing changes but
  the `count` attributes),
- worksheets whose cells are marked: only the `s` attribute of marked `<c>` elements changes, or
  an empty `<c r=".." s=".."/>` (and if needed its `<row>`) is inserted,
- worksheets whose tab was selected lose `tabSelected="1"`: with two selected tabs Excel opens
  the workbook with the sheets *grouped*, and whatever the accountant types lands in both.

Edits are text surgery on the XML (regular expressions over tags, never a re-serialisation), so
what juesuan does not understand passes through untouched. A package that is not a plain
transitional SpreadsheetML workbook falls back to a separate report workbook, as .xls/.xlsb/.ods
inputs always do.

Re-annotating a copy replaces the old sheet, carries the accountant's 说明 over by fingerprint
(hidden 指纹 column) and gives cells marked before their original format back. Mark formats are
recognised by their fill colours, which are juesuan's own; hidden ``juesuan:*`` columns record,
per marked cell, the format index and the fill XML it had. Formats are compared by content, not
by index, so this survives a re-save by Excel, WPS or openpyxl; a mark with no record (a copied
cell) gets the first format equal to it but for the fill.
"""

from __future__ import annotations

import bisect
import functools
import html
import math
import os
import posixpath
import re
import secrets
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from juesuan import __version__
from juesuan.findings import Finding, Related, Report, Severity, past_cents
from juesuan.i18n import Said, pick

__all__ = ["AnnotateResult", "annotated_path", "write_annotated_copy"]

SHEET_NAMES = {"zh": "校验结果", "en": "Validation"}
GRAFT_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})

# ── what the sheet says ─────────────────────────────────────────────────────────────────────
# The labels live here rather than in juesuan.i18n: the header words are also the keys by which
# a later run finds the 说明 and 指纹 columns again, so they must not change with UI wording.

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("部门决算校验结果", "Final accounts: validation result"),
    "file": ("文件", "File"),
    "unit": ("单位", "Unit"),
    "year": ("年度", "Year"),
    "time": ("校验时间", "Checked at"),
    "version": ("juesuan 版本", "juesuan version"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "notices": ("提示", "Notices"),
    "verdict": ("结论", "Result"),
    "skipped": ("未执行的核对", "Checks not run"),
    "pass": ("通过", "PASS"),
    "fail": ("未通过", "FAIL"),
    "unreadable": ("无法读取", "UNREADABLE"),
    "none": ("未发现问题", "No problems found"),
    "blank": ("空", "blank"),
    "note_xls": (
        "原文件为 {suffix} 格式，未作任何改动；校验结果已写入单独的工作簿 {name}（单元格位置为文本，无超链接）。",
        "The input is {suffix} and was left untouched; the results are in a separate workbook "
        "{name} (cell positions are plain text, not links).",
    ),
    "note_fallback": (
        "无法在副本中添加工作表（{reason}），原文件未改动；校验结果已写入单独的工作簿 {name}。",
        "Could not add the sheet to a copy ({reason}); the input is untouched and the results "
        "are in a separate workbook {name}.",
    ),
}


def _w(key: str, lang: str, **kw: object) -> str:
    return pick(_WORDS, key, lang, **kw)


@dataclass(frozen=True)
class _Column:
    key: str
    zh: str
    en: str
    width: float
    hidden: bool = False


_COLUMNS = (
    _Column("no", "序号", "No.", 5),
    _Column("severity", "级别", "Severity", 7),
    _Column("rule", "规则", "Rule", 8),
    _Column("table", "表", "Table", 18),
    _Column("cell", "单元格", "Cell", 20),
    _Column("message", "问题说明", "Problem", 46),
    _Column("actual", "报表数", "Reported", 12),
    _Column("expected", "计算数", "Computed", 12),
    _Column("difference", "差额", "Difference", 11),
    _Column("related", "相关单元格", "Related cells", 28),
    _Column("note", "说明", "Explanation", 28),
    # findings of the explanation text (--text): section, line, character and the sentence
    _Column("text_place", "说明原文", "Explanation text", 40),
    _Column("fingerprint", "指纹", "Fingerprint", 18, hidden=True),
)


def _column(key: str) -> int:
    return next(i for i, c in enumerate(_COLUMNS) if c.key == key)


_FINGERPRINT_HEADERS = frozenset({"指纹", "Fingerprint"})
_NOTE_HEADERS = frozenset({"说明", "Explanation"})
# Outside the filter range (one empty column apart) so sorting the findings never moves it.
# The mark record: one row per marked cell, with the format and fill the cell had before.
_RECORD_HEADERS = ("juesuan:sheet", "juesuan:cell", "juesuan:xf", "juesuan:fill")
_RECORD_COL = len(_COLUMNS) + 1

# ── how it looks ────────────────────────────────────────────────────────────────────────────

# Fill colours of marked cells. Near the usual light red/amber/blue, but exact values nobody
# picks by hand: they are how a later run recognises juesuan's marks after any re-save.
MARK_FILLS = {
    Severity.ERROR: "FFFFC6CD",
    Severity.WARNING: "FFFFE9A0",
    Severity.NOTICE: "FFD5E8F7",
}
_GRID = "FFBFBFBF"
_NUMBER_FORMAT = 4  # built-in "#,##0.00"


@dataclass(frozen=True)
class _Look:
    bold: bool = False
    size: float | None = None  # None: the workbook's body size
    color: str | None = None
    underline: bool = False
    fill: str | None = None
    border: bool = False
    halign: str | None = None
    valign: str | None = None
    wrap: bool = False
    number: bool = False


_BODY = _Look(border=True, valign="top")
_LOOKS: dict[str, _Look] = {
    "title": _Look(bold=True, size=16, color="FF1F4E78"),
    "label": _Look(bold=True, color="FF404040"),
    "value": _Look(halign="left"),
    "pass": _Look(bold=True, color="FF00703C", halign="left"),
    "fail": _Look(bold=True, color="FFC00000", halign="left"),
    "th": _Look(
        bold=True, color="FFFFFFFF", fill="FF1F4E78", border=True, halign="center", wrap=True
    ),
    "center": replace(_BODY, halign="center"),
    "text": replace(_BODY, wrap=True),
    "link": replace(_BODY, color="FF0563C1", underline=True),
    "number": replace(_BODY, number=True),
    "exact": _BODY,  # General: every decimal of an amount past cents (findings.past_cents)
    "note": replace(_BODY, wrap=True, fill="FFFFF2CC"),
    "sev:error": replace(_BODY, bold=True, color="FFFFFFFF", fill="FFC00000", halign="center"),
    "sev:warning": replace(_BODY, bold=True, color="FF3F3000", fill="FFFFC000", halign="center"),
    "sev:notice": replace(_BODY, bold=True, color="FF1F4E78", fill="FFBDD7EE", halign="center"),
    "plain": _Look(),
}


# ── the public API ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AnnotateResult:
    """What was written.

    `format` is "graft" (the sheet was added to a copy of the workbook) or "report-workbook"
    (a separate workbook holding only the sheet; `note` says why, in the requested language).
    `explanations` are the accountant's 说明 carried over from an earlier run, by fingerprint;
    `dropped_explanations` those whose finding is gone (they are not in the new sheet).
    """

    path: Path
    format: Literal["graft", "report-workbook"]
    sheet: str
    findings: int
    marked_cells: int = 0
    restored_cells: int = 0
    note: str | None = None
    explanations: dict[str, str] = field(default_factory=dict)
    dropped_explanations: dict[str, str] = field(default_factory=dict)


def annotated_path(src: Path) -> Path:
    """The default name of the annotated copy: beside the input, never the input itself."""
    if src.suffix.lower() in GRAFT_SUFFIXES:
        return src.with_name(f"{src.stem}.校验{src.suffix}")
    return src.with_name(f"{src.stem}.校验结果.xlsx")


def write_annotated_copy(
    src: Path,
    dst: Path,
    report: Report,
    *,
    lang: str = "zh",
    now: datetime | None = None,
    overwrite: bool = False,
) -> AnnotateResult:
    """Write `dst`: a copy of `src` with the 校验结果 sheet and marked cells, or for inputs that
    cannot be grafted (.xls, .xlsb, .ods, anything unusual) a separate report workbook.

    `src` is only ever read. An existing `dst` raises FileExistsError unless `overwrite`; an
    overwritten juesuan output gives up its 说明 column first, like a re-annotated input.
    """
    src, dst = Path(src), Path(dst)
    if not src.is_file():
        raise FileNotFoundError(str(src))
    if _same_file(src, dst):
        raise ValueError(f"refusing to write the annotated copy over its input: {src}")
    if dst.exists() and not overwrite:
        raise FileExistsError(str(dst))
    now = now or datetime.now().astimezone()
    earlier = _read_previous(dst) if dst.exists() else _Previous()
    if src.suffix.lower() in GRAFT_SUFFIXES:
        try:
            return _atomic(dst, lambda tmp: _graft(src, tmp, dst, report, lang, now, earlier))
        except _CannotGraft as exc:
            note = _w("note_fallback", lang, reason=exc.message(lang), name=dst.name)
    else:
        note = _w("note_xls", lang, suffix=src.suffix or "?", name=dst.name)
    return _atomic(dst, lambda tmp: _report_workbook(tmp, dst, report, lang, now, earlier, note))


class _CannotGraft(Said):
    """The package is not one juesuan knows how to extend safely: write a report workbook."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _atomic(dst: Path, write: Callable[[Path], AnnotateResult]) -> AnnotateResult:
    """Write beside `dst` and rename: a failure never leaves half a file. (Not mkstemp: its
    0600 mode would stick to the output.)"""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.tmp")
    try:
        result = write(tmp)
        os.replace(tmp, dst)
        return result
    finally:
        tmp.unlink(missing_ok=True)


# ── the sheet as data, shared by both writers ───────────────────────────────────────────────

Value = str | Decimal | int | None


@dataclass(frozen=True)
class _Cell:
    value: Value
    look: str
    link: str | None = None  # internal location, e.g. "'支出决算表'!C7"


@dataclass
class _Layout:
    rows: list[list[_Cell | None]]
    merges: list[tuple[int, int, int, int]]  # first row, first col, last row, last col (0-based)
    header_row: int
    last_row: int
    carried: dict[str, str]
    heights: dict[int, float]  # row index → points, where one line is not enough


def _layout(
    report: Report,
    lang: str,
    now: datetime,
    notes: dict[str, str],
    link_sheets: frozenset[str] | None,
) -> _Layout:
    """Header block, a blank row, the findings table. `link_sheets`: sheets that exist in the
    output workbook (None: links become plain text)."""
    rows: list[list[_Cell | None]] = [[_Cell(_w("title", lang), "title")]]
    merges: list[tuple[int, int, int, int]] = []
    for key, value, look in _header_items(report, lang, now):
        merges.append((len(rows), 0, len(rows), 2))
        rows.append([_Cell(_w(key, lang), "label"), None, None, _Cell(value, look)])
    rows.append([])
    header_row = len(rows)
    rows.append([_Cell(c.en if lang == "en" else c.zh, "th") for c in _COLUMNS])
    carried: dict[str, str] = {}
    titles = {t.key: t.title for t in report.tables}
    for no, finding in enumerate(report.sorted_findings(), start=1):
        note = notes.get(finding.fingerprint)
        if note:
            carried[finding.fingerprint] = note
        rows.append(_finding_row(no, finding, lang, titles, note, link_sheets))
    if not report.findings:
        empty = [_Cell(None, "text") for _ in _COLUMNS]
        empty[_column("message")] = _Cell(_w("none", lang), "text")
        rows.append(list(empty))
    heights = {r: h for r in range(header_row + 1, len(rows)) if (h := _row_height(rows[r]))}
    heights[0] = 22.0  # the 16 pt title
    return _Layout(rows, merges, header_row, len(rows) - 1, carried, heights)


_LINE_HEIGHT = 16.0  # points per line of 11 pt text, CJK fonts included (their lines are taller)


def _row_height(row: list[_Cell | None]) -> float | None:
    """Points for a row whose wrapped cells need more than one line. Written as `ht` without
    `customHeight`: LibreOffice does not re-fit rows on import, Excel still re-fits on edit."""
    lines = 1
    for cell, column in zip(row, _COLUMNS, strict=False):
        if cell is None or not isinstance(cell.value, str) or not _LOOKS[cell.look].wrap:
            continue
        room = max(column.width - 1.5, 1.0)
        need = sum(
            max(1, math.ceil(_display_width(part) / room)) for part in cell.value.split("\n")
        )
        lines = max(lines, need)
    return lines * _LINE_HEIGHT + 2 if lines > 1 else None


def _display_width(text: str) -> int:
    """Column-width units: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_items(report: Report, lang: str, now: datetime) -> list[tuple[str, Value, str]]:
    verdict = report.status  # "pass", "fail" or "unreadable", each a word of the sheet
    return [
        ("file", Path(report.file).name or report.file, "value"),
        ("unit", report.unit_name or "—", "value"),
        ("year", report.year if report.year is not None else "—", "value"),
        ("time", now.strftime("%Y-%m-%d %H:%M"), "value"),
        ("version", __version__, "value"),
        ("errors", report.count(Severity.ERROR), "value"),
        ("warnings", report.count(Severity.WARNING), "value"),
        ("notices", report.count(Severity.NOTICE), "value"),
        ("verdict", _w(verdict, lang), "pass" if verdict == "pass" else "fail"),
        *(("skipped", line, "value") for line in report.skipped_lines(lang)),
    ]


def _finding_row(
    no: int,
    f: Finding,
    lang: str,
    titles: dict[str, str],
    note: str | None,
    link_sheets: frozenset[str] | None,
) -> list[_Cell | None]:
    where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
    linked = link_sheets is not None and f.sheet in link_sheets and bool(f.cell)
    link = f"{_quote_sheet(f.sheet or '')}!{f.cell}" if linked else None
    severity = f.severity.value if lang == "en" else f.severity.zh
    table = titles.get(f.table or "", f.table or "")
    if not table and f.text_offset is not None:
        table = "情况说明" if lang != "en" else "Explanation text"
    return [
        _Cell(no, "center"),
        _Cell(severity, f"sev:{f.severity.value}"),
        _Cell(f.code, "center"),
        _Cell(table, "text"),
        _Cell(where, "link" if link else "text", link),
        _Cell(f.text(lang), "text"),
        *(
            _Cell(v, "exact" if past_cents(v) else "number")
            for v in (f.actual, f.expected, f.difference)
        ),
        _Cell(_related_text(f.related, f.sheet, lang), "text"),
        _Cell(note, "note"),
        _Cell(_text_place(f, lang), "text"),
        _Cell(f.fingerprint, "plain"),
    ]


def _text_place(f: Finding, lang: str) -> str | None:
    if f.text_offset is None:
        return None
    if lang == "en":
        return f"[{f.text_section}] line {f.text_line}, char {f.text_offset}: {f.text_quote}"
    return f"〔{f.text_section}〕第 {f.text_line} 行第 {f.text_offset} 字：「{f.text_quote}」"


def _related_text(related: Iterable[Related], sheet: str | None, lang: str) -> str:
    parts = []
    for r in related:
        where = r.cell if r.sheet == sheet else f"{r.sheet}!{r.cell}"
        if isinstance(r.value, Decimal):
            value = format(r.value, "f")
        else:
            value = _w("blank", lang) if r.value is None else r.value
        parts.append(f"{where}={value}")
    return ("；" if lang != "en" else "; ").join(parts)


def _quote_sheet(name: str) -> str:
    """A sheet name as a formula reference: always quoted, apostrophes doubled."""
    return "'" + name.replace("'", "''") + "'"


# ── earlier runs: explanations and mark formats ─────────────────────────────────────────────


@dataclass(frozen=True)
class _Record:
    """What a marked cell looked like before: its format index and its fill's XML."""

    xf: int | None
    fill: str


@dataclass
class _Previous:
    notes: dict[str, str] = field(default_factory=dict)
    marks: dict[tuple[str, str], _Record] = field(default_factory=dict)  # (sheet, A1) → record
    sheets: frozenset[str] = frozenset()  # names of juesuan result sheets found


def _read_previous(path: Path, names: Iterable[str] | None = None) -> _Previous:
    """Read juesuan's own result sheets (recognised by the 指纹 header) with calamine, which
    copes with shared strings, rich text and re-saved files alike. A sheet that cannot be read
    or lacks the header is not juesuan's: the caller then leaves it alone."""
    import python_calamine as pc

    found = _Previous()
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except Exception:  # not a workbook calamine knows: nothing to carry over
        return found
    with book:
        wanted = set(SHEET_NAMES.values()) if names is None else set(names)
        ours: set[str] = set()
        for name in book.sheet_names:
            if name not in wanted:
                continue
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:
                continue
            if _parse_previous(rows, found):
                ours.add(name)
        found.sheets = frozenset(ours)
    return found


def _parse_previous(rows: Sequence[Sequence[object]], into: _Previous) -> bool:
    header = next(
        (i for i, row in enumerate(rows) if any(_text(v) in _FINGERPRINT_HEADERS for v in row)),
        None,
    )
    if header is None:
        return False
    heads = [_text(v) for v in rows[header]]
    fp_col = next(i for i, h in enumerate(heads) if h in _FINGERPRINT_HEADERS)
    note_col = next((i for i, h in enumerate(heads) if h in _NOTE_HEADERS), None)
    record_cols = [heads.index(h) if h in heads else None for h in _RECORD_HEADERS]
    for row in rows[header + 1 :]:
        fp = _text(row[fp_col]) if fp_col < len(row) else ""
        note = _text(row[note_col]) if note_col is not None and note_col < len(row) else ""
        if fp and note:
            into.notes.setdefault(fp, note)
        sheet, cell, xf, fill = (
            _text(row[c]) if c is not None and c < len(row) else "" for c in record_cols
        )
        if sheet and cell and fill.startswith("<"):
            into.marks[(sheet, cell)] = _Record(int(xf) if xf.isdigit() else None, fill)
    return True


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


# ── the fallback: a separate report workbook ────────────────────────────────────────────────


def _report_workbook(
    tmp: Path,
    dst: Path,
    report: Report,
    lang: str,
    now: datetime,
    earlier: _Previous,
    note: str,
) -> AnnotateResult:
    import xlsxwriter

    name = SHEET_NAMES.get(lang, SHEET_NAMES["zh"])
    layout = _layout(report, lang, now, earlier.notes, None)
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_urls": False})
    formats = {key: wb.add_format(_xlsxwriter_format(look)) for key, look in _LOOKS.items()}
    ws = wb.add_worksheet(name)
    for col, spec in enumerate(_COLUMNS):
        ws.set_column(col, col, spec.width, None, {"hidden": spec.hidden})
    for first_row, first_col, last_row, last_col in layout.merges:
        cell = layout.rows[first_row][first_col]
        assert cell is not None
        ws.merge_range(first_row, first_col, last_row, last_col, "", formats[cell.look])
    for r, height in layout.heights.items():
        ws.set_row(r, height)
    for r, row in enumerate(layout.rows):
        for c, cell in enumerate(row):
            if cell is not None:
                _xlsxwriter_cell(ws, r, c, cell, formats[cell.look])
    _xlsxwriter_page(ws, layout)
    wb.close()
    return AnnotateResult(
        path=dst,
        format="report-workbook",
        sheet=name,
        findings=len(report.findings),
        note=note,
        explanations=layout.carried,
        dropped_explanations=_dropped(earlier.notes, report),
    )


def _xlsxwriter_format(look: _Look) -> dict[str, object]:
    spec: dict[str, object] = {"bold": look.bold, "underline": 1 if look.underline else 0}
    if look.size:
        spec["font_size"] = look.size
    if look.color:
        spec["font_color"] = "#" + look.color[2:]
    if look.fill:
        spec.update(pattern=1, bg_color="#" + look.fill[2:])
    if look.border:
        spec.update(border=1, border_color="#" + _GRID[2:])
    if look.halign:
        spec["align"] = look.halign
    if look.valign:
        spec["valign"] = look.valign
    if look.wrap:
        spec["text_wrap"] = True
    if look.number:
        spec["num_format"] = "#,##0.00"
    return spec


def _xlsxwriter_cell(ws: object, r: int, c: int, cell: _Cell, fmt: object) -> None:
    value = cell.value
    if isinstance(value, Decimal | int):
        ws.write_number(r, c, float(value), fmt)  # type: ignore[attr-defined]
    elif value is None:
        ws.write_blank(r, c, None, fmt)  # type: ignore[attr-defined]
    else:
        ws.write_string(r, c, _xml_safe(value), fmt)  # type: ignore[attr-defined]


def _xlsxwriter_page(ws: object, layout: _Layout) -> None:
    ws.freeze_panes(layout.header_row + 1, 0)  # type: ignore[attr-defined]
    ws.autofilter(layout.header_row, 0, layout.last_row, len(_COLUMNS) - 1)  # type: ignore[attr-defined]
    ws.set_landscape()  # type: ignore[attr-defined]
    ws.set_paper(9)  # type: ignore[attr-defined]
    ws.fit_to_pages(1, 0)  # type: ignore[attr-defined]
    ws.repeat_rows(layout.header_row)  # type: ignore[attr-defined]
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)  # type: ignore[attr-defined]
    ws.set_footer("&C&P / &N")  # type: ignore[attr-defined]
    ws.activate()  # type: ignore[attr-defined]


def _dropped(notes: dict[str, str], report: Report) -> dict[str, str]:
    live = {f.fingerprint for f in report.findings}
    return {fp: note for fp, note in notes.items() if fp not in live}


# ── XML text helpers ────────────────────────────────────────────────────────────────────────

# The inside of a start tag, quoted values may hold '>' (sheet names, number formats).
_TAG_BODY = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPE = _REL_NS + "/worksheet"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _attrs(tag: str) -> dict[str, str]:
    return {m[1]: html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(tag)}


def _set_attr(tag: str, name: str, value: str | None) -> str:
    """A start tag with attribute `name` set (or removed when `value` is None), in place."""
    pattern = re.compile(r"\s" + re.escape(name) + r"""\s*=\s*(?:"[^"]*"|'[^']*')""")
    new = "" if value is None else f' {name}="{_esc(value)}"'
    if pattern.search(tag):
        return pattern.sub(lambda _: new, tag, count=1)
    if value is None:
        return tag
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + new + tag[end:]


def _esc(text: str) -> str:
    """For attribute values in double quotes and element text (apostrophes stay as they are)."""
    return html.escape(_xml_safe(text), quote=False).replace('"', "&quot;")


def _xml_safe(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def _element(xml: str, prefix: str, name: str) -> re.Match[str] | None:
    """The first `<name …/>` or `<name …>…</name>` element (names do not nest in SpreadsheetML's
    collections, so a lazy match to the closing tag is the element)."""
    p = re.escape(prefix + name)
    pattern = rf"<{p}(?=[\s/>]){_TAG_BODY}?(?:/>|(?<!/)>(.*?)</{p}\s*>)"
    return re.compile(pattern, re.S).search(xml)


def _children(inner: str, prefix: str, name: str) -> list[str]:
    p = re.escape(prefix + name)
    pattern = re.compile(rf"<{p}(?=[\s/>]){_TAG_BODY}?(?:/>|(?<!/)>.*?</{p}\s*>)", re.S)
    return [m[0] for m in pattern.finditer(inner)]


def _root_prefix(xml: str, local: str) -> str:
    """'' or 'x:' — some writers (the .NET SDK) prefix the SpreadsheetML namespace."""
    m = re.search(rf"<(?:([A-Za-z_][\w.-]*):)?{local}[\s>]", xml)
    if m is None:
        raise _CannotGraft(f"缺少 <{local}> 元素", f"no <{local}> element")
    prefix = m[1] or ""
    name = "xmlns:" + prefix if prefix else "xmlns"
    declared = re.search(re.escape(name) + r"""\s*=\s*["']([^"']*)["']""", xml)
    if declared is None or declared[1] != _MAIN_NS:
        raise _CannotGraft(
            "不是常规（transitional）格式的 Excel 工作簿",
            "not a transitional SpreadsheetML workbook",
        )
    return prefix + ":" if prefix else ""


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping (start, end, replacement) edits in one pass."""
    out, pos = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _parse_a1(ref: str) -> tuple[int, int] | None:
    m = _A1.fullmatch(ref.strip().upper())
    return (int(m[2]), _col_number(m[1])) if m else None


# ── the package ─────────────────────────────────────────────────────────────────────────────


class _Package:
    """The members of a zip package, in order, with the edits to write back."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.infos = zf.infolist()
        self.names = {i.filename for i in self.infos}
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def text(self, name: str) -> str:
        data = self.changed.get(name)
        if data is None:
            if name not in self.names:
                raise _CannotGraft(f"文件缺少部件 {name}", f"missing part {name}")
            data = self.zf.read(name)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _CannotGraft(f"{name} 不是 UTF-8 编码", f"{name} is not UTF-8") from exc

    def put(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        self.removed.discard(name)  # a replaced sheet's part name may be taken again
        if name in self.names:
            self.changed[name] = data
        else:
            self.added[name] = data

    def remove(self, name: str) -> None:
        if name in self.names:
            self.removed.add(name)
        self.changed.pop(name, None)

    def exists(self, name: str) -> bool:
        return name in self.added or (name in self.names and name not in self.removed)

    def write(self, path: Path, when: datetime) -> None:
        """Untouched members are copied with their own ZipInfo (name, date, compression);
        only their bytes pass through Python, never a re-encoding."""
        with zipfile.ZipFile(path, "w", allowZip64=True) as out:
            for info in self.infos:
                if info.filename in self.removed:
                    continue
                data = self.changed.get(info.filename)
                if data is None:
                    data = self.zf.read(info)
                out.writestr(_copy_info(info), data)
            for name, data in self.added.items():
                info = zipfile.ZipInfo(name, when.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(info, data)


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    return new


def _part_of(base_dir: str, target: str) -> str:
    """A relationship target as a package member name."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass
class _Rel:
    id: str
    type: str
    target: str
    span: tuple[int, int]


def _relationships(xml: str) -> list[_Rel]:
    rels = []
    for m in re.finditer(rf"<(?:\w+:)?Relationship\b{_TAG_BODY}>", xml):
        a = _attrs(m[0])
        rels.append(_Rel(a.get("Id", ""), a.get("Type", ""), a.get("Target", ""), m.span()))
    return rels


@dataclass
class _Sheet:
    name: str
    sheet_id: int
    rid: str
    kind: str  # "worksheet", "chartsheet", …
    part: str | None
    span: tuple[int, int]  # of the <sheet> element in workbook.xml


class _Workbook:
    """The workbook part and its relationships."""

    def __init__(self, pkg: _Package) -> None:
        self.pkg = pkg
        root_rels = _relationships(pkg.text("_rels/.rels"))
        office = next((r for r in root_rels if r.type.endswith("/officeDocument")), None)
        if office is None:
            raise _CannotGraft("找不到工作簿部件", "no workbook part")
        self.part = _part_of("", office.target)
        self.dir = posixpath.dirname(self.part)
        self.rels_part = _rels_name(self.part)
        self.xml = pkg.text(self.part)
        self.prefix = _root_prefix(self.xml, "workbook")
        self.rels_xml = pkg.text(self.rels_part)
        self.rels = _relationships(self.rels_xml)
        self.sheets = self._sheets()

    def _sheets(self) -> list[_Sheet]:
        by_id = {r.id: r for r in self.rels}
        sheets = []
        for m in re.finditer(rf"<{re.escape(self.prefix)}sheet\b{_TAG_BODY}>", self.xml):
            a = _attrs(m[0])
            rid = next((v for k, v in a.items() if k.endswith(":id")), "")
            rel = by_id.get(rid)
            kind = rel.type.rsplit("/", 1)[-1] if rel else ""
            part = _part_of(self.dir, rel.target) if rel else None
            sheets.append(
                _Sheet(a.get("name", ""), int(a.get("sheetId", "0")), rid, kind, part, m.span())
            )
        return sheets

    def rel_of(self, kind: str) -> _Rel | None:
        return next((r for r in self.rels if r.type.endswith("/" + kind)), None)

    def new_rid(self) -> str:
        used = {r.id for r in self.rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        return f"rId{n}"

    def new_sheet_part(self) -> str:
        n = 1
        while self.pkg.exists(f"{self.dir}/worksheets/sheet{n}.xml".lstrip("/")):
            n += 1
        return f"{self.dir}/worksheets/sheet{n}.xml".lstrip("/")


# ── workbook.xml edits ──────────────────────────────────────────────────────────────────────


def _remove_sheet(book: _Workbook, sheet: _Sheet, content_types: _ContentTypes) -> None:
    """Take an earlier juesuan sheet out: its entry, names, relationship, part and part rels.
    Later sheets move one index down, so sheet-local names and view indices follow."""
    index = book.sheets.index(sheet)
    had_formulas = sheet.part is not None and "<f" in book.pkg.text(sheet.part)
    xml = book.xml[: sheet.span[0]] + book.xml[sheet.span[1] :]
    xml = _shift_local_names(xml, book.prefix, index)
    xml = _shift_views(xml, book.prefix, index)
    book.xml = xml
    book.rels_xml = _drop_rel(book.rels_xml, sheet.rid)
    if sheet.part:
        book.pkg.remove(sheet.part)
        book.pkg.remove(_rels_name(sheet.part))
        content_types.drop(sheet.part)
    if had_formulas:  # the calculation chain may list its cells: Excel rebuilds a missing one
        chain = book.rel_of("calcChain")
        if chain is not None:
            part = _part_of(book.dir, chain.target)
            book.pkg.remove(part)
            content_types.drop(part)
            book.rels_xml = _drop_rel(book.rels_xml, chain.id)
    book.rels = _relationships(book.rels_xml)
    book.sheets = book._sheets()


def _drop_rel(xml: str, rid: str) -> str:
    rel = next((r for r in _relationships(xml) if r.id == rid), None)
    return xml if rel is None else xml[: rel.span[0]] + xml[rel.span[1] :]


def _shift_local_names(xml: str, prefix: str, removed: int) -> str:
    pattern = re.compile(
        rf"<{re.escape(prefix)}definedName\b{_TAG_BODY}?(?:/>|(?<!/)>.*?</{re.escape(prefix)}definedName>)",
        re.S,
    )

    def fix(m: re.Match[str]) -> str:
        start = m[0][: m[0].index(">") + 1]
        local = _attrs(start).get("localSheetId")
        if local is None or not local.isdigit() or int(local) < removed:
            return m[0]
        if int(local) == removed:
            return ""
        return _set_attr(start, "localSheetId", str(int(local) - 1)) + m[0][len(start) :]

    xml = pattern.sub(fix, xml)
    # An emptied <definedNames> is invalid (it needs one child).
    return re.sub(
        rf"<{re.escape(prefix)}definedNames>\s*</{re.escape(prefix)}definedNames>", "", xml
    )


def _shift_views(xml: str, prefix: str, removed: int) -> str:
    def fix(m: re.Match[str]) -> str:
        tag, a = m[0], _attrs(m[0])
        for key in ("activeTab", "firstSheet"):
            if a.get(key, "").isdigit() and int(a[key]) > removed:
                tag = _set_attr(tag, key, str(int(a[key]) - 1))
        return tag

    return re.sub(rf"<{re.escape(prefix)}workbookView\b{_TAG_BODY}>", fix, xml)


def _add_sheet(book: _Workbook, name: str, part: str, names_xml: str) -> int:
    """Append the sheet entry (last, so existing localSheetId values stay valid), make it the
    active tab and add its sheet-local names. Returns its index."""
    p = book.prefix
    rid = book.new_rid()
    target = posixpath.relpath(part, book.dir or ".")
    rel = f'<Relationship Id="{rid}" Type="{_WORKSHEET_TYPE}" Target="{_esc(target)}"/>'
    book.rels_xml = _insert_before_close(book.rels_xml, "Relationships", rel)
    sheet_id = max((s.sheet_id for s in book.sheets), default=0) + 1
    r = _rel_prefix(book.xml)
    entry = f'<{p}sheet name="{_esc(name)}" sheetId="{sheet_id}" {r}id="{rid}"/>'
    if not r:
        entry = (
            f'<{p}sheet name="{_esc(name)}" sheetId="{sheet_id}" xmlns:r="{_REL_NS}" r:id="{rid}"/>'
        )
    index = len(book.sheets)
    xml = _insert_before_close(book.xml, p + "sheets", entry)
    xml = _set_active_tab(xml, p, index)
    book.xml = _add_defined_names(xml, p, names_xml.replace("{index}", str(index)))
    return index


def _rel_prefix(xml: str) -> str:
    m = re.search(r"""xmlns:([\w.-]+)\s*=\s*["']""" + re.escape(_REL_NS) + "[\"']", xml)
    return m[1] + ":" if m else ""


def _insert_before_close(xml: str, name: str, text: str) -> str:
    close = xml.rfind(f"</{name}>")
    if close < 0:
        empty = re.search(rf"<{re.escape(name)}\b{_TAG_BODY}?/>", xml)
        if empty is None:
            raise _CannotGraft(f"缺少 <{name}> 元素", f"no <{name}>")
        opened = empty[0][:-2].rstrip() + ">"
        return xml[: empty.start()] + opened + text + f"</{name}>" + xml[empty.end() :]
    return xml[:close] + text + xml[close:]


def _set_active_tab(xml: str, p: str, index: int) -> str:
    view = re.search(rf"<{re.escape(p)}workbookView\b{_TAG_BODY}>", xml)
    if view is not None:
        return xml[: view.start()] + _set_attr(view[0], "activeTab", str(index)) + xml[view.end() :]
    views = f'<{p}bookViews><{p}workbookView activeTab="{index}"/></{p}bookViews>'
    sheets = re.search(rf"<{re.escape(p)}sheets\b", xml)
    if sheets is None:
        raise _CannotGraft("缺少 <sheets> 元素", "no <sheets>")
    return xml[: sheets.start()] + views + xml[sheets.start() :]


def _add_defined_names(xml: str, p: str, names: str) -> str:
    if re.search(rf"</{re.escape(p)}definedNames>", xml):
        return _insert_before_close(xml, p + "definedNames", names)
    # CT_Workbook order: sheets, functionGroups, externalReferences, definedNames, calcPr, …
    after = None
    for name in ("sheets", "functionGroups", "externalReferences"):
        m = _element(xml, p, name)
        if m is not None:
            after = m.end()
    if after is None:
        raise _CannotGraft("缺少 <sheets> 元素", "no <sheets>")
    return xml[:after] + f"<{p}definedNames>{names}</{p}definedNames>" + xml[after:]


class _ContentTypes:
    NAME = "[Content_Types].xml"

    def __init__(self, pkg: _Package) -> None:
        self.pkg = pkg
        self.xml = pkg.text(self.NAME)

    def add(self, part: str, content_type: str) -> None:
        override = f'<Override PartName="/{_esc(part)}" ContentType="{content_type}"/>'
        self.xml = _insert_before_close(self.xml, "Types", override)

    def drop(self, part: str) -> None:
        pattern = rf"""<Override\b[^>]*PartName\s*=\s*["']/{re.escape(part)}["'][^>]*/>"""
        self.xml = re.sub(pattern, "", self.xml, flags=re.I)


# ── styles.xml ──────────────────────────────────────────────────────────────────────────────

_STYLE_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)


@dataclass
class _Collection:
    """One list in styles.xml (fonts, fills, borders, cellXfs): the original children stay as
    they are; new ones are appended. Identical texts are shared, so re-annotating does not grow
    the file."""

    name: str
    items: list[str]
    added: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for i, item in enumerate(self.items):
            self.index.setdefault(item, i)

    def intern(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = len(self.items) + len(self.added)
            self.added.append(text)
            self.index[text] = found
        return found

    def get(self, i: int) -> str:
        return self.items[i] if i < len(self.items) else self.added[i - len(self.items)]

    def __len__(self) -> int:
        return len(self.items) + len(self.added)


_CHILD = {"fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}


class _Styles:
    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.p = _root_prefix(xml, "styleSheet")
        self.coll = {name: self._collection(name, child) for name, child in _CHILD.items()}
        self.has_style_xfs = _element(xml, self.p, "cellStyleXfs") is not None
        self.mark_fills = self._mark_fills()
        self._keys: dict[int, tuple[object, ...]] = {}
        self.marks = {  # juesuan's mark formats, by the severity their fill says
            i: self.mark_fills[fill]
            for i in range(len(self.xfs))
            if (fill := _int(_attrs(self._start(i)).get("fillId"))) in self.mark_fills
        }

    @property
    def xfs(self) -> _Collection:
        return self.coll["cellXfs"]

    def _collection(self, name: str, child: str) -> _Collection:
        m = _element(self.xml, self.p, name)
        inner = m[1] if m is not None and m[1] else ""
        return _Collection(name, _children(inner, self.p, child))

    def _mark_fills(self) -> dict[int, Severity]:
        by_colour = {rgb: sev for sev, rgb in MARK_FILLS.items()}
        found = {}
        for i, fill in enumerate(self.coll["fills"].items):
            m = re.search(r"""<(?:\w+:)?fgColor\b[^>]*\brgb\s*=\s*["'](\w+)["']""", fill)
            if m and m[1].upper() in by_colour and "solid" in fill:
                found[i] = by_colour[m[1].upper()]
        return found

    def _start(self, i: int) -> str:
        xf = self.xfs.get(i)
        return xf[: xf.index(">") + 1]

    def fill_id(self, i: int) -> int:
        return _int(_attrs(self._start(i)).get("fillId")) or 0

    def key(self, i: int) -> tuple[object, ...]:
        """A format by content, without its fill: what a mark must leave as it was."""
        found = self._keys.get(i)
        if found is None:
            found = self._keys[i] = _canon(self.xfs.get(i), _xf_noise)
        return found

    def is_mark(self, i: int) -> bool:
        return self.fill_id(i) in self.mark_fills

    def fill_key(self, fill_id: int) -> tuple[object, ...]:
        fills = self.coll["fills"]
        return _canon(fills.get(fill_id)) if fill_id < len(fills) else ()

    def _with_fill(self, i: int, fill_id: int) -> str:
        xf = self.xfs.get(i)
        end = xf.index(">") + 1
        start = _set_attr(_set_attr(xf[:end], "fillId", str(fill_id)), "applyFill", "1")
        return start + xf[end:]

    # Building blocks of the new sheet's formats.

    def font(self, look: _Look) -> int:
        base = self.coll["fonts"].items[0] if self.coll["fonts"].items else ""

        def val(tag: str) -> str | None:
            m = re.search(rf"""<(?:\w+:)?{tag}\b[^>]*\bval\s*=\s*["']([^"']*)["']""", base)
            return m[1] if m else None

        p = self.p
        parts = [f"<{p}b/>" if look.bold else "", f"<{p}u/>" if look.underline else ""]
        parts.append(f'<{p}sz val="{look.size or val("sz") or 11}"/>')
        if look.color:
            parts.append(f'<{p}color rgb="{look.color}"/>')
        parts.append(f'<{p}name val="{_esc(val("name") or "宋体")}"/>')
        for tag in ("family", "charset", "scheme"):
            if (v := val(tag)) is not None:
                parts.append(f'<{p}{tag} val="{_esc(v)}"/>')
        return self.coll["fonts"].intern(f"<{p}font>{''.join(parts)}</{p}font>")

    def fill(self, rgb: str) -> int:
        p = self.p
        found = self.coll["fills"].intern(
            f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{rgb}"/>'
            f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
        )
        for severity, mark_rgb in MARK_FILLS.items():
            if rgb == mark_rgb:
                self.mark_fills[found] = severity
        return found

    def border(self) -> int:
        p = self.p
        sides = "".join(
            f'<{p}{side} style="thin"><{p}color rgb="{_GRID}"/></{p}{side}>'
            for side in ("left", "right", "top", "bottom")
        )
        return self.coll["borders"].intern(f"<{p}border>{sides}<{p}diagonal/></{p}border>")

    def look(self, look: _Look) -> int:
        p = self.p
        font = self.font(look)
        fill = self.fill(look.fill) if look.fill else 0
        border = self.border() if look.border else 0
        numfmt = _NUMBER_FORMAT if look.number else 0
        align = {"horizontal": look.halign, "vertical": look.valign}
        align_attrs = "".join(f' {k}="{v}"' for k, v in align.items() if v)
        align_attrs += ' wrapText="1"' if look.wrap else ""
        xf_id = ' xfId="0"' if self.has_style_xfs else ""
        head = (
            f'<{p}xf numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="{border}"'
            f'{xf_id} applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
        )
        if align_attrs:
            xf = f'{head} applyAlignment="1"><{p}alignment{align_attrs}/></{p}xf>'
        else:
            xf = head + "/>"
        return self.xfs.intern(xf)

    # Marks.

    def marked(self, original: int, severity: Severity) -> int:
        """The format `original` with the severity's fill: everything else stays."""
        original = original if original < len(self.xfs) else 0
        return self.xfs.intern(self._with_fill(original, self.fill(MARK_FILLS[severity])))

    def restore(self, mark: int, record: _Record | None) -> int:
        """The format a marked cell had before: the mark's format with the recorded fill (the
        recorded index if it is still that format, which it is unless the file was re-saved
        by a program that renumbers formats). Without a record, the first format equal to the
        mark but for its fill, a plain one preferred."""
        key = self.key(mark)
        others = [i for i in range(len(self.xfs)) if not self.is_mark(i)]
        if record is not None:
            fill = _canon(record.fill)
            wanted = [
                i for i in others if self.key(i) == key and self.fill_key(self.fill_id(i)) == fill
            ]
            if wanted:
                return record.xf if record.xf in wanted else wanted[0]
            fills = self.coll["fills"]
            same = (f for f in range(len(fills)) if self.fill_key(f) == fill)
            fill_id = next(same, None)
            if fill_id is None:
                fill_id = fills.intern(record.fill)
            return self.xfs.intern(self._with_fill(mark, fill_id))
        same_but_fill = [i for i in others if self.key(i) == key]
        plain = [i for i in same_but_fill if self.fill_id(i) == 0]
        if plain or same_but_fill:
            return (plain or same_but_fill)[0]
        return self.xfs.intern(self._with_fill(mark, 0))

    def render(self) -> str:
        edits = []
        xml = self.xml
        for name, coll in self.coll.items():
            if not coll.added:
                continue
            m = _element(xml, self.p, name)
            children = "".join(coll.added)
            if m is None:
                pos = self._slot(name)
                edits.append(
                    (pos, pos, f'<{self.p}{name} count="{len(coll)}">{children}</{self.p}{name}>')
                )
                continue
            start = m[0][: m[0].index(">") + 1]
            if start.endswith("/>"):  # <fills/> or <fills count="0"/>
                opened = _set_attr(start, "count", str(len(coll)))[:-2].rstrip() + ">"
                edits.append((m.start(), m.end(), f"{opened}{children}</{self.p}{name}>"))
                continue
            tag = _set_attr(start, "count", str(len(coll)))
            edits.append((m.start(), m.start() + len(start), tag))
            close = m.end() - len(f"</{self.p}{name}>")
            edits.append((close, close, children))
        return _splice(xml, edits)

    def _slot(self, name: str) -> int:
        """Where a missing collection goes: before the first later one present."""
        for later in _STYLE_ORDER[_STYLE_ORDER.index(name) + 1 :]:
            m = re.search(rf"<{re.escape(self.p + later)}[\s/>]", self.xml)
            if m is not None:
                return m.start()
        return self.xml.rindex(f"</{self.p}styleSheet>")


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


_XML_TOKEN = re.compile(
    r"""<(/?)(?:[\w.-]+:)?([\w.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(/?)>"""
)


def _xf_noise(name: str, value: str) -> bool:
    """Attributes that do not change how a cell looks: the fill (compared apart), Excel's
    apply* flags (ignored for cell formats) and defaults some writers spell out."""
    if name == "fillId" or name.startswith("apply"):
        return True
    return name in ("pivotButton", "quotePrefix") and value in ("0", "false")


def _canon(fragment: str, noise: Callable[[str, str], bool] | None = None) -> tuple[object, ...]:
    """An XML fragment as comparable data: prefixes, attribute order, quoting, whitespace and
    <a/> versus <a></a> do not matter, so formats compare equal across re-saves."""
    out: list[object] = []
    for closing, name, attrs, empty in _XML_TOKEN.findall(fragment):
        if closing:
            out.append(("/", name))
            continue
        pairs = sorted(
            (k.rsplit(":", 1)[-1], v)
            for k, v in _attrs(attrs).items()
            if noise is None or not noise(k, v)
        )
        out.append((name, tuple(pairs)))
        if empty:
            out.append(("/", name))
    return tuple(out)


# ── worksheet surgery ───────────────────────────────────────────────────────────────────────

# Row and cell tags never hold '>' in attribute values, so the cheap [^>]* is safe here; the
# scan touches every row tag but only the cells of rows that need an edit.
_SHEET_DATA = re.compile(r"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?=[\s/>])([^>]*)>")


@functools.lru_cache(maxsize=8)
def _row_tag(prefix: str) -> re.Pattern[str]:
    """Row tags under the sheet's own namespace prefix: a fixed prefix scans ~3× faster."""
    return re.compile(
        rf"<(/?){re.escape(prefix)}row(?=[\s/>])"
        r"""(?:[^>]*?\sr\s*=\s*["'](\d+)["'])?([^>]*)>"""
    )


_CELL_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(r"""\sr\s*=\s*["']\$?([A-Z]*)\$?(\d+)["']""")
_S_ATTR = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")
_CUSTOM_FORMAT = re.compile(r"""\scustomFormat\s*=\s*["'](?:1|true)["']""")
_TAB_SELECTED = re.compile(
    r"""(<(?:[A-Za-z_][\w.-]*:)?sheetView\b[^>]*?)\s+tabSelected\s*=\s*["'](?:1|true)["']"""
)


@dataclass
class _CellTag:
    col: int
    start: int
    end: int
    style: int | None


@dataclass
class _RowTag:
    num: int
    start: int
    end: int  # end of the start tag
    close: int  # start of </row>; == end for <row …/>
    empty: bool


@dataclass
class _SheetData:
    open_at: int  # just after <sheetData>; == close_at for <sheetData/>
    close_at: int  # start of </sheetData>
    prefix: str
    rows: list[_RowTag]


def _scan_rows(xml: str) -> _SheetData:
    """The row tags of <sheetData> with their positions. Row numbers may be implied (`r` is
    optional): they then follow the previous row."""
    m = _SHEET_DATA.search(xml)
    if m is None:
        raise _CannotGraft("工作表缺少 <sheetData>", "worksheet without <sheetData>")
    if m[2].rstrip().endswith("/"):
        return _SheetData(m.start(), m.start(), m[1], [])
    close_at = xml.find(f"</{m[1]}sheetData>", m.end())
    if close_at < 0:
        raise _CannotGraft("工作表缺少 </sheetData>", "worksheet without </sheetData>")
    rows: list[_RowTag] = []
    for t in _row_tag(m[1]).finditer(xml, m.end(), close_at):
        if t[1]:
            rows[-1].close = t.start()
            continue
        num = int(t[2]) if t[2] else (rows[-1].num + 1 if rows else 1)
        empty = t[3].endswith("/")
        rows.append(_RowTag(num, t.start(), t.end(), t.end(), empty))
    return _SheetData(m.end(), close_at, m[1], rows)


def _row_style(xml: str, row: _RowTag) -> int | None:
    """The row's own format (`s` counts only with customFormat)."""
    tag = xml[row.start : row.end]
    s = _S_ATTR.search(tag)
    return int(s[1]) if s and _CUSTOM_FORMAT.search(tag) else None


def _cells(xml: str, row: _RowTag) -> list[_CellTag]:
    """The cell tags of one row; a cell without `r` follows the previous one."""
    cells: list[_CellTag] = []
    col = 0
    for t in _CELL_TAG.finditer(xml, row.end, row.close):
        r = _R_ATTR.search(t[1])
        col = _col_number(r[1]) if r and r[1] else col + 1
        s = _S_ATTR.search(t[1])
        cells.append(_CellTag(col, t.start(), t.end(), int(s[1]) if s else None))
    return cells


def _rows_with_styles(xml: str, data: _SheetData, styles: frozenset[int]) -> set[int]:
    """Indices (in data.rows) of rows holding a cell in one of `styles`: one C-level regex pass,
    Python work only per hit."""
    if not styles or not data.rows:
        return set()
    alternatives = "|".join(str(s) for s in sorted(styles))
    pattern = re.compile(
        r"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*\ss\s*=\s*[\"'](?:" + alternatives + ")[\"']"
    )
    starts = [r.start for r in data.rows]
    return {
        bisect.bisect_right(starts, m.start()) - 1
        for m in pattern.finditer(xml, data.open_at, data.close_at)
    }


def _column_styles(xml: str) -> list[tuple[int, int, int]]:
    styles = []
    for m in re.finditer(rf"<(?:[\w.-]+:)?col\b{_TAG_BODY}>", xml):
        a = _attrs(m[0])
        lo, hi, st = _int(a.get("min")), _int(a.get("max")), _int(a.get("style"))
        if lo and hi and st is not None:
            styles.append((lo, hi, st))
    return styles


# (current format, severity or None, (row, col)) → the format the cell gets
Decide = Callable[[int, Severity | None, tuple[int, int]], int]


@dataclass
class _SheetEdit:
    xml: str
    marked: int = 0
    restored: int = 0


def _restyle_sheet(
    xml: str, targets: dict[tuple[int, int], Severity], decide: Decide, marks: frozenset[int]
) -> _SheetEdit:
    """Give every target cell its mark and every earlier mark its original format back. Only
    `s` attributes change; missing target cells (and rows) are inserted empty."""
    data = _scan_rows(xml)
    edits: list[tuple[int, int, str]] = []
    result = _SheetEdit(xml)
    pending = dict(targets)
    wanted_rows = {num for num, _ in targets}
    todo = _rows_with_styles(xml, data, marks)
    todo |= {i for i, row in enumerate(data.rows) if row.num in wanted_rows}
    cells_of: dict[int, list[_CellTag]] = {}
    for i in sorted(todo):
        row = data.rows[i]
        cells_of[row.num] = cells = _cells(xml, row)
        for cell in cells:
            current = cell.style or 0
            severity = pending.pop((row.num, cell.col), None)
            if severity is None and current not in marks:
                continue
            new = decide(current, severity, (row.num, cell.col))
            if severity is not None:
                result.marked += 1
            elif new != current:
                result.restored += 1
            if new != current:
                tag = xml[cell.start : cell.end]
                edits.append((cell.start, cell.end, _set_attr(tag, "s", str(new))))
    if pending:
        edits += _insert_cells(xml, data, cells_of, pending, decide)
        result.marked += len(pending)
    result.xml = _splice(xml, edits)
    return result


def _insert_cells(
    xml: str,
    data: _SheetData,
    cells_of: dict[int, list[_CellTag]],
    pending: dict[tuple[int, int], Severity],
    decide: Decide,
) -> list[tuple[int, int, str]]:
    """Empty marked cells where the sheet has none. A new cell takes the format it shows today
    (its row's, else its column's), so the mark changes only the fill."""
    open_at, close_at, p, rows = data.open_at, data.close_at, data.prefix, data.rows
    by_num = {r.num: r for r in rows}
    columns = _column_styles(xml[:open_at])
    wanted: dict[int, list[tuple[int, str]]] = {}
    for (num, col), severity in sorted(pending.items()):
        row = by_num.get(num)
        base = _row_style(xml, row) if row is not None else None
        if base is None:
            base = next((s for lo, hi, s in columns if lo <= col <= hi), 0)
        cell = f'<{p}c r="{_col_letters(col)}{num}" s="{decide(base, severity, (num, col))}"/>'
        wanted.setdefault(num, []).append((col, cell))
    edits: list[tuple[int, int, str]] = []
    new_rows: list[str] = []
    for num, cells in wanted.items():
        row = by_num.get(num)
        if row is None:
            text = f'<{p}row r="{num}">{"".join(c for _, c in cells)}</{p}row>'
            at = next((r.start for r in rows if r.num > num), close_at)
            edits.append((at, at, text))
            new_rows.append(text)
        elif row.empty:  # <row …/> becomes <row …>cells</row>
            opened = xml[row.start : row.end][:-2].rstrip() + ">"
            text = opened + "".join(c for _, c in cells) + f"</{p}row>"
            edits.append((row.start, row.end, text))
        else:
            for col, cell in cells:
                at = next((c.start for c in cells_of[num] if c.col > col), row.close)
                edits.append((at, at, cell))
    if open_at == close_at and new_rows:  # <sheetData/>: open it around the new rows
        end = xml.index(">", open_at) + 1
        return [(open_at, end, f"<{p}sheetData>{''.join(new_rows)}</{p}sheetData>")]
    return edits


def _unselect(xml: str) -> str:
    """Drop tabSelected from the sheet views (they precede <sheetData>: search only there)."""
    head = xml.find("<sheetData")
    head = len(xml) if head < 0 else head
    if "tabSelected" not in xml[:head]:
        return xml
    return _TAB_SELECTED.sub(r"\1", xml[:head]) + xml[head:]


# ── the new worksheet part ──────────────────────────────────────────────────────────────────


def _sheet_xml(layout: _Layout, xf: dict[str, int], records: dict[tuple[str, str], _Record]) -> str:
    rows = [list(r) for r in layout.rows]
    _add_record(rows, layout.header_row, records)
    body = "".join(_row_xml(r, row, xf, layout.heights.get(r)) for r, row in enumerate(rows) if row)
    last_col = _col_letters(max(len(r) for r in rows))
    links = _hyperlinks_xml(layout.rows)
    merges = "".join(
        f'<mergeCell ref="{_col_letters(c1 + 1)}{r1 + 1}:{_col_letters(c2 + 1)}{r2 + 1}"/>'
        for r1, c1, r2, c2 in layout.merges
    )
    top = layout.header_row + 2
    table_ref = f"A{layout.header_row + 1}:{_col_letters(len(_COLUMNS))}{layout.last_row + 1}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<sheetPr><tabColor rgb="FFC00000"/><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{last_col}{len(rows)}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        f'<pane ySplit="{top - 1}" topLeftCell="A{top}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{top}" sqref="A{top}"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{_cols_xml()}</cols>"
        f"<sheetData>{body}</sheetData>"
        f'<autoFilter ref="{table_ref}"/>'
        f'<mergeCells count="{len(layout.merges)}">{merges}</mergeCells>'
        + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
        + '<printOptions horizontalCentered="1"/>'
        '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        "<headerFooter><oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>"
        "</worksheet>"
    )


def _add_record(
    rows: list[list[_Cell | None]], header_row: int, records: dict[tuple[str, str], _Record]
) -> None:
    """The mark record, in hidden columns beside the table (one empty column apart, so sorting
    the findings never takes it along)."""
    if not records:
        return
    lines: list[tuple[str, ...]] = [_RECORD_HEADERS]
    lines += [(sheet, cell, str(r.xf), r.fill) for (sheet, cell), r in sorted(records.items())]
    for i, line in enumerate(lines):
        r = header_row + i
        while len(rows) <= r:
            rows.append([])
        rows[r] += [None] * (_RECORD_COL + len(line) - len(rows[r]))
        for j, text in enumerate(line):
            rows[r][_RECORD_COL + j] = _Cell(text, "plain")


def _cols_xml() -> str:
    cols = []
    for i, c in enumerate(_COLUMNS, start=1):
        hidden = ' hidden="1"' if c.hidden else ""
        cols.append(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"{hidden}/>')
    first, last = len(_COLUMNS) + 1, _RECORD_COL + len(_RECORD_HEADERS)
    cols.append(f'<col min="{first}" max="{last}" width="10" customWidth="1" hidden="1"/>')
    return "".join(cols)


def _row_xml(r: int, row: list[_Cell | None], xf: dict[str, int], height: float | None) -> str:
    ht = f' ht="{height:g}"' if height else ""
    cells = "".join(
        _cell_xml(f"{_col_letters(c + 1)}{r + 1}", cell, xf[cell.look])
        for c, cell in enumerate(row)
        if cell is not None
    )
    return f'<row r="{r + 1}"{ht}>{cells}</row>'


def _cell_xml(ref: str, cell: _Cell, style: int) -> str:
    value = cell.value
    if isinstance(value, int | Decimal) and not (
        isinstance(value, Decimal) and not value.is_finite()
    ):
        # Decimal → the number's own digits: no float on the way.
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return f'<c r="{ref}" s="{style}"><v>{text}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    return (
        f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
        f"{html.escape(_xml_safe(str(value)), quote=False)}</t></is></c>"
    )


def _hyperlinks_xml(rows: list[list[_Cell | None]]) -> str:
    links = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is not None and cell.link:
                ref = f"{_col_letters(c + 1)}{r + 1}"
                links.append(
                    f'<hyperlink ref="{ref}" location="{_esc(cell.link)}" '
                    f'display="{_esc(str(cell.value))}"/>'
                )
    return "".join(links)


def _defined_names_xml(name: str, layout: _Layout) -> str:
    """The filter range and print titles of the new sheet (`{index}` filled in later)."""
    q = _esc(_quote_sheet(name))
    h, last = layout.header_row + 1, layout.last_row + 1
    end = _col_letters(len(_COLUMNS))
    return (
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{{index}}" hidden="1">'
        f"{q}!$A${h}:${end}${last}</definedName>"
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{{index}}">{q}!${h}:${h}</definedName>'
    )


# ── the graft ───────────────────────────────────────────────────────────────────────────────


def _graft(
    src: Path,
    tmp: Path,
    dst: Path,
    report: Report,
    lang: str,
    now: datetime,
    earlier: _Previous,
) -> AnnotateResult:
    try:
        with zipfile.ZipFile(src) as zf:
            return _graft_package(_Package(zf), src, tmp, dst, report, lang, now, earlier)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _CannotGraft(
            "不是完好的 zip 格式 .xlsx 文件", f"not a sound zip package ({exc})"
        ) from exc
    except (ValueError, IndexError, KeyError) as exc:
        # Malformed XML that the surgery cannot place safely: the user still gets the results.
        raise _CannotGraft(
            f"文件结构异常（{exc!r}）", f"unexpected package structure ({exc!r})"
        ) from exc


def _graft_package(
    pkg: _Package,
    src: Path,
    tmp: Path,
    dst: Path,
    report: Report,
    lang: str,
    now: datetime,
    earlier: _Previous,
) -> AnnotateResult:
    book = _Workbook(pkg)
    content_types = _ContentTypes(pkg)
    candidates = [s.name for s in book.sheets if s.name in SHEET_NAMES.values()]
    previous = _read_previous(src, candidates) if candidates else _Previous()
    for old in previous.sheets:  # spans change with each removal: look up afresh
        _remove_sheet(book, next(s for s in book.sheets if s.name == old), content_types)
    notes = {**earlier.notes, **previous.notes}
    name = _free_name(SHEET_NAMES.get(lang, SHEET_NAMES["zh"]), book.sheets)
    styles_rel = book.rel_of("styles")
    if styles_rel is None:
        raise _CannotGraft("缺少样式部件 styles.xml", "no styles part")
    styles_part = _part_of(book.dir, styles_rel.target)
    styles = _Styles(pkg.text(styles_part))

    edit = _mark_cells(book, styles, report, previous.marks)
    worksheets = frozenset(s.name for s in book.sheets if s.kind == "worksheet")
    layout = _layout(report, lang, now, notes, worksheets)
    xf = {key: styles.look(look) for key, look in _LOOKS.items()}
    part = book.new_sheet_part()
    pkg.put(part, _sheet_xml(layout, xf, edit.records))
    content_types.add(part, _WORKSHEET_CT)
    _add_sheet(book, name, part, _defined_names_xml(name, layout))

    pkg.put(styles_part, styles.render())
    pkg.put(book.part, book.xml)
    pkg.put(book.rels_part, book.rels_xml)
    pkg.put(_ContentTypes.NAME, content_types.xml)
    pkg.write(tmp, now)
    return AnnotateResult(
        path=dst,
        format="graft",
        sheet=name,
        findings=len(report.findings),
        marked_cells=edit.marked,
        restored_cells=edit.restored,
        explanations=layout.carried,
        dropped_explanations=_dropped(notes, report),
    )


def _free_name(wanted: str, sheets: list[_Sheet]) -> str:
    """`wanted`, or `wanted (2)`… when a sheet that is not juesuan's already has the name."""
    taken = {s.name.casefold() for s in sheets}
    name, n = wanted, 1
    while name.casefold() in taken:
        n += 1
        name = f"{wanted} ({n})"
    return name


@dataclass
class _Marking:
    marked: int = 0
    restored: int = 0
    records: dict[tuple[str, str], _Record] = field(default_factory=dict)


def _mark_cells(
    book: _Workbook, styles: _Styles, report: Report, recorded: dict[tuple[str, str], _Record]
) -> _Marking:
    """Mark every finding's cell with the worst severity found there; give cells marked by an
    earlier run that no finding claims any more their format back; unselect every other tab."""
    targets = _targets(report.findings)
    result = _Marking()
    marks = frozenset(styles.marks)
    for sheet in book.sheets:
        if sheet.part is None:
            continue
        cells = targets.get(sheet.name, {}) if sheet.kind == "worksheet" else {}
        restyle = sheet.kind == "worksheet" and bool(cells or marks)
        if not restyle and not _selected(book.pkg, sheet.part):
            continue
        xml = book.pkg.text(sheet.part)
        new = _unselect(xml)  # chartsheets too: any other selected tab would be grouped
        if restyle:
            decide = _decider(styles, sheet.name, recorded, result.records)
            edit = _restyle_sheet(new, cells, decide, marks)
            new = edit.xml
            result.marked += edit.marked
            result.restored += edit.restored
        if new != xml:
            book.pkg.put(sheet.part, new)
    return result


def _decider(
    styles: _Styles,
    sheet: str,
    recorded: dict[tuple[str, str], _Record],
    records: dict[tuple[str, str], _Record],
) -> Decide:
    def decide(current: int, severity: Severity | None, at: tuple[int, int]) -> int:
        a1 = f"{_col_letters(at[1])}{at[0]}"
        base = current
        if current in styles.marks:
            base = styles.restore(current, recorded.get((sheet, a1)))
        if severity is None:
            return base
        fills = styles.coll["fills"]
        fill_id = styles.fill_id(base)
        fill = fills.get(fill_id) if fill_id < len(fills) else ""
        records[(sheet, a1)] = _Record(base, fill)
        return styles.marked(base, severity)

    return decide


def _selected(pkg: _Package, part: str) -> bool:
    """Cheap test on the raw bytes: most sheets are not selected and are never decoded."""
    data = pkg.zf.read(part)
    return b"tabSelected" in data


def _targets(findings: Iterable[Finding]) -> dict[str, dict[tuple[int, int], Severity]]:
    targets: dict[str, dict[tuple[int, int], Severity]] = {}
    for f in findings:
        place = _parse_a1(f.cell) if f.sheet and f.cell else None
        if place is None or f.sheet is None:
            continue
        cells = targets.setdefault(f.sheet, {})
        worst = cells.get(place)
        if worst is None or f.severity.rank < worst.rank:
            cells[place] = f.severity
    return targets
