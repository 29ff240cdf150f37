"""The catalogue as typed rules: read and checked once per process (functools.cache).

A malformed catalogue raises CatalogueError at first use, naming the rule: it is a bug in a
file juesuan ships, never a property of the workbook being checked.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from juesuan.findings import Severity
from juesuan.validators.catalogue import WITHIN, raw_rules
from juesuan.validators.expr import CatalogueError, Check, Ref, parse_check, parse_ref

Columns = tuple[str, ...] | Literal["*"] | None


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    basis: str
    summary: str
    summary_en: str


@dataclass(frozen=True)
class IdentityRule:
    info: RuleInfo
    checks: tuple[Check, ...]
    for_each: Ref | None = None  # a row set: the check runs once per row, `row.X` is that row
    columns: Columns = None  # the check runs once per column; "*" = every amount column
    # only the for_each rows the partner table (T1 in `T1.expenditure[row]`) does not print:
    # the other direction of a per-row copy, without checking the shared rows twice
    unmatched_only: bool = False


@dataclass(frozen=True)
class HierarchyRule:
    info: RuleInfo
    table: str
    section: str = "main"
    columns: Columns = "*"
    total_row: str | None = None  # the 合计 row compared with Σ 类, when the table has one


@dataclass(frozen=True)
class OrphanRule:
    info: RuleInfo
    tables: tuple[str, ...]


CatalogueRule = IdentityRule | HierarchyRule | OrphanRule


def _columns(raw: Any, code: str) -> Columns:
    if raw is None or raw == "*":
        return raw  # type: ignore[no-any-return]
    if isinstance(raw, list) and raw and all(isinstance(c, str) for c in raw):
        return tuple(raw)
    raise CatalogueError(f'{code}: columns must be "*" or a list of column keys')


def _identity(info: RuleInfo, raw: dict[str, Any], cross: bool | None) -> IdentityRule:
    """`cross` None: one table or several, as the check says (a bureau's rule file)."""
    texts = raw.get("check")
    if isinstance(texts, str):
        texts = [texts]
    if not texts or not all(isinstance(t, str) for t in texts):
        raise CatalogueError(f"{info.code}: `check` must be a string or a list of strings")
    checks = tuple(parse_check(t) for t in texts)
    for_each = parse_ref(raw["for_each"], selector=True) if "for_each" in raw else None
    for check in checks:
        tables = {r.table for r in check.refs if r.table is not None}
        if for_each is not None and for_each.table is not None:
            tables.add(for_each.table)
        elif any(r.is_row_cell or r.is_matched for r in check.refs):
            raise CatalogueError(f"{info.code}: `row.` and `[row]` need for_each")
        if cross is None:
            continue
        if not cross and len(tables) != 1:
            raise CatalogueError(f"{info.code}: a within-table check names exactly one table")
        if cross and len(tables) < 2:
            raise CatalogueError(f"{info.code}: a cross-table check names two tables or more")
    unmatched = raw.get("unmatched_only", False)
    if not isinstance(unmatched, bool):
        raise CatalogueError(f"{info.code}: unmatched_only is true or false")
    if unmatched and not any(r.is_matched for c in checks for r in c.refs):
        raise CatalogueError(f"{info.code}: unmatched_only needs a partner row like T1[row]")
    return IdentityRule(info, checks, for_each, _columns(raw.get("columns"), info.code), unmatched)


def _info(raw: dict[str, Any]) -> RuleInfo:
    return RuleInfo(
        code=raw["code"],
        name=raw["name"],
        severity=Severity(raw["severity"]),
        basis=raw.get("basis", ""),
        summary=raw["summary"],
        summary_en=raw["summary_en"],
    )


def identity_rule(raw: dict[str, Any], cross: bool | None = None) -> IdentityRule:
    """One identity [[rule]] (a bureau's rule file: validators/extra.py)."""
    return _identity(_info(raw), raw, cross)


def _rule(raw: dict[str, Any], cross: bool = False) -> CatalogueRule:
    info = _info(raw)
    kind = raw.get("kind", "identity")
    if kind == "identity":
        return _identity(info, raw, cross)
    if kind == "hierarchy":
        return HierarchyRule(
            info,
            table=raw["table"],
            section=raw.get("section", "main"),
            columns=_columns(raw.get("columns", "*"), info.code),
            total_row=raw.get("total_row"),
        )
    if kind == "orphans":
        return OrphanRule(info, tuple(raw["tables"]))
    raise CatalogueError(f"{info.code}: unknown kind {kind!r}")


@functools.cache
def load_rules(name: str = WITHIN) -> tuple[CatalogueRule, ...]:
    """The rules of one catalogue file; every check of a cross-table file names two tables or
    more, every check of the other files exactly one."""
    rules: list[CatalogueRule] = []
    seen: set[str] = set()
    cross = name != WITHIN
    for raw in raw_rules(name):
        try:
            rule = _rule(raw, cross)
        except (KeyError, ValueError) as exc:
            raise CatalogueError(f"{name}, rule {raw.get('code', '?')}: {exc}") from exc
        if rule.info.code in seen:
            raise CatalogueError(f"{name}: code {rule.info.code} is used twice")
        seen.add(rule.info.code)
        rules.append(rule)
    return tuple(rules)
