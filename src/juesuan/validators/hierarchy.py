"""The 类/款/项 tree of a coded table: each printed row is compared with its printed children.

Every coded row is attached to its nearest printed ancestor (a 项 to its 款; a 项 whose 款 is
not printed to its 类; a row with no printed ancestor to the 合计 row). Each parent is then
compared with exactly its own children, so every amount is added once and no 款 is ever added
together with its 项s. The missing rows themselves are reported by the orphans rule, once per
missing row, instead of as a difference in every column.
"""

from __future__ import annotations

from decimal import Decimal
from operator import attrgetter
from typing import cast

from juesuan.findings import Related
from juesuan.rules import finding
from juesuan.spec import CodeBook
from juesuan.tables import Row, Table
from juesuan.validators.evaluate import Context
from juesuan.validators.interval import Weight
from juesuan.validators.rulebook import HierarchyRule, OrphanRule
from juesuan.validators.view import Cell, SectionView, Unavailable, cell_of, missing_column

_ZERO = Decimal(0)
_CODE, _AT = attrgetter("code"), attrgetter("at")


def _families(sv: SectionView, total: Row | None) -> list[tuple[Row | None, list[Row]]]:
    """(parent row, children) in sheet order; parent None stands for the 合计 row `total`."""
    children: dict[str | None, list[Row]] = {}
    coded = sv.select("codes")
    parents = map(sv.nearest_parents().__getitem__, map(_CODE, coded))
    for parent, row in zip(parents, coded, strict=True):
        kids = children.get(parent)
        if kids is None:
            children[parent] = [row]
        else:
            kids.append(row)
    out = [(sv.by_key.get(code) if code else None, kids) for code, kids in children.items()]
    at_total = total.sheet_row if total is not None else -1
    out.sort(key=lambda f: f[0].sheet_row if f[0] is not None else at_total)
    return out


def run_hierarchy(ctx: Context, rule: HierarchyRule) -> None:
    info = rule.info
    try:
        table = ctx.view.table(rule.table)
        if ctx.blank(table):
            return
        sv = ctx.view.section(table, rule.section)
        columns = ctx.view.columns(table, rule.section, rule.columns or "*")
    except Unavailable as why:
        ctx.skip(info, rule.table, why)
        return
    present = [c for c in columns if c in sv.section.columns]
    for missing in (c for c in columns if c not in sv.section.columns):
        ctx.skip(info, rule.table, missing_column(table, sv.section, missing))
    total_row = sv.by_key.get(rule.total_row) if rule.total_row else None
    # the reader's columns of the section, when it has them: see _not_plainly_by_columns
    sums = [sv.sums(c) for c in present]
    by_columns = cast(list[list[Decimal]], sums) if None not in sums else None
    for parent, kids in _families(sv, total_row):
        if parent is None:
            if rule.total_row is None:
                continue  # T6: the top rows are summed by the footer rules instead
            if total_row is None:
                ctx.skip(info, rule.table, _no_total(table))
                continue
        head = parent if parent is not None else total_row
        assert head is not None
        # most families add up exactly in every column: see _not_plainly
        if ctx.used is not None:
            columns_left = present
        elif by_columns is not None:
            columns_left = _not_plainly_by_columns(by_columns, head, kids, present)
        else:
            columns_left = _not_plainly(head, kids, present)
        for column in columns_left:
            try:
                total = cell_of(table, sv, head, column)
                items: list[tuple[Weight, Cell]] = [
                    (1, c) for k in kids if (c := cell_of(table, sv, k, column)) is not None
                ]
            except Unavailable as why:
                ctx.skip(info, rule.table, why)
                continue
            if total is not None and _printed(total, items):
                ctx.judge(info, total, items, "=")


