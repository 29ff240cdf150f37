"""One intake run: discover, validate in the pool, order, name the copies, flag duplicates,
write the outputs.

Everything written is ordered by the submissions' keys and named from their content (unit
name, original file name), never by completion order, so `--jobs` and the order in which files
were found do not change a byte apart from timestamps. Annotated copies are written by the
workers under a scratch name, with the name a clerk looks for (unit, original file name); here,
in key order, they are moved to it, numbered when two would share it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from juesuan.findings import Report
from juesuan.intake import pool
from juesuan.intake.discover import discover
from juesuan.intake.entries import Ignored, Submission, sha256_of
from juesuan.intake.worker import Checked, Task
from juesuan.io.package_scan import Limits
from juesuan.io.problems import InputProblem
from juesuan.report.summary_workbook import Row

SUMMARY = "汇总.xlsx"
RESULTS, FINDINGS, JUNIT = "results.jsonl", "findings.csv", "junit.xml"
COPIES = {"zh": "带注释副本", "en": "annotated"}
EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


@dataclass(frozen=True)
class Options:
    out: Path
    # the pool's per-file limits, started with them by the caller; the messages name them
    timeout: float = 60.0
    memory_mb: int = 1024
    limits: Limits = field(default_factory=Limits)
    lang: str = "zh"
    rules: tuple[Path, ...] = ()  # a bureau's own rule files, already checked


@dataclass
class Entry:
    """One submission and what became of it."""

    submission: Submission
    report: Report
    sha256: str | None = None  # of the submitted bytes
    copy: str | None = None  # path of the annotated copy, relative to the output folder
    copy_name: str | None = None  # its name before de-duplication
    copy_format: str | None = None
    note: str | None = None
    duplicates: list[str] = field(default_factory=list)  # keys of identical submissions
    same_unit_year: list[str] = field(default_factory=list)  # other files, same unit and year
    seconds: float = 0.0


@dataclass
class Outcome:
    entries: list[Entry]
    ignored: list[Ignored]
    started: datetime
    seconds: float

    def summary_line(self, lang: str, summary: Path) -> str:
        statuses = Counter(e.report.status for e in self.entries)
        if lang == "en":
            return (
                f"{len(self.entries)} submission(s): {statuses['pass']} passed, "
                f"{statuses['fail']} failed, {statuses['unreadable']} unreadable; "
                f"{len(self.ignored)} other file(s) not processed; {self.seconds:.1f} s. "
                f"Summary: {summary}"
            )
        return (
            f"共 {len(self.entries)} 份：通过 {statuses['pass']}，未通过 {statuses['fail']}，"
            f"无法读取 {statuses['unreadable']}；未处理的其他文件 {len(self.ignored)} 个；"
            f"用时 {self.seconds:.1f} 秒。汇总：{summary}"
        )

    @property
    def exit_code(self) -> int:
        statuses = {e.report.status for e in self.entries}
        if not self.entries or "unreadable" in statuses:
            return EXIT_UNUSABLE
        return EXIT_FINDINGS if "fail" in statuses else EXIT_OK


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self, entry: Entry) -> None: ...
    def stop(self) -> None: ...


def run(paths: Sequence[Path], options: Options, progress: Progress, workers: pool.Pool) -> Outcome:
    """The whole batch. `workers` were started by the caller before anything else, so that
    their imports (~0.4 s) overlap with discovery, hashing and unpacking here."""
    started = datetime.now().astimezone().replace(microsecond=0)
    clock = time.perf_counter()
    out = options.out
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".juesuan-intake-", dir=out))
    try:
        found = discover(paths, out, scratch / "unpacked", options.limits)
        _load_writers()
        entries = _check(found.submissions, scratch / "copies", options, started, progress, workers)
        _flag(entries)
        _place_copies(entries, out, options.lang)
        outcome = Outcome(entries, found.ignored, started, time.perf_counter() - clock)
        write_outputs(outcome, out, options.lang)
        return outcome
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _check(
    subs: list[Submission],
    copies: Path,
    options: Options,
    now: datetime,
    progress: Progress,
    workers: pool.Pool,
) -> list[Entry]:
    """Every submission through the pool; entries in the submissions' (key) order."""
    progress.start(len(subs))
    entries: dict[int, Entry] = {}
    tasks: list[tuple[int, Task]] = []
    for i, sub in enumerate(subs):
        if sub.problem is not None:  # it could not even be taken out of its archive
            entries[i] = Entry(sub, _unreadable(sub.key, sub.problem))
            progress.advance(entries[i])
            continue
        copy_to = copies / f"{i:05d}"
        tasks.append(
            (
                i,
                Task(
                    sub.key,
                    sub.path,
                    sub.name,
                    copy_to,
                    options.lang,
                    now,
                    options.limits,
                    options.rules,
                ),
            )
        )
    # largest first: a big workbook handed out last would keep one worker busy while the
    # others have nothing left (the outputs are in key order whatever the order of work)
    tasks.sort(key=lambda task: -_size(task[1].path))
    try:
        for result in workers.run(tasks):
            sub = subs[result.task]
            if isinstance(result, pool.Done):
                entries[result.task] = _entry(sub, result.value)
            else:
                problem = _lost(sub, result, options)
                # the worker hashes; for a file that cost its worker, the parent does
                sha256 = sha256_of(sub.path, options.limits.max_file_bytes)
                entries[result.task] = Entry(sub, _unreadable(sub.key, problem), sha256)
            progress.advance(entries[result.task])
    finally:
        progress.stop()
    return [entries[i] for i in range(len(subs))]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # the worker says why
        return 0


