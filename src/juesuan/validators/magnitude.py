"""A table whose amounts are 10,000 times off the others: one finding, not a cascade.

nine-tables.md §5: "A 元 table whose amounts are 10,000 times the sister table's is a unit
mismatch finding, not hundreds of sum errors." The two ways it happens: a table filled in 元
under a 「单位：万元」 line, or a 万元 table whose unit line says 元. Sums inside the table
still hold (they are homogeneous); every check across tables that involves it fails by a
factor of exactly 10⁴. So when every failing cross-table check that reads a table would hold
with that table's cells scaled by 10⁴ (or 10⁻⁴), the checks are replaced by one ST112 finding at
the table's unit line, listing them (`Finding.also`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from juesuan.findings import Also, Finding, Related
from juesuan.rules import finding
from juesuan.tables import Table
from juesuan.validators.interval import UNIT_EXPONENT

FACTORS = (4, -4)  # powers of ten: 元 ↔ 万元


@dataclass
class Suspect:
    """A failing cross-table check and the tables whose scaling by 10^power would make it hold."""

    finding: Finding
    tables: dict[str, Table]  # every table the check reads
    units: dict[str, str]  # the unit each was read in
    fixes: set[tuple[str, int]]  # (table key, power)
    evidence: bool  # an equality of two non-zero sides: the factor is measured, not assumed


def group_magnitudes(findings: list[Finding], suspects: Sequence[Suspect]) -> list[Finding]:
    by_table: dict[str, list[Suspect]] = {}
    for s in suspects:
        for key in s.tables:
            by_table.setdefault(key, []).append(s)
    taken: set[int] = set()
    added: list[Finding] = []
    # the table in most failing checks first: in T1–T2 and T2–T4 both failing, T2 is the odd
    # one out, and once its checks are taken T1 and T4 have none left
    for key in sorted(by_table, key=lambda k: (-len(by_table[k]), k)):
        group = [s for s in by_table[key] if id(s.finding) not in taken]
        if not group:
            continue
        for power in FACTORS:
            unit = group[0].units[key]
            if UNIT_EXPONENT.get(unit, -1) + power not in UNIT_EXPONENT.values():
                continue  # no unit juesuan knows would explain it
            if any(s.evidence for s in group) and all((key, power) in s.fixes for s in group):
                table, unit = group[0].tables[key], group[0].units[key]
                added.append(_finding(table, unit, power, [s.finding for s in group]))
                taken.update(id(s.finding) for s in group)
                break
    if not added:
        return findings
    return [f for f in findings if id(f) not in taken] + added


def _finding(table: Table, unit: str, power: int, checks: list[Finding]) -> Finding:
    implied = next((u for u, e in UNIT_EXPONENT.items() if e == UNIT_EXPONENT[unit] + power), None)
    stated = f"「{table.unit}」" if table.unit else f"未注明（按「{unit}」读取）"
    n = len(checks)
    both = "该项表间核对恰好" if n == 1 else f"{n} 项表间核对均恰好"
    zh = (
        f"{table.spec.title} 的金额单位行为{stated}，但金额只有按「{implied}」理解才与其他各表一致"
        f"（{both}相差 10000 倍）：请改正单位行，或把金额换算为「{unit}」"
    )
    en = (
        f"{table.key} ({table.spec.title}) states its unit as '{table.unit or unit}', but its "
        f"amounts agree with the other tables only when read in {implied} ({n} cross-table "
        f"check(s) differ by exactly 10,000 times): correct the unit line or convert the amounts"
    )
    cell = table.unit_cell or table.range.split(":")[0]
    related = tuple(
        Related(f.sheet or "", f.cell or "", f.actual, f.row or "")
        for f in checks
        if f.sheet and f.cell
    )
    return finding(
        "ST112",
        zh,
        en,
        table=table.key,
        sheet=table.sheet,
        cell=cell,
        related=related,
        also=tuple(Also.of(f) for f in checks),
        place="unit-magnitude",
    )
