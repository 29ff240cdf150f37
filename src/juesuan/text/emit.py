"""Findings of the text: located at a sentence (section heading, quote, offset, line) and,
when a table cell is involved, at that cell too (it is the finding's primary cell, so the
校验结果 sheet links to it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from juesuan.findings import Finding, Related, Severity
from juesuan.rules import finding
from juesuan.tables import Amount, Workbook
from juesuan.text.compare import Result
from juesuan.text.document import Document
from juesuan.text.extract import Figure
from juesuan.validators.interval import Status


@dataclass(frozen=True)
class Cell:
    """A table cell a figure is compared with."""

    table: str  # T1 … T9
    title: str
    sheet: str
    cell: str
    row: str
    column: str
    amount: Amount
    value: Decimal  # in 万元
    half: Decimal
    decimals: int = 2  # decimals of `value` as printed (in 万元)

    def related(self) -> Related:
        return Related(self.sheet, self.cell, self.amount.value, f"{self.row} / {self.column}")

    def zh(self) -> str:
        return f"{self.title} {self.cell}「{self.row} / {self.column}」{fmt(self.value)} "

    def en(self) -> str:
        return f"{self.title} {self.cell} ({self.row} / {self.column}) {fmt(self.value)}"


def fmt(value: Decimal) -> str:
    """Exact, with at least two decimals and no trailing zeros beyond them (580.93, 580.931)."""
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"


def severity_of(result: Result | Status) -> Severity | None:
    status = result if isinstance(result, Status) else result.status
    return {Status.PASS: None, Status.NOTICE: Severity.NOTICE}.get(status)


def quote(fig: Figure, limit: int = 120) -> str:
    s = fig.sentence
    return s if len(s) <= limit else s[: limit - 1] + "…"


def at_text(
    doc: Document,
    code: str,
    zh: str,
    en: str,
    *,
    section: str,
    sentence: str,
    offset: int,
    result: Result | None = None,
    severity: Severity | None = None,
    cell: Cell | None = None,
    related: tuple[Related, ...] = (),
    place: str = "",
) -> Finding:
    fields: dict[str, Any] = {
        "text_section": section,
        "text_quote": sentence if len(sentence) <= 160 else sentence[:159] + "…",
        "text_offset": offset,
        "text_line": doc.line_of(offset),
        "place": f"text|{section}|{place}",
        "related": related,
    }
    if severity is not None:
        fields["severity"] = severity
    if result is not None:
        fields.update(
            expected=result.expected,
            actual=result.actual,
            difference=result.difference,
            tolerance=result.tolerance,
        )
    if cell is not None:
        fields.update(table=cell.table, sheet=cell.sheet, cell=cell.cell, row=cell.row,
                      column=cell.column)  # fmt: skip
    where_zh = f"「{section}」"
    return finding(code, f"{where_zh}{zh}", f"[{section}] {en}", **fields)


def at_figure(doc: Document, code: str, zh: str, en: str, fig: Figure, **kw: Any) -> Finding:
    kw.setdefault("place", f"{fig.kind}|{fig.key}")
    return at_text(doc, code, zh, en, section=fig.section.path, sentence=fig.sentence,
                   offset=fig.start, **kw)  # fmt: skip


def lookup(wb: Workbook | None, ref: tuple[str, str, str, str] | None) -> Cell | None:
    """The cell of (table, section, row, column); None when the workbook, table, row or column
    is not there (the check is then not made: nothing is guessed)."""
    if wb is None or ref is None:
        return None
    table_key, section_key, row_key, column = ref
    table = wb.tables.get(table_key)
    if table is None or not table.usable or section_key not in table.sections:
        return None
    section = table.sections[section_key]
    row = section.row(row_key) or section.by_code(row_key)
    col = section.columns.get(column)
    if row is None or col is None:
        return None
    amount = row.get(column) or Amount(None, table.sheet, f"{col.letter}{row.sheet_row + 1}")
    if amount.unknown:
        return None
    value = amount.zero_if_blank
    half = Decimal(0) if amount.value is None else Decimal(5).scaleb(-(max(amount.decimals, 2) + 1))
    decimals = max(amount.decimals, 2)
    if table.unit == "元":
        value, half, decimals = value.scaleb(-4), half.scaleb(-4), decimals + 4
    return Cell(table_key, table.title, amount.sheet, amount.cell, row.label, col.label, amount,
                value, half, decimals)  # fmt: skip