def _unreadable(key: str, problem: InputProblem) -> Report:
    # imported here: the parent has no other use for juesuan.validate and its imports
    from juesuan.validate import unreadable

    return unreadable(key, problem)


def _entry(sub: Submission, checked: Checked) -> Entry:
    return Entry(
        sub,
        checked.report,
        sha256=checked.sha256,
        copy=str(checked.copy) if checked.copy else None,
        copy_name=checked.copy_name,
        copy_format=checked.copy_format,
        note=checked.note,
        seconds=checked.seconds,
    )


def _lost(sub: Submission, lost: pool.Lost, options: Options) -> InputProblem:
    name = sub.name
    if lost.reason == "timeout":
        return InputProblem(
            "IN110",
            f"{name}：处理超过 {options.timeout:g} 秒仍未完成，已中止（文件可能异常或过于复杂）；"
            "其他文件不受影响",
            f"{name}: processing took over {options.timeout:g} s and was stopped (the file may be "
            "malformed or too complex); other files are not affected",
        )
    if lost.reason == "memory":
        return InputProblem(
            "IN104",
            f"{name}：处理此文件所需内存超过每个进程的上限（{options.memory_mb} MB），已中止",
            f"{name}: processing needed more memory than the per-worker limit "
            f"({options.memory_mb} MB) and was stopped",
        )
    if lost.reason == "crash":
        return InputProblem(
            "IN111",
            f"{name}：处理此文件的工作进程异常退出（{lost.detail}），可能是文件触发了读取程序的缺陷"
            "或超出内存上限；其他文件不受影响",
            f"{name}: the worker processing this file died ({lost.detail}), perhaps a reader "
            "defect the file triggers or the memory limit; other files are not affected",
        )
    return InputProblem(
        "IN111",
        f"{name}：内部错误：{lost.detail}（这不是您的文件的问题，请把此信息报告给 juesuan 开发者）",
        f"{name}: internal error: {lost.detail} (not a problem of your file; please report it)",
    )


def _flag(entries: list[Entry]) -> None:
    """Identical content, and different files claiming the same unit and year."""
    by_hash: dict[str, list[Entry]] = defaultdict(list)
    by_unit: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for e in entries:
        if e.sha256:
            by_hash[e.sha256].append(e)
        if e.report.unit_name and e.report.year:
            by_unit[(e.report.unit_name, e.report.year)].append(e)
    for group in by_hash.values():
        for e in group:
            e.duplicates = [o.submission.key for o in group if o is not e]
    for group in by_unit.values():
        for e in group:
            e.same_unit_year = [o.submission.key for o in group if o.sha256 != e.sha256]


def _place_copies(entries: list[Entry], out: Path, lang: str) -> None:
    folder = out / COPIES.get(lang, COPIES["zh"])
    taken: set[str] = set()
    for e in entries:
        if e.copy is None or e.copy_name is None:
            continue
        if not taken:
            folder.mkdir(parents=True, exist_ok=True)
        name = e.copy_name
        at = name.rfind(".校验")
        stem, suffix = name[:at], name[at:]
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{stem} ({n}){suffix}"
        taken.add(name.lower())
        Path(e.copy).replace(folder / name)
        e.copy = f"{folder.name}/{name}"


def _load_writers() -> None:
    """Import what writes the outputs now, while the workers import theirs, rather than after
    the last file (~15 ms, xlsxwriter most of it)."""
    import xlsxwriter  # noqa: F401

    from juesuan.report import csv_report, junit  # noqa: F401


def write_outputs(outcome: Outcome, out: Path, lang: str) -> None:
    from juesuan.report import csv_report, junit, summary_workbook

    reports = [e.report for e in outcome.entries]
    (out / RESULTS).write_text(
        "".join(json.dumps(_result(e, lang), ensure_ascii=False) + "\n" for e in outcome.entries),
        encoding="utf-8",
    )
    (out / FINDINGS).write_text(csv_report.dumps(reports, lang), encoding="utf-8")
    (out / JUNIT).write_text(
        junit.dumps(
            reports, lang, timestamp=outcome.started, seconds=[e.seconds for e in outcome.entries]
        ),
        encoding="utf-8",
    )
    summary_workbook.write(
        out / SUMMARY,
        [summary_row(e, lang) for e in outcome.entries],
        [(i.key, i.text(lang)) for i in outcome.ignored],
        lang=lang,
        now=outcome.started,
    )


def _result(entry: Entry, lang: str) -> dict[str, object]:
    """The JSON contract object plus an `intake` object (added keys only)."""
    data = entry.report.to_json(lang)
    data["intake"] = {
        "sha256": entry.sha256,
        "annotated_copy": entry.copy,
        "duplicates": entry.duplicates,
        "same_unit_year": entry.same_unit_year,
    }
    return data


def _names(keys: list[str], lang: str, most: int = 3) -> str:
    """Up to `most` names, one per line, and how many more."""
    shown = "\n".join(keys[:most])
    if len(keys) > most:
        more = len(keys) - most
        shown += f"\n……等 {len(keys)} 份" if lang != "en" else f"\n… and {more} more"
    return shown


def summary_row(entry: Entry, lang: str) -> Row:
    flags = []
    if entry.duplicates:
        others = _names(entry.duplicates, lang)
        flags.append(
            f"内容完全相同（重复提交）：\n{others}" if lang != "en" else f"identical to:\n{others}"
        )
    if entry.same_unit_year:
        others = _names(entry.same_unit_year, lang)
        flags.append(
            f"同一单位、年度另有文件：\n{others}"
            if lang != "en"
            else f"same unit and year also in:\n{others}"
        )
    no_copy = entry.note if entry.copy is None and not entry.report.unreadable else None
    return Row(entry.report, entry.copy, tuple(flags), no_copy)
