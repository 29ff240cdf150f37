"""What every rule runner shares: the workbook view, the findings, and the skip log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from juesuan.findings import Finding, Related, Severity, Skipped
from juesuan.rules import finding
from juesuan.tables import Table, Workbook
from juesuan.validators.interval import (
    UNIT_DECIMALS,
    UNIT_EXPONENT,
    Relation,
    Status,
    Term,
    Weight,
    compare,
)
from juesuan.validators.magnitude import FACTORS, Suspect
from juesuan.validators.messages import cross_texts, identity_texts
from juesuan.validators.rootcause import Equation, RootCell
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


def _term(cell: Cell, weight: Weight) -> Term:
    a = cell.amount
    return Term(a.zero_if_blank, a.decimals, weight, exact=a.value is None)


def _converted(cell: Cell, shift: int) -> Cell:
    """A cell restated in a unit 10^shift times coarser: the value exactly (Decimal), and its
    rounding interval with it — ½·10⁻ᵈ of the cell's own unit, i.e. `shift` more decimals."""
    a = cell.amount
    if shift == 0:
        return cell
    value = None if a.value is None else a.value.scaleb(-shift).normalize()
    decimals = max(a.decimals, UNIT_DECIMALS) + shift
    return replace(cell, amount=a._replace(value=value, decimals=decimals))


def _equation(
    found: Finding,
    total: Cell,
    items: Sequence[tuple[Weight, Cell]],
    scale: Callable[[Cell], Decimal],
    relation: Relation,
) -> Equation:
    """The finding as a linear equation over its cells: Σ coefficient·cell = difference, with
    each coefficient scaled by the cell's unit conversion (a 元 cell counts 10⁻⁴ in 万元)."""
    eq = Equation(found, {}, relation)
    for weight, cell in ((1, total), *((-w, c) for w, c in items)):
        key = (cell.amount.sheet, cell.amount.cell)
        eq.coefficients[key] = eq.coefficients.get(key, Decimal(0)) + weight * scale(cell)
        eq.cells[key] = RootCell(
            cell.amount.value,
            cell.row.label,
            cell.column_label,
            cell.label,
            f"{cell.table.key}|{cell.section.key}|{cell.row.key}|{cell.column}",
        )
    eq.coefficients = {k: c for k, c in eq.coefficients.items() if c}
    return eq


