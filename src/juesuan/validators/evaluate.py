"""What every rule runner shares: the workbook view, the findings, and the skip log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from juesuan.findings import Finding, Related, Severity, Skipped
from juesuan.rules import finding
from juesuan.tables import Table, Workbook
from juesuan.validators.interval import Relation, Status, Term, compare
from juesuan.validators.messages import identity_texts
from juesuan.validators.rulebook import RuleInfo
from juesuan.validators.view import Cell, Unavailable, WorkbookView


@dataclass
class _Reason:
    zh: str
    en: str
    cells: list[str] = field(default_factory=list)  # unknown cells, listed once each


class SkipLog:
    """One Skipped entry per rule and table, however many instances could not be evaluated:
    a missing table must read as one line, not as a cascade."""

    def __init__(self) -> None:
        self._reasons: dict[tuple[str, str | None], dict[str, _Reason]] = {}

    def add(self, code: str, table: str | None, why: Unavailable) -> None:
        kinds = self._reasons.setdefault((code, table), {})
        reason = kinds.setdefault(why.kind, _Reason(why.zh, why.en))
        if why.cell and why.cell not in reason.cells:
            reason.cells.append(why.cell)

    def entries(self) -> list[Skipped]:
        out: list[Skipped] = []
        for (code, table), kinds in self._reasons.items():
            zh: list[str] = []
            en: list[str] = []
            for r in kinds.values():
                more = len(r.cells) > 1
                zh.append(
                    r.zh + (f"（共 {len(r.cells)} 处：{'、'.join(r.cells)}）" if more else "")
                )
                en.append(r.en + (f" ({len(r.cells)} cells: {', '.join(r.cells)})" if more else ""))
            out.append(Skipped(code, table, "；".join(zh), "; ".join(en)))
        return out


def _term(cell: Cell, weight: int) -> Term:
    a = cell.amount
    return Term(a.zero_if_blank, a.decimals, weight, exact=a.value is None)


class Context:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.view = WorkbookView(wb)
        self.findings: list[Finding] = []
        self.skips = SkipLog()
        self._blank: dict[str, bool] = {}

    def unit(self, table: Table) -> str:
        return table.unit or self.wb.currency_unit or self.wb.edition.currency_unit

    def blank(self, table: Table) -> bool:
        """Every amount blank or zero and none unknown: every identity holds trivially, so the
        published empty T8/T9 are passed over without a line of output."""
        if table.key not in self._blank:
            amounts = [
                a for s in table.sections.values() for r in s.rows for a in r.values.values()
            ]
            self._blank[table.key] = table.empty and not any(a.unknown for a in amounts)
        return self._blank[table.key]

    def skip(self, info: RuleInfo, table: str | None, why: Unavailable) -> None:
        self.skips.add(info.code, table, why)

    def judge(
        self,
        info: RuleInfo,
        total: Cell,
        items: Sequence[tuple[int, Cell]],
        relation: Relation,
    ) -> None:
        """Compare a total with its items in the interval model; record what does not hold."""
        outcome = compare(_term(total, 1), [_term(c, w) for w, c in items], relation)
        if outcome.status is Status.PASS:
            return
        severity = info.severity if outcome.status is Status.FAIL else Severity.NOTICE
        texts = identity_texts(total, items, outcome, relation, self.unit(total.table))
        self.findings.append(
            finding(
                info.code,
                texts.zh,
                texts.en,
                severity=severity,
                table=total.table.key,
                sheet=total.amount.sheet,
                cell=total.amount.cell,
                row=total.row.label,
                column=total.column_label,
                expected=outcome.expected,
                actual=outcome.actual,
                difference=outcome.difference,
                tolerance=outcome.tolerance,
                related=tuple(
                    Related(c.amount.sheet, c.amount.cell, c.amount.value, c.label)
                    for _, c in items
                ),
                place=f"{info.code}|{total.section.key}|{total.row.key}|{total.column}",
            )
        )
