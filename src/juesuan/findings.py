"""Findings: one typed record per problem, and the report that collects them for a file.

A finding names its primary cell (sheet + A1), the row and column labels an accountant sees,
the reported and computed values, the difference, the tolerance used, and every contributing
cell. Its fingerprint (rule + table + row key + column key) is stable across re-validation,
so an accountant's explanation can follow it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from juesuan import __version__


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "notice": 2}[self.value]

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "notice": "提示"}[self.value]


def fmt_amount(value: Decimal | None) -> str | None:
    """Exact decimal as a string, as stored (no float, no scientific notation)."""
    if value is None:
        return None
    return format(value, "f")


def past_cents(value: Decimal | None) -> bool:
    """An amount with more than two decimals (425.2349). A workbook's "#,##0.00" would show it
    as 425.23, hiding the very digits a finding may be about, so our outputs show it in full."""
    if value is None or not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent < -2


@dataclass(frozen=True, slots=True)
class Related:
    """A contributing cell: where it is and what it holds."""

    sheet: str
    cell: str
    value: Decimal | str | None
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        value = fmt_amount(self.value) if isinstance(self.value, Decimal) else self.value
        return {"sheet": self.sheet, "cell": self.cell, "value": value, "label": self.label}


@dataclass(frozen=True, slots=True)
class Also:
    """Another check that one and the same wrong cell breaks: reported inside the finding that
    points at that cell (root-cause grouping), so one defect reads as one finding."""

    code: str
    name: str
    sheet: str | None
    cell: str | None
    message: str
    message_en: str

    @classmethod
    def of(cls, f: Finding) -> Also:
        return cls(f.code, f.name, f.sheet, f.cell, f.message, f.message_en)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message_en if lang == "en" else self.message,
        }


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    message_en: str
    table: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Decimal | None = None
    actual: Decimal | None = None
    difference: Decimal | None = None
    tolerance: Decimal | None = None
    related: tuple[Related, ...] = ()
    # What identifies the place independently of where it sits today (row and column keys).
    place: str = ""
    # Findings from the explanation text (情况说明): the section heading, the sentence quoted,
    # its character offset (0-based, in the text as read) and line (1-based).
    text_section: str | None = None
    text_quote: str | None = None
    text_offset: int | None = None
    text_line: int | None = None
    # Other checks the same wrong cell breaks (validators/rootcause.py).
    also: tuple[Also, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """This finding's code and those of the checks it stands for."""
        return (self.code, *(a.code for a in self.also))

    @property
    def fingerprint(self) -> str:
        basis = "|".join((self.code, self.table or "", self.place or f"{self.row}|{self.column}"))
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]

    def text(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message

    def line(self, lang: str = "zh") -> str:
        """One line per finding, for tests and logs: `error ST101 T5 Sheet!C7 message`."""
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or "-")
        if self.text_offset is not None and not self.cell:
            where = f"说明@{self.text_offset}"
        return f"{self.severity.value} {self.code} {self.table or '-'} {where} {self.text(lang)}"

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        out = self._json(lang)
        if self.text_offset is not None:  # only findings from the text carry these keys
            out["text_section"] = self.text_section
            out["text_quote"] = self.text_quote
            out["text_offset"] = self.text_offset
            out["text_line"] = self.text_line
        return out

    def _json(self, lang: str) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.text(lang),
            "table": self.table,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "expected": fmt_amount(self.expected),
            "actual": fmt_amount(self.actual),
            "difference": fmt_amount(self.difference),
            "tolerance": fmt_amount(self.tolerance),
            "related": [r.to_json() for r in self.related],
            "also": [a.to_json(lang) for a in self.also],
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class TableInfo:
    """Where a table was found."""

    key: str
    title: str
    sheet: str
    range: str
    unit: str | None
    year: int | None = None
    empty: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "sheet": self.sheet,
            "range": self.range,
            "unit": self.unit,
            "year": self.year,
            "empty": self.empty,
        }


@dataclass(frozen=True)
class Skipped:
    """A rule that was not applied, and why (a missing or unusable table, a missing column…)."""

    code: str
    table: str | None
    reason: str
    reason_en: str

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        reason = self.reason_en if lang == "en" else self.reason
        return {"code": self.code, "table": self.table, "reason": reason}


@dataclass
class Report:
    file: str
    edition: int | None = None
    unit_name: str | None = None
    year: int | None = None
    currency_unit: str | None = None
    tables: list[TableInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unreadable: bool = False
    # the explanation text checked with the workbook (`--text`): file and coverage
    text: dict[str, Any] | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def status(self) -> str:
        if self.unreadable:
            return "unreadable"
        return "fail" if self.count(Severity.ERROR) else "pass"

    def sorted_findings(self) -> list[Finding]:
        """Errors first, then by table and position: the order an accountant works through."""
        order = {f"T{i}": i for i in range(1, 10)}
        return sorted(
            self.findings,
            key=lambda f: (f.severity.rank, order.get(f.table or "", 99), f.sheet or "", f.code),
        )

    def skipped_lines(self, lang: str = "zh") -> list[str]:
        """One line per reason a check was not run, naming every check it stopped: a missing
        table reads once (console and the 校验结果 sheet)."""
        reasons: dict[str, list[str]] = {}
        for skip in self.skipped:
            reasons.setdefault(skip.reason_en if lang == "en" else skip.reason, []).append(
                skip.code
            )
        sep, colon = (", ", ": ") if lang == "en" else ("、", "：")
        return [f"{sep.join(codes)}{colon}{reason}" for reason, codes in reasons.items()]

    def lines(self, lang: str = "zh") -> list[str]:
        return [f.line(lang) for f in self.sorted_findings()]

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        out = self._json(lang)
        if self.text is not None:
            out["text"] = self.text
        return out

    def _json(self, lang: str) -> dict[str, Any]:
        return {
            "juesuan": __version__,
            "edition": self.edition,
            "file": self.file,
            "unit_name": self.unit_name,
            "year": self.year,
            "currency_unit": self.currency_unit,
            "tables": [t.to_json() for t in self.tables],
            "findings": [f.to_json(lang) for f in self.sorted_findings()],
            "skipped": [s.to_json(lang) for s in self.skipped],
            "summary": {
                "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "notices": self.count(Severity.NOTICE),
                "status": self.status,
            },
        }
