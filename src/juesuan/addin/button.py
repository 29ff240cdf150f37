"""What the 校验 button does, from the workbook Excel hands over to the message it shows.

1. read every sheet's values (and an earlier 校验结果 sheet) through xlwings;
2. find the nine tables and validate them with the same core as the CLI;
3. give the cells marked by the previous run their fill back and remove juesuan's notes;
4. mark the offending cells, replace the 校验结果 sheet, carry the 说明 over by fingerprint;
5. activate the sheet and say how many errors and warnings there are.

A workbook without any of the nine tables is left exactly as it was. Whatever goes wrong
inside reaches the accountant as one short Chinese message with the path of a log file that
holds the details (a traceback dialog means nothing to an accountant).
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from juesuan.findings import Report, Severity

TITLE = "决算校验"
_LOG_NAME = "addin.log"
_LOG_LIMIT = 1_000_000  # bytes; the log is rotated once beyond this


@dataclass(frozen=True)
class Outcome:
    """What a click did, for the message and for tests."""

    message: str
    report: Report | None = None
    sheet: str | None = None
    marked: int = 0
    restored: int = 0
    seconds: float = 0.0


def click(book: Any = None) -> Outcome | None:
    """Run the button on `book` (default: the workbook Excel called from). Never raises."""
    log = _logger()
    started = time.perf_counter()
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        outcome = validate_book(book)
    except Exception as exc:
        log.error("校验失败 / failed:\n%s", traceback.format_exc())
        message = (
            f"校验没有完成：{_short(exc)}。\n详细信息已写入日志文件：\n{log_path()}\n"
            "如需帮助，请把这个文件发给技术支持。"
        )
        _tell(book, message, error=True)
        return None
    seconds = time.perf_counter() - started
    log.info("%s: %s (%.2f s)", _book_name(book), outcome.message.replace("\n", " "), seconds)
    _tell(book, outcome.message, error=False)
    return replace(outcome, seconds=seconds)


def validate_book(book: Any, *, lang: str = "zh", now: datetime | None = None) -> Outcome:
    """Steps 1–5 without the message box. Raises on bugs (the caller logs them)."""
    from juesuan.addin.live import read_book
    from juesuan.addin.marks import apply_marks, targets
    from juesuan.addin.result_sheet import (
        add_result_sheet,
        explained_warnings,
        write_result_sheet,
    )
    from juesuan.io.problems import InputProblem
    from juesuan.read import tables_from_grids
    from juesuan.validate import report_for

    live = read_book(book)
    name = _book_name(book)
    try:
        wb = tables_from_grids(Path(name), live.grids)
    except InputProblem as problem:  # no 决算 tables (or an empty workbook): change nothing
        return Outcome(f"{problem.zh}。\n工作簿没有任何改动。")
    report = report_for(wb, name)
    wanted = targets(report.findings, {g.name for g in live.grids})
    explained = frozenset(explained_warnings(report, live.earlier.notes))
    book.app.screen_updating = False  # one repaint at the end, not one per cell
    try:
        for old in live.earlier.sheets:
            book.sheets[old].delete()
        sheet = add_result_sheet(book, lang)
        marks = apply_marks(book, wanted, live.earlier.marks, explained, lang)
        written = write_result_sheet(
            sheet, report, live.earlier.notes, marks.records, lang=lang, now=now
        )
    finally:
        book.app.screen_updating = True
    return Outcome(
        summary(report, written.explained, written.sheet, marks.failed),
        report,
        written.sheet,
        marks.marked,
        marks.restored,
    )


def summary(report: Report, explained: int, sheet: str, failed: int = 0) -> str:
    """`发现 2 个错误、1 个警告` and where to look."""
    errors = report.count(Severity.ERROR)
    warnings = report.count(Severity.WARNING) - explained
    notices = report.count(Severity.NOTICE)
    if not errors and not warnings and not notices and not explained:
        return f"未发现问题。\n结果见「{sheet}」工作表。"
    parts = [f"{errors} 个错误", f"{warnings} 个警告"]
    if notices:
        parts.append(f"{notices} 个提示")
    text = "发现 " + "、".join(parts)
    if explained:
        text += f"（另有 {explained} 个警告已说明）"
    text = f"{text}。\n有问题的单元格已标色并加批注，逐条说明见「{sheet}」工作表。"
    if failed:
        text += f"\n另有 {failed} 处未能标色或加批注（工作表可能受保护），这些问题同样列在其中。"
    return text


def _tell(book: Any, message: str, *, error: bool) -> None:
    """A message box in Excel. Without a workbook to show it in, the text goes to stderr and
    the process ends non-zero, which makes xlwings' VBA show that text (and only that)."""
    try:
        if book is None:
            raise RuntimeError("no workbook")
        book.app.alert(message, title=TITLE, buttons="ok", mode="critical" if error else "info")
    except Exception:
        _logger().error("无法显示消息 / cannot show the message:\n%s", traceback.format_exc())
        if error:
            sys.exit(message)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:117] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _book_name(book: Any) -> str:
    try:
        return str(book.name)
    except Exception:
        return "?"


# ── the log file ────────────────────────────────────────────────────────────────────────────


def log_path() -> Path:
    """Where the add-in writes its log: JUESUAN_LOG_DIR, else the platform's usual place."""
    override = os.environ.get("JUESUAN_LOG_DIR")
    if override:
        folder = Path(override)
    elif sys.platform.startswith("win"):
        folder = Path(os.environ.get("LOCALAPPDATA") or Path.home()) / "juesuan"
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Logs" / "juesuan"
    else:
        folder = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        folder = folder / "juesuan"
    return folder / _LOG_NAME


def _logger() -> logging.Logger:
    log = logging.getLogger("juesuan.addin")
    path = log_path()
    if any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        return log
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    handler: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > _LOG_LIMIT:
            path.replace(path.with_suffix(".log.1"))
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # never to stderr: xlwings shows stderr as an error dialog on macOS
    return log
