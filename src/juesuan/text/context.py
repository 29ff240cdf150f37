"""What every check of the text works from, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field

from juesuan.findings import Finding
from juesuan.tables import Workbook
from juesuan.text.document import Document
from juesuan.text.extract import Extraction, Figure
from juesuan.text.perf import PerfTable


@dataclass
class Context:
    doc: Document
    x: Extraction
    perf: list[PerfTable]
    wb: Workbook | None = None
    prior: Workbook | None = None
    findings: list[Finding] = field(default_factory=list)
    # checks that could not be made, with the reason (listed by --verbose)
    unchecked: list[tuple[Figure | None, str, str]] = field(default_factory=list)

    def not_checked(self, fig: Figure | None, zh: str, en: str) -> None:
        self.unchecked.append((fig, zh, en))
