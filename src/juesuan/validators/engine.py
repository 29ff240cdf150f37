"""The identity engine: every rule of the catalogue against one workbook's typed tables.

    findings, skipped = check_identities(read_workbook(path))   # within.toml + cross.toml
    findings, skipped = check_within(read_workbook(path))       # within.toml only

The catalogues are parsed once per process (rulebook.load_rules is cached); each call builds
only light per-workbook indexes. Tables are checked in their own unit: within a table the unit
does not matter, so a 元 table is checked like any other; a check across tables in different
units compares in the coarser unit (Context.judge). Single amounts (VA103 negative,
VA104 precision) are checked by the schema layer (`juesuan.validators.schemas`), which the
reader runs.
"""

from __future__ import annotations

from juesuan.findings import Finding, Skipped
from juesuan.tables import Workbook
from juesuan.validators.catalogue import CATALOGUES, WITHIN
from juesuan.validators.evaluate import Context
from juesuan.validators.hierarchy import run_hierarchy, run_orphans
from juesuan.validators.identities import run_identity
from juesuan.validators.magnitude import group_magnitudes
from juesuan.validators.rootcause import group_root_causes
from juesuan.validators.rulebook import (
    HierarchyRule,
    IdentityRule,
    OrphanRule,
    load_rules,
)


def _run(
    wb: Workbook,
    catalogues: tuple[str, ...],
    used: set[tuple[str, str]] | None = None,
    group: bool = False,
    extra: tuple[IdentityRule, ...] = (),
) -> tuple[list[Finding], list[Skipped]]:
    ctx = Context(wb, used)
    for rules in (*(load_rules(name) for name in catalogues), extra):
        for rule in rules:
            if isinstance(rule, IdentityRule):
                run_identity(ctx, rule)
            elif isinstance(rule, HierarchyRule):
                run_hierarchy(ctx, rule)
            elif isinstance(rule, OrphanRule):
                run_orphans(ctx, rule)
    findings = ctx.findings
    if group:
        findings = group_magnitudes(findings, ctx.suspects)
        left = {id(f) for f in findings}
        equations = [e for e in ctx.equations if id(e.finding) in left]
        findings = group_root_causes(findings, equations)
    return findings, ctx.skips.entries()


def check_identities(
    wb: Workbook, *, group: bool = True, extra: tuple[IdentityRule, ...] = ()
) -> tuple[list[Finding], list[Skipped]]:
    """Findings of every catalogue rule, within and across tables, and one Skipped entry per
    rule and table that could not be applied (missing or unreadable table, missing column or
    row, unknown cell). With `group` (the default, what users see) the checks one wrong cell
    breaks are reported as one finding at that cell (validators/rootcause.py); without it, one
    finding per check, as rule-by-rule tests want them. `extra`: a bureau's own rules
    (validators/extra.py), run after the catalogue."""
    return _run(wb, CATALOGUES, group=group, extra=extra)


def check_within(wb: Workbook) -> tuple[list[Finding], list[Skipped]]:
    """The within-table rules only (within.toml): each table on its own, one finding per
    check (no root-cause grouping)."""
    return _run(wb, (WITHIN,))


def cells_used(wb: Workbook) -> set[tuple[str, str]]:
    """Every (sheet, cell) that some identity of the catalogues compares in this workbook, blank
    cells included: what a change to one amount can be noticed through (tests use it)."""
    used: set[tuple[str, str]] = set()
    _run(wb, CATALOGUES, used)
    return used
