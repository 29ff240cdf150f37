"""Marks on the offending cells: a fill by severity and a note with the message.

Re-clicking must leave no trace of the previous run and lose nothing of the accountant's own
formatting. Every engine can write fills, but not every one can read them back (xlwings'
remote engine cannot), so the fill a cell had before juesuan marked it is recorded in hidden
columns of the 校验结果 sheet (`juesuan.addin.live.RECORD_HEADERS`) and given back on the next
run. Where the fill could not be read it is recorded as unknown and the cell gets no fill back.
A note is only ever added where the cell had none, and only juesuan's own notes are removed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from juesuan.addin.live import NO_FILL, UNKNOWN_FILL, MarkRecord
from juesuan.findings import Finding
from juesuan.io.annotate import MARK_FILLS
from juesuan.io.grid import parse_a1

# "#RRGGBB" as xlwings writes it; the same colours as the annotated copy of the CLI.
MARK_COLORS = {severity: "#" + argb[2:].upper() for severity, argb in MARK_FILLS.items()}
# A cell whose only warnings the accountant has explained: done with, but still findable.
EXPLAINED_COLOR = "#E2EFDA"
_OURS = frozenset([*MARK_COLORS.values(), EXPLAINED_COLOR])
_log = logging.getLogger("juesuan.addin")


@dataclass
class MarkResult:
    records: dict[tuple[str, str], MarkRecord] = field(default_factory=dict)
    marked: int = 0
    restored: int = 0
    skipped_notes: int = 0  # cells that already had a note of the accountant's
    failed: int = 0  # fills or notes the engine refused (e.g. a protected sheet)


def targets(findings: Iterable[Finding], sheets: set[str]) -> dict[tuple[str, str], list[Finding]]:
    """(sheet, A1) → the findings placed there, worst first; only cells of existing sheets."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in sheets and f.cell and ":" not in f.cell:
            found.setdefault((f.sheet, f.cell.replace("$", "").upper()), []).append(f)
    for group in found.values():
        group.sort(key=lambda f: f.severity.rank)
    return found


def apply_marks(
    book: Any,
    wanted: dict[tuple[str, str], list[Finding]],
    earlier: dict[tuple[str, str], MarkRecord],
    explained: frozenset[str] = frozenset(),
    lang: str = "zh",
) -> MarkResult:
    """Give cells marked earlier their fill back, remove juesuan's notes, mark `wanted`.

    A cell the engine refuses to change (a protected sheet; a client without notes) is logged
    and counted, never fatal: the 校验结果 sheet still lists every finding. A mark that could
    not be taken off stays in the record, so the next run tries again."""
    result = MarkResult()
    sheets = {s.name: s for s in book.sheets}
    for key, record in sorted(earlier.items(), key=_order):
        sheet = sheets.get(key[0])
        if sheet is None or parse_a1_safe(key[1]) is None:
            continue
        try:
            _unmark(sheet.range(key[1]), record, again=key in wanted, result=result)
        except Exception:  # engine errors differ per platform (COM, AppleScript, remote)
            _log.warning("无法撤销 %s!%s 的标记", *key, exc_info=True)
            if key not in wanted:
                result.records[key] = record
                result.failed += 1
    for key, group in sorted(wanted.items(), key=_order):
        cell = sheets[key[0]].range(key[1])
        before = earlier.get(key)
        try:
            fill = _original_fill(cell, before)
            cell.color = mark_color(group, explained)
        except Exception:
            _log.warning("无法给 %s!%s 标色", *key, exc_info=True)
            if before is not None:
                result.records[key] = before
            result.failed += 1
            continue
        result.records[key] = MarkRecord(fill, False)
        result.marked += 1
        try:
            if cell.note is None:
                cell.add_note(_note_text(group, lang))
                result.records[key] = MarkRecord(fill, True)
            else:
                result.skipped_notes += 1
        except Exception:
            _log.warning("无法给 %s!%s 加批注", *key, exc_info=True)
            result.failed += 1
    return result


def _unmark(cell: Any, record: MarkRecord, *, again: bool, result: MarkResult) -> None:
    if record.note and cell.note is not None:
        cell.note.delete()
    # A cell marked again keeps the recorded original fill; the mark goes on below.
    if not again and _restore_fill(cell, record.fill):
        result.restored += 1


def _order(item: tuple[tuple[str, str], object]) -> tuple[str, tuple[int, int]]:
    (sheet, a1), _ = item
    return sheet, parse_a1_safe(a1) or (0, 0)


_A1 = re.compile(r"[A-Z]{1,3}[0-9]{1,7}")


def parse_a1_safe(a1: str) -> tuple[int, int] | None:
    """(row, col) of a plain A1 reference; None for anything else (a damaged record)."""
    return parse_a1(a1) if _A1.fullmatch(a1) else None


def _original_fill(cell: Any, before: MarkRecord | None) -> str:
    """The fill to give the cell back later: "#RRGGBB", NO_FILL or UNKNOWN_FILL.

    Where the engine can read fills, what the cell shows now wins unless it is a juesuan mark
    (the accountant may have recoloured it since the last run); then the earlier record does.
    The remote engine cannot read fills (NotImplementedError): the record, else unknown."""
    try:
        color = cell.color
    except NotImplementedError:
        return before.fill if before is not None else UNKNOWN_FILL
    if color is None:
        return NO_FILL
    hexed = _hex(color)
    if hexed in _OURS:  # juesuan's own mark; without a record (sheet deleted) it had none
        return before.fill if before is not None else NO_FILL
    return hexed


def _restore_fill(cell: Any, fill: str) -> bool:
    """Give the cell its recorded fill back, unless it no longer shows a juesuan mark (the
    accountant recoloured it since). Where formats cannot be read the mark is assumed."""
    try:
        now = cell.color
    except NotImplementedError:
        now = ...
    if now is not ... and (now is None or _hex(now) not in _OURS):
        return False
    cell.color = None if fill in (NO_FILL, UNKNOWN_FILL) else fill
    return True


def _hex(color: Any) -> str:
    if isinstance(color, str):
        return color.upper() if color.startswith("#") else "#" + color.upper()
    r, g, b = color
    return f"#{int(r):02X}{int(g):02X}{int(b):02X}"


def _note_text(group: list[Finding], lang: str) -> str:
    """The note: every message placed on the cell, worst first, with its rule code."""
    lines = []
    for f in group:
        severity = f.severity.value if lang == "en" else f.severity.zh
        lines.append(f"[{severity} {f.code}] {f.text(lang)}")
    header = "juesuan：" if lang != "en" else "juesuan: "
    return header + "\n".join(lines)


def mark_color(group: list[Finding], explained: frozenset[str]) -> str:
    """By the worst finding still open on the cell; explained warnings no longer count."""
    open_ = [f for f in group if f.fingerprint not in explained]
    return MARK_COLORS[open_[0].severity] if open_ else EXPLAINED_COLOR
