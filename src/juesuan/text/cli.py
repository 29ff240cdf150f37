"""The text options of `juesuan validate` (--text, --text-sheet, --prior, --verbose), kept
here so that cli.py only wires them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from juesuan.findings import Report

if TYPE_CHECKING:
    from juesuan.validators.extra import ExtraRules

EXIT_UNUSABLE = 2


def run_text(
    workbook: Path | None,
    text: Path | None,
    sheet: str | None,
    prior: Path | None,
    verbose: bool,
    fmt: str,
    lang: str,
    extra: ExtraRules | None = None,
) -> Report:
    """The report of the workbook and its text; on an unusable text or prior workbook, one
    line on stderr and exit 2."""
    from juesuan.text.run import validate_with_text, verbose_lines
    from juesuan.text.source import TextProblem

    try:
        report, result = validate_with_text(
            workbook, text, sheet, prior, extra, verbose=verbose and fmt == "json", lang=lang
        )
    except TextProblem as problem:
        click.echo(problem.message(lang), err=True)
        sys.exit(EXIT_UNUSABLE)
    if result is not None and verbose and fmt != "json":
        # on stderr for csv so that stdout stays one clean table
        for line in verbose_lines(result, lang):
            click.echo(line, err=fmt == "csv")
    return report
