"""The one function every front end calls: a workbook in, a report out."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from juesuan.findings import Report
from juesuan.io.problems import InputProblem
from juesuan.rules import finding
from juesuan.tables import Workbook

if TYPE_CHECKING:
    from juesuan.io.package_scan import Limits
    from juesuan.validators.extra import ExtraRules


def report_for(wb: Workbook, file: str | None = None, extra: ExtraRules | None = None) -> Report:
    """Structure findings of the reader plus the identities within and across tables (and a
    bureau's own rules, `extra`)."""
    from juesuan.validators.engine import check_identities

    findings, skipped = check_identities(wb, extra=extra.rules if extra else ())
    # ST104 says a table in another unit was converted; when ST112 finds its unit line wrong,
    # "converted" would mislead: ST112 says what is wrong at the same cell
    misread = {f.table for f in findings if f.code == "ST112"}
    reader = [f for f in wb.findings if not (f.code == "ST104" and f.table in misread)]
    return Report(
        file=file or str(wb.path),
        edition=wb.edition.year,
        unit_name=wb.unit_name,
        year=wb.year,
        currency_unit=wb.currency_unit,
        tables=[t.info() for t in sorted(wb.tables.values(), key=lambda t: t.key)],
        findings=[*reader, *findings],
        skipped=skipped,
    )


def unreadable(file: str, problem: InputProblem) -> Report:
    return Report(
        file=file,
        unreadable=True,
        findings=[finding(problem.code, problem.zh, problem.en, place="file")],
    )


def validate_path(
    path: Path | str,
    extra: ExtraRules | None = None,
    *,
    limits: Limits | None = None,
    file: str | None = None,
) -> Report:
    """Read and check one file. Unusable input gives an `unreadable` report, never an exception.
    `limits`: the package scan's (a batch sets its own); `file`: the name the report gives
    (default: the path)."""
    from juesuan.read import read_workbook

    # As in the reader (read.tables_from_grids): the checks make thousands of small objects
    # and no cycles worth collecting meanwhile; with pandas loaded each collection re-walks a
    # large heap (~1 ms of a typical workbook's validation). Collected as usual afterwards.
    # try/finally, not a contextmanager: InputProblem is frozen (see read.py).
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            wb = read_workbook(path, limits=limits)
        except InputProblem as problem:
            return unreadable(file or str(path), problem)
        return report_for(wb, file or str(path), extra)
    finally:
        if enabled:
            gc.enable()