def _not_plainly_by_columns(
    sums: list[list[Decimal]], head: Row, kids: list[Row], columns: list[str]
) -> list[str]:
    """`_not_plainly` over the reader's columns (`SectionView.sums` of each of `columns`,
    numbers and blanks as 0 only, row `i` at `i`): the columns in which the family does not
    add up exactly. Each column's sum is one C-level `sum` over the children's figures (~0.2
    ms less on the typical workbook, and no row's Amounts are made)."""
    at = head.at
    kids_at = list(map(_AT, kids))
    return [
        column
        for column, figures in zip(columns, sums, strict=True)
        if figures[at] != sum(map(figures.__getitem__, kids_at), _ZERO)
    ]


def _not_plainly(head: Row, kids: list[Row], columns: list[str]) -> list[str]:
    """The columns in which the full path may have something to say about a family: every
    other column has no unknown cell, and its head unprinted, every figure blank, or the sum
    exact, and the full path would pass it over without a word. One call per family, not per
    family and column (~0.1 ms a workbook)."""
    out: list[str] = []
    heads = head.values
    rows = [kid.values for kid in kids]
    for column in columns:
        total = heads.get(column)
        if total is not None and total.unknown:
            out.append(column)
            continue
        expected = _ZERO
        for values in rows:
            amount = values.get(column)
            if amount is None:
                continue
            if amount.unknown:
                out.append(column)
                break
            if amount.value is not None:
                expected += amount.value
        else:
            # a family blank throughout adds up: 0 = 0
            if total is not None and (total.value or _ZERO) != expected:
                out.append(column)
    return out


def _printed(total: Cell, items: list[tuple[Weight, Cell]]) -> bool:
    return total.amount.value is not None or any(c.amount.value is not None for _, c in items)


def _no_total(table: Table) -> Unavailable:
    return Unavailable(
        "row:total",
        f"「{table.spec.title}」没有合计行，合计 = 各类之和未核对",
        f"{table.key} ({table.spec.title}) has no 合计 row; 合计 = Σ 类 not checked",
    )


def run_orphans(ctx: Context, rule: OrphanRule) -> None:
    """One finding per missing parent row, naming the rows printed without it."""
    for key in rule.tables:
        table = ctx.wb.tables.get(key)
        if table is None or not table.usable:
            continue  # the hierarchy rules report the skip
        for section in table.sections.values():
            sv = ctx.view.section(table, section.key)
            orphans: dict[str, list[Row]] = {}
            lacking = sv.without_parent()
            # the rows whose parent is printed, nearly all, passed over in one comprehension
            for row in [r for r in section.rows if r.code in lacking]:
                if row.code and row.level in ("款", "项"):
                    parent = CodeBook.parent(row.code)
                    if parent not in sv.codes:
                        orphans.setdefault(parent, []).append(row)
            for parent, rows in orphans.items():
                _orphan_finding(ctx, rule, table, sv, parent, rows)


def _orphan_finding(
    ctx: Context, rule: OrphanRule, table: Table, sv: SectionView, parent: str, rows: list[Row]
) -> None:
    first = rows[0]
    nearest = sv.parent_of(first)
    level = "类" if len(parent) == 3 else "款"
    names = "、".join(f"「{r.label}」" for r in rows)
    if nearest is not None:
        into_zh, into_en = (
            f"已直接计入「{sv.by_key[nearest].label}」核对",
            f"checked against {nearest}",
        )
    elif "total" in sv.by_key:
        into_zh, into_en = "已直接计入合计核对", "checked against the 合计 row"
    else:
        into_zh, into_en = "已按顶层科目核对", "treated as a top-level row"
    ctx.findings.append(
        finding(
            rule.info.code,
            f"{table.spec.title} 列示了{names}，但没有其上级{level}「{parent}」行；{into_zh}",
            f"{table.key} ({table.spec.title}) prints {', '.join(r.code or '' for r in rows)} "
            f"without their parent {level} row {parent}; {into_en}",
            table=table.key,
            sheet=table.sheet,
            cell=first.label_cell,
            row=first.label,
            related=tuple(Related(table.sheet, r.label_cell or "", r.label, "") for r in rows),
            place=f"{rule.info.code}|{sv.section.key}|{parent}",
        )
    )
