"""Progress on stderr: a rich bar (files done / total, elapsed, problems so far) on a terminal,
one plain line per file otherwise (a log, a CI job, a pipe)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from typing import Any, TextIO

from juesuan.findings import Severity
from juesuan.i18n import t
from juesuan.intake.batch import Entry

_STATUS_STYLE = {"pass": "green", "fail": "bold red", "unreadable": "bold magenta"}


def _so_far(counts: Counter[str], lang: str) -> str:
    if lang == "en":
        return f"{counts['fail']} failed, {counts['unreadable']} unreadable"
    return f"未通过 {counts['fail']} · 无法读取 {counts['unreadable']}"


class PlainProgress:
    def __init__(self, lang: str, stream: TextIO | None = None) -> None:
        self.lang = lang
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.counts: Counter[str] = Counter()

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, entry: Entry) -> None:
        self.done += 1
        report = entry.report
        self.counts[report.status] += 1
        width = len(str(self.total))
        detail = ""
        if report.unreadable and report.findings:
            detail = " — " + report.findings[0].text(self.lang)
        elif report.status == "fail":
            detail = " — " + t(
                "summary",
                self.lang,
                errors=report.count(Severity.ERROR),
                warnings=report.count(Severity.WARNING),
                notices=report.count(Severity.NOTICE),
            )
        print(
            f"[{self.done:>{width}}/{self.total}] {t(report.status, self.lang)} "
            f"{report.file}{detail}",
            file=self.stream,
            flush=True,
        )

    def stop(self) -> None:
        pass


class RichProgress:
    def __init__(self, lang: str, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.lang = lang
        self.counts: Counter[str] = Counter()
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[so_far]}"),
            console=console,
            transient=False,
        )
        self.task: Any = None

    def start(self, total: int) -> None:
        label = "校验" if self.lang != "en" else "Checking"
        self.task = self.progress.add_task(
            label, total=total, so_far=_so_far(self.counts, self.lang)
        )
        self.progress.start()

    def advance(self, entry: Entry) -> None:
        status = entry.report.status
        self.counts[status] += 1
        if status != "pass":
            style = _STATUS_STYLE[status]
            self.progress.console.print(
                f"[{style}]{t(status, self.lang)}[/] {entry.report.file}", highlight=False
            )
        self.progress.update(self.task, advance=1, so_far=_so_far(self.counts, self.lang))

    def stop(self) -> None:
        self.progress.stop()


def progress_for(lang: str) -> PlainProgress | RichProgress:
    # rich decides from these and isatty(); without them and a terminal it would say no, and
    # importing it for that costs the parent ~10 ms while the workers start
    if not sys.stderr.isatty() and not {"FORCE_COLOR", "TTY_COMPATIBLE"} & os.environ.keys():
        return PlainProgress(lang)
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    if console.is_terminal:
        return RichProgress(lang, console)
    return PlainProgress(lang)