class Context:
    def __init__(self, wb: Workbook, used: set[tuple[str, str]] | None = None) -> None:
        self.wb = wb
        # When given, every cell a comparison reads is added as (sheet, cell): tests only.
        self.used = used
        self.view = WorkbookView(wb)
        self.findings: list[Finding] = []
        # the failing equalities, for root-cause grouping (validators/rootcause.py)
        self.equations: list[Equation] = []
        # failing checks across tables that a 10⁴ scaling of one table would mend (magnitude.py)
        self.suspects: list[Suspect] = []
        self.skips = SkipLog()
        self._blank: dict[str, bool] = {}

    def unit(self, table: Table) -> str:
        return table.unit or self.wb.currency_unit or self.wb.edition.currency_unit

    def blank(self, table: Table) -> bool:
        """Every amount blank or zero and none unknown: every identity holds trivially, so the
        published empty T8/T9 are passed over without a line of output."""
        if table.key not in self._blank:
            # only a table the reader found empty is looked through (~0.1 ms for all nine)
            self._blank[table.key] = table.empty and not any(
                a.unknown
                for s in table.sections.values()
                for r in s.rows
                for a in r.values.values()
            )
        return self._blank[table.key]

    def skip(self, info: RuleInfo, table: str | None, why: Unavailable) -> None:
        self.skips.add(info.code, table, why)

    def in_common_unit(
        self, cells: Sequence[Cell]
    ) -> tuple[list[Cell], str, list[tuple[str, str]]]:
        """The cells restated in the coarsest unit among their tables (元 → 万元 ÷ 10000), the
        unit, and the (table title, own unit) of every table converted. Tables in one unit, or
        in a unit juesuan does not know, are left as they are."""
        units = [self.unit(c.table) for c in cells]
        target = units[0]
        if len(set(units)) == 1 or not all(u in UNIT_EXPONENT for u in units):
            return list(cells), target, []
        target = max(units, key=lambda u: UNIT_EXPONENT[u])
        out: list[Cell] = []
        converted: list[tuple[str, str]] = []
        for cell, unit in zip(cells, units, strict=True):
            shift = UNIT_EXPONENT[target] - UNIT_EXPONENT[unit]
            out.append(_converted(cell, shift))
            if shift and (cell.table.spec.title, unit) not in converted:
                converted.append((cell.table.spec.title, unit))
        return out, target, converted

    def _suspect(
        self, found: Finding, total: Cell, items: Sequence[tuple[Weight, Cell]], relation: Relation
    ) -> None:
        """Note which tables, scaled by 10⁴ or 10⁻⁴, would make this cross check hold. Only an
        equality between two non-zero sides is evidence of a factor: scaled down, any small
        figure passes for nothing, and an inequality holds."""
        tables = {c.table.key: c.table for c in (total, *(c for _, c in items))}
        fixes: set[tuple[str, int]] = set()
        for key in tables:
            for power in FACTORS:
                t = _converted(total, -power) if total.table.key == key else total
                scaled = [(w, _converted(c, -power) if c.table.key == key else c) for w, c in items]
                again = compare(_term(t, 1), [_term(c, w) for w, c in scaled], relation)
                if again.status is not Status.FAIL:
                    fixes.add((key, power))
        evidence = relation == "=" and bool(found.actual) and bool(found.expected)
        units = {key: self.unit(t) for key, t in tables.items()}
        self.suspects.append(Suspect(found, tables, units, fixes, evidence))

    def _holds_exactly(
        self, total: Cell, items: Sequence[tuple[Weight, Cell]], relation: Relation
    ) -> bool:
        """The relation holds on the printed figures of cells in one unit: `compare` would say
        PASS. Nearly every instance of a clean workbook ends here, without building terms."""
        unit = self.unit(total.table)
        expected = Decimal(0)
        for weight, cell in items:
            if cell.table is not total.table and self.unit(cell.table) != unit:
                return False
            value = cell.amount.value
            if value is not None:
                expected += weight * value
        difference = total.amount.zero_if_blank - expected
        return difference == 0 if relation == "=" else difference <= 0

    def _scale(self, cell: Cell, unit: str) -> Decimal:
        """What one unit of `cell` counts in `unit` (a 元 cell in 万元: 10⁻⁴)."""
        own = self.unit(cell.table)
        if own == unit or own not in UNIT_EXPONENT or unit not in UNIT_EXPONENT:
            return Decimal(1)
        return Decimal(1).scaleb(UNIT_EXPONENT[own] - UNIT_EXPONENT[unit])

    def judge(
        self,
        info: RuleInfo,
        total: Cell,
        items: Sequence[tuple[Weight, Cell]],
        relation: Relation,
        absent: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Compare a total with its items in the interval model; record what does not hold.

        Cells of tables in different units are compared in the coarser unit (nine-tables.md
        §5), each keeping the rounding interval of its own printed digits."""
        if self.used is not None:
            self.used.update(
                (c.amount.sheet, c.amount.cell) for c in (total, *(c for _, c in items))
            )
        if self._holds_exactly(total, items, relation):
            return
        cells, unit, converted = self.in_common_unit([total, *(c for _, c in items)])
        shown_total, shown = cells[0], [(w, c) for (w, _), c in zip(items, cells[1:], strict=True)]
        outcome = compare(_term(shown_total, 1), [_term(c, w) for w, c in shown], relation)
        if outcome.status is Status.PASS:
            return
        severity = info.severity if outcome.status is Status.FAIL else Severity.NOTICE
        across = bool(absent) or any(c.table is not total.table for _, c in items)
        if across:
            texts = cross_texts(shown_total, shown, outcome, relation, unit, absent, converted)
        else:
            texts = identity_texts(shown_total, shown, outcome, relation, unit)
        where = f"{total.table.key}|" if across else ""
        found = finding(
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
                Related(c.amount.sheet, c.amount.cell, c.amount.value, c.label) for _, c in items
            ),
            place=f"{info.code}|{where}{total.section.key}|{total.row.key}|{total.column}",
        )
        self.findings.append(found)
        if across and outcome.status is Status.FAIL:
            self._suspect(found, shown_total, shown, relation)
        if outcome.status is Status.FAIL and severity is Severity.ERROR:
            self.equations.append(
                _equation(found, total, items, lambda c: self._scale(c, unit), relation)
            )
