"""汇总.xlsx: the intake summary a finance bureau works from (xlsxwriter, a new workbook).

Sheets: 提交情况 (one row per submission: file, unit, year, verdict, counts, the first three
problems in words, a link to its annotated copy, duplicates and unit/year conflicts), 全部问题
(every finding of every submission, filterable, each cell linked into the annotated copy), 统计
(findings per rule and per unit) and, when some files were not submissions, 未处理的文件.

Row heights are written, not left to the reader: LibreOffice does not re-fit wrapped rows when
it opens a file, so a long problem text would otherwise be cut to one line.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from juesuan import __version__
from juesuan.findings import Finding, Report, Severity, past_cents
from juesuan.i18n import pick

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("部门决算报送校验汇总", "Final accounts intake: summary"),
    "subtitle": (
        "校验时间 {now}　juesuan {version}　共 {total} 份：通过 {pass_} 份，未通过 {fail} 份，"
        "无法读取 {unreadable} 份{ignored}",
        "Checked {now}, juesuan {version}: {total} submission(s), {pass_} passed, {fail} failed, "
        "{unreadable} unreadable{ignored}",
    ),
    "ignored_note": (
        "；另有 {n} 个文件未处理（见「未处理的文件」）",
        "; {n} other file(s) not processed",
    ),
    "submissions": ("提交情况", "Submissions"),
    "findings": ("全部问题", "All findings"),
    "counts": ("统计", "Counts"),
    "ignored": ("未处理的文件", "Not processed"),
    "no": ("序号", "No."),
    "file": ("文件", "File"),
    "unit": ("单位名称", "Unit"),
    "year": ("年度", "Year"),
    "status": ("结论", "Result"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "notices": ("提示", "Notices"),
    "first": ("主要问题（前三条）", "First problems"),
    "copy": ("带注释副本", "Annotated copy"),
    "flags": ("重复 / 冲突", "Duplicates / conflicts"),
    "open": ("打开副本", "Open"),
    "severity": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "name": ("规则名称", "Rule name"),
    "table": ("表", "Table"),
    "sheet": ("工作表", "Sheet"),
    "cell": ("单元格", "Cell"),
    "message": ("问题说明", "Problem"),
    "actual": ("报表数", "Reported"),
    "expected": ("计算数", "Computed"),
    "difference": ("差额", "Difference"),
    "by_rule": ("按规则统计", "Findings per rule"),
    "by_unit": ("按单位统计", "Findings per unit"),
    "count": ("问题数", "Findings"),
    "files": ("涉及文件数", "Files"),
    "submitted": ("文件数", "Files"),
    "reason": ("原因", "Reason"),
    "pass": ("通过", "PASS"),
    "fail": ("未通过", "FAIL"),
    "unreadable": ("无法读取", "UNREADABLE"),
    "no_unit": ("（未识别单位）", "(unit not recognised)"),
    "none": ("未发现问题", "No problems found"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "notice": ("提示", "notice"),
}

_LINE = 16.0  # points per line of 11 pt text (CJK lines are taller than Latin ones)
_BLUE, _GRID = "#1F4E78", "#BFBFBF"


def _w(key: str, lang: str, **kw: object) -> str:
    return pick(_WORDS, key, lang, **kw)


@dataclass(frozen=True)
class Row:
    """One submission as the summary shows it."""

    report: Report
    copy: str | None  # the annotated copy, relative to the summary workbook
    flags: tuple[str, ...] = ()  # duplicate / conflict notes, already in the output language
    no_copy: str | None = None  # why a readable submission has no annotated copy


def first_problems(report: Report, lang: str, n: int = 3) -> str:
    """The first `n` problems in words, errors first, one per line."""
    findings = report.sorted_findings()
    if not findings:
        return _w("none", lang)
    lines = [f"{i}. {_where(f)}{f.text(lang)}" for i, f in enumerate(findings[:n], start=1)]
    if len(findings) > n:
        more = len(findings) - n
        lines.append(f"……另有 {more} 条" if lang != "en" else f"… {more} more")
    return "\n".join(lines)


def _where(f: Finding) -> str:
    return f"[{f.sheet}!{f.cell}] " if f.sheet and f.cell else ""


def _width(text: str) -> int:
    """Column-width units: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _height(cells: Sequence[tuple[str, float]]) -> float | None:
    """Points for a row whose wrapped cells (text, column width) need more than one line."""
    lines = max(
        (
            sum(max(1, math.ceil(_width(part) / max(width - 1.5, 1))) for part in text.split("\n"))
            for text, width in cells
        ),
        default=1,
    )
    return lines * _LINE + 4 if lines > 1 else None


