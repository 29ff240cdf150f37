"""Rules on single amounts: negative values (VA103) and precision beyond the unit (VA104)."""

from __future__ import annotations

from collections.abc import Iterator

from juesuan.findings import Related
from juesuan.rules import finding
from juesuan.tables import Amount, Row, Section, Table
from juesuan.validators.evaluate import Context
from juesuan.validators.messages import fmt
from juesuan.validators.rulebook import NegativeRule, PrecisionRule
from juesuan.validators.view import cell_label, column_label


def _amounts(ctx: Context) -> Iterator[tuple[Table, Section, Row, str, Amount]]:
    """Every known amount of every readable table, in table and sheet order."""
    for key in sorted(ctx.wb.tables):
        table = ctx.wb.tables[key]
        if not table.usable:
            continue
        for section in table.sections.values():
            for row in section.rows:
                for column, amount in row.values.items():
                    if amount.value is not None and not amount.unknown:
                        yield table, section, row, column, amount


def _exempt(rule: NegativeRule, table: Table, section: Section, row: Row, column: str) -> bool:
    return any(
        ref.table == table.key
        and ref.section == section.key
        and ref.row == row.key
        and ref.column in (None, column)
        for ref in rule.exempt
    )


def run_negative(ctx: Context, rule: NegativeRule) -> None:
    for table, section, row, column, amount in _amounts(ctx):
        assert amount.value is not None
        if amount.value >= 0 or _exempt(rule, table, section, row, column):
            continue
        label = cell_label(table, section, row, column)
        unit = ctx.unit(table)
        ctx.findings.append(
            finding(
                rule.info.code,
                f"{table.spec.title} {amount.cell}「{label}」为负数 {fmt(amount.value)} {unit}，"
                f"决算金额应不小于 0，请核实",
                f"{table.key} {amount.cell} ({label}) is negative: {fmt(amount.value)} {unit}; "
                f"final-account amounts are not below 0",
                table=table.key,
                sheet=amount.sheet,
                cell=amount.cell,
                row=row.label,
                column=column_label(section, column),
                actual=amount.value,
                place=f"{rule.info.code}|{section.key}|{row.key}|{column}",
            )
        )


def run_precision(ctx: Context, rule: PrecisionRule) -> None:
    """One finding per table: a table pasted from a 元 ledger has dozens of such cells."""
    by_table: dict[str, list[tuple[Table, str, Amount]]] = {}
    for table, section, row, column, amount in _amounts(ctx):
        if amount.decimals > rule.max_decimals:
            label = cell_label(table, section, row, column)
            by_table.setdefault(table.key, []).append((table, label, amount))
    for key, cells in by_table.items():
        table, label, first = cells[0]
        unit = ctx.unit(table)
        n = len(cells)
        ctx.findings.append(
            finding(
                rule.info.code,
                f"{table.spec.title} 有 {n} 个金额的小数超过 {rule.max_decimals} 位"
                f"（如 {first.cell}「{label}」{fmt(first.value)}），"
                f"以「{unit}」为单位的报表应保留 {rule.max_decimals} 位小数",
                f"{key}: {n} amount(s) show more than {rule.max_decimals} decimals (e.g. "
                f"{first.cell} '{label}' {fmt(first.value)}); a table in {unit} shows "
                f"{rule.max_decimals}",
                table=key,
                sheet=first.sheet,
                cell=first.cell,
                actual=first.value,
                related=tuple(Related(a.sheet, a.cell, a.value, lab) for _, lab, a in cells),
                place=f"{rule.info.code}|precision",
            )
        )