class _Book:
    """The workbook and its formats."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        # in_memory: the sheets' XML is assembled in memory rather than in one temporary file
        # per sheet; the summary is written after the last file, so its time is the user's wait
        # (200 submissions: 84 -> 39 ms wall, 24 -> 21 ms CPU, on this machine's disk)
        self.wb: Any = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_urls": False, "in_memory": True}
        )
        body = {"border": 1, "border_color": _GRID, "valign": "top"}
        add = self.wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": _BLUE})
        self.sub = add({"font_color": "#404040"})
        self.th = add(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": _BLUE,
                "border": 1,
                "border_color": _GRID,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.text = add({**body, "text_wrap": True})
        self.center = add({**body, "align": "center"})
        self.number = add({**body, "num_format": "#,##0.00"})
        self.exact = add(body)  # General: every decimal of an amount past cents
        self.link = add({**body, "font_color": "#0563C1", "underline": 1, "text_wrap": True})
        self.flag = add({**body, "text_wrap": True, "bg_color": "#FFF2CC"})
        self.status = {
            "pass": add({**body, "bold": True, "align": "center", "font_color": "#00703C",
                         "bg_color": "#E2EFDA"}),
            "fail": add({**body, "bold": True, "align": "center", "font_color": "#FFFFFF",
                         "bg_color": "#C00000"}),
            "unreadable": add({**body, "bold": True, "align": "center", "font_color": "#FFFFFF",
                               "bg_color": "#7F7F7F"}),
        }  # fmt: skip
        self.severity = {
            Severity.ERROR: self.status["fail"],
            Severity.WARNING: add({**body, "bold": True, "align": "center", "font_color": "#3F3000",
                                   "bg_color": "#FFC000"}),
            Severity.NOTICE: add({**body, "bold": True, "align": "center", "font_color": _BLUE,
                                  "bg_color": "#BDD7EE"}),
        }  # fmt: skip

    def sheet(self, name: str, widths: Sequence[float]) -> Any:
        ws = self.wb.add_worksheet(name)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer("&C&A — &P / &N")
        return ws

    def header(self, ws: Any, row: int, labels: Sequence[str]) -> None:
        ws.set_row(row, 2 * _LINE + 4 if any(_width(x) > 12 for x in labels) else None)
        for col, label in enumerate(labels):
            ws.write_string(row, col, label, self.th)
        ws.repeat_rows(row)
        ws.freeze_panes(row + 1, 0)


def write(
    path: Path,
    rows: Sequence[Row],
    ignored: Sequence[tuple[str, str]],
    *,
    lang: str = "zh",
    now: datetime,
) -> None:
    """Write the summary workbook to `path` (replaced if it exists)."""
    book = _Book(path)
    _submissions(book, rows, len(ignored), lang, now)
    _findings(book, rows, lang)
    _counts(book, rows, lang)
    if ignored:
        _ignored(book, ignored, lang)
    book.wb.close()


_SUBMISSION_WIDTHS = (6, 34, 26, 7, 9, 6, 6, 6, 64, 11, 36)


def _submissions(book: _Book, rows: Sequence[Row], ignored: int, lang: str, now: datetime) -> None:
    ws = book.sheet(_w("submissions", lang), _SUBMISSION_WIDTHS)
    statuses = Counter(r.report.status for r in rows)
    ws.write_string(0, 0, _w("title", lang), book.title)
    ws.set_row(0, 24)
    ws.write_string(
        1,
        0,
        _w(
            "subtitle",
            lang,
            now=now.strftime("%Y-%m-%d %H:%M"),
            version=__version__,
            total=len(rows),
            pass_=statuses["pass"],
            fail=statuses["fail"],
            unreadable=statuses["unreadable"],
            ignored=_w("ignored_note", lang, n=ignored) if ignored else "",
        ),
        book.sub,
    )
    keys = ("no", "file", "unit", "year", "status", "errors", "warnings", "notices", "first",
            "copy", "flags")  # fmt: skip
    head = 3
    book.header(ws, head, [_w(k, lang) for k in keys])
    for i, row in enumerate(rows, start=1):
        r = head + i
        report = row.report
        problems = first_problems(report, lang)
        flags = "\n".join(row.flags)
        ws.write_number(r, 0, i, book.center)
        _submission(ws, r, 1, report, book)
        ws.write_string(r, 4, _w(report.status, lang), book.status[report.status])
        for col, severity in ((5, Severity.ERROR), (6, Severity.WARNING), (7, Severity.NOTICE)):
            ws.write_number(r, col, report.count(severity), book.center)
        ws.write_string(r, 8, problems, book.text)
        if row.copy:
            # the text, not the long file name: LibreOffice never wraps a hyperlink cell
            ws.write_url(r, 9, f"external:{row.copy}", book.link, _w("open", lang), row.copy)
        elif row.no_copy:
            ws.write_string(r, 9, row.no_copy, book.flag)
        else:
            ws.write_blank(r, 9, None, book.text)
        ws.write_string(r, 10, flags, book.flag if flags else book.text)
        ws.set_row(
            r,
            _height(
                [
                    (report.file, 34),
                    (report.unit_name or "", 26),
                    (problems, 64),
                    (row.no_copy or "", 11),
                    (flags, 36),
                ]
            ),
        )
    ws.autofilter(head, 0, head + max(len(rows), 1), len(keys) - 1)
    ws.activate()


_FINDING_WIDTHS = (30, 24, 7, 7, 8, 22, 5, 22, 8, 60, 12, 12, 10)


def _findings(book: _Book, rows: Sequence[Row], lang: str) -> None:
    ws = book.sheet(_w("findings", lang), _FINDING_WIDTHS)
    keys = ("file", "unit", "year", "severity", "rule", "name", "table", "sheet", "cell",
            "message", "actual", "expected", "difference")  # fmt: skip
    book.header(ws, 0, [_w(k, lang) for k in keys])
    r = 0
    for row in rows:
        report = row.report
        for f in report.sorted_findings():
            r += 1
            _submission(ws, r, 0, report, book)
            ws.write_string(r, 3, _w(f.severity.value, lang), book.severity[f.severity])
            ws.write_string(r, 4, f.code, book.center)
            ws.write_string(r, 5, f.name, book.text)
            ws.write_string(r, 6, f.table or "", book.center)
            ws.write_string(r, 7, f.sheet or "", book.text)
            if row.copy and f.sheet and f.cell:
                target = f"external:{row.copy}#'{f.sheet.replace(chr(39), chr(39) * 2)}'!{f.cell}"
                ws.write_url(r, 8, target, book.link, f.cell)
            else:
                ws.write_string(r, 8, f.cell or "", book.center)
            ws.write_string(r, 9, f.text(lang), book.text)
            for col, value in ((10, f.actual), (11, f.expected), (12, f.difference)):
                _amount(ws, r, col, value, book)
            ws.set_row(
                r,
                _height([(report.file, 30), (report.unit_name or "", 24), (f.text(lang), 60)]),
            )
    ws.autofilter(0, 0, max(r, 1), len(keys) - 1)


def _submission(ws: Any, r: int, c: int, report: Report, book: _Book) -> None:
    """Which submission a row is about: its file, unit and year from column `c` on."""
    ws.write_string(r, c, report.file, book.text)
    ws.write_string(r, c + 1, report.unit_name or "", book.text)
    if report.year is not None:
        ws.write_number(r, c + 2, report.year, book.center)
    else:
        ws.write_blank(r, c + 2, None, book.center)


def _amount(ws: Any, r: int, c: int, value: Decimal | None, book: _Book) -> None:
    if value is None:
        ws.write_blank(r, c, None, book.number)
    else:
        ws.write_number(r, c, float(value), book.exact if past_cents(value) else book.number)


def _counts(book: _Book, rows: Sequence[Row], lang: str) -> None:
    from juesuan.rules import RULES

    ws = book.sheet(_w("counts", lang), (32, 28, 10, 10, 10, 10, 10))
    # by code and the severity found (a rounding difference makes an error rule a notice)
    findings: Counter[tuple[str, Severity]] = Counter()
    files: dict[tuple[str, Severity], set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for f in row.report.findings:
            findings[(f.code, f.severity)] += 1
            files[(f.code, f.severity)].add(i)
    ws.write_string(0, 0, _w("by_rule", lang), book.title)
    book.header(ws, 1, [_w(k, lang) for k in ("rule", "name", "severity", "count", "files")])
    r = 1
    for code, severity in sorted(findings, key=lambda k: (k[1].rank, -findings[k], k[0])):
        r += 1
        rule = RULES.get(code)
        ws.write_string(r, 0, code, book.center)
        ws.write_string(r, 1, rule.name if rule else "", book.text)
        ws.write_string(r, 2, _w(severity.value, lang), book.severity[severity])
        ws.write_number(r, 3, findings[(code, severity)], book.center)
        ws.write_number(r, 4, len(files[(code, severity)]), book.center)
    r += 2
    ws.write_string(r, 0, _w("by_unit", lang), book.title)
    r += 1
    unit_keys = ("unit", "submitted", "fail", "unreadable", "errors", "warnings", "notices")
    for col, key in enumerate(unit_keys):
        ws.write_string(r, col, _w(key, lang), book.th)
    units: dict[str, list[Report]] = defaultdict(list)
    for row in rows:
        units[row.report.unit_name or _w("no_unit", lang)].append(row.report)
    for unit in sorted(units):
        reports = units[unit]
        r += 1
        values = (
            len(reports),
            sum(rep.status == "fail" for rep in reports),
            sum(rep.status == "unreadable" for rep in reports),
            sum(rep.count(Severity.ERROR) for rep in reports),
            sum(rep.count(Severity.WARNING) for rep in reports),
            sum(rep.count(Severity.NOTICE) for rep in reports),
        )
        ws.write_string(r, 0, unit, book.text)
        for col, value in enumerate(values, start=1):
            ws.write_number(r, col, value, book.center)
        ws.set_row(r, _height([(unit, 32)]))


def _ignored(book: _Book, ignored: Sequence[tuple[str, str]], lang: str) -> None:
    ws = book.sheet(_w("ignored", lang), (50, 80))
    book.header(ws, 0, [_w("file", lang), _w("reason", lang)])
    for r, (key, reason) in enumerate(ignored, start=1):
        ws.write_string(r, 0, key, book.text)
        ws.write_string(r, 1, reason, book.text)
        ws.set_row(r, _height([(key, 50), (reason, 80)]))
    ws.autofilter(0, 0, len(ignored), 1)
