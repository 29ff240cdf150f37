"""Identity rules: `total REL ± item …`, once, per row (for_each) or per column (columns)."""

from __future__ import annotations

from juesuan.tables import Row, Table
from juesuan.validators.evaluate import Context
from juesuan.validators.expr import Check, Ref
from juesuan.validators.rulebook import IdentityRule
from juesuan.validators.view import Cell, SectionView, Unavailable, cell_of, implicit_column

_FIXED_NAMES = {"total": "合计", "main": "数据"}


def row_name(table: Table, section: str, key: str) -> str:
    """A row key as the accountant knows the row: the edition's label, a footer, 合计."""
    sec = table.sections.get(section)
    if sec is not None:
        for spec_row in sec.spec.rows:
            if spec_row.key == key:
                return spec_row.label
    for panel in table.spec.panels:
        if key == f"{panel.key}.total":
            return panel.footer
    return _FIXED_NAMES.get(key, key)


def _optional(table: Table, ref: Ref) -> bool:
    """A row the edition marks optional (printed by some templates only)."""
    sec = table.sections.get(ref.section)
    return sec is not None and any(r.key == ref.row and r.optional for r in sec.spec.rows)


def _missing_row(table: Table, ref: Ref) -> Unavailable:
    key = ref.row or ""
    name = row_name(table, ref.section, key)
    return Unavailable(
        f"row:{key}",
        f"「{table.spec.title}」没有「{name}」行（或该行没有金额），本项核对未执行",
        f"{table.key} ({table.spec.title}) has no row '{name}' (or it has no amount); not checked",
    )


def _resolve(
    ctx: Context,
    ref: Ref,
    table: Table,
    row: Row | None,
    row_view: SectionView | None,
    column: str | None,
) -> list[Cell] | None:
    """The cells a reference stands for; None when its single row is not printed."""
    if ref.is_row_cell:
        assert row is not None and row_view is not None  # rulebook requires for_each
        sv, rows = row_view, [row]
    else:
        sv = ctx.view.section(table, ref.section)
        if ref.summed:
            rows = sv.select(ref.row or "*")
        else:
            found = sv.by_key.get(ref.row or "")
            if found is None:
                return None
            rows = [found]
    col = ref.column or implicit_column(sv, column, table)
    cells = [c for r in rows if (c := cell_of(table, sv, r, col)) is not None]
    if not ref.summed and not cells:
        return None
    return cells


def _instance(
    ctx: Context,
    check: Check,
    table: Table,
    row: Row | None,
    row_view: SectionView | None,
    column: str | None,
) -> tuple[Cell, list[tuple[int, Cell]]] | None:
    totals = _resolve(ctx, check.total, table, row, row_view, column)
    if totals is None:
        raise _missing_row(table, check.total)
    total = totals[0]
    items: list[tuple[int, Cell]] = []
    applies = False
    for weight, ref in check.items:
        cells = _resolve(ctx, ref, table, row, row_view, column)
        if cells is not None:
            applies = True
            items.extend((weight, c) for c in cells)
        elif not _optional(table, ref):
            # a required row the reader could not find (it reports ST107): its amount is
            # unknown, and taking it for 0 would turn one missing row into false differences
            raise _missing_row(table, ref)
    if not applies:
        return None  # no optional item row printed: T4's fund sub-rows of 年初结转和结余
    blank = total.amount.value is None and all(c.amount.value is None for _, c in items)
    if row is not None and blank:
        return None  # a row left blank throughout
    return total, items


def _rows(
    ctx: Context, rule: IdentityRule, table: Table
) -> tuple[SectionView | None, list[Row | None]]:
    """The for_each rows (with their section), or a single pass without a current row."""
    each = rule.for_each
    if each is None:
        return None, [None]
    view = ctx.view.section(table, each.section)
    return view, list(view.select(each.row or "*"))


def _columns(ctx: Context, rule: IdentityRule, check: Check, table: Table) -> list[str | None]:
    """The columns of a per-column rule, or a single pass without a current column."""
    if rule.columns is None:
        return [None]
    # a `row.X` total lives in the for_each section; any other total names its own
    each = rule.for_each
    section = each.section if check.total.is_row_cell and each is not None else check.total.section
    return list(ctx.view.columns(table, section, rule.columns))


def run_identity(ctx: Context, rule: IdentityRule) -> None:
    for check in rule.checks:
        table_key = check.total.table or (rule.for_each.table if rule.for_each else None)
        assert table_key is not None  # rulebook guarantees one table per check
        try:
            table = ctx.view.table(table_key)
            if ctx.blank(table):
                continue
            row_view, rows = _rows(ctx, rule, table)
            columns = _columns(ctx, rule, check, table)
        except Unavailable as why:
            ctx.skip(rule.info, table_key, why)
            continue
        for column in columns:
            for row in rows:
                try:
                    found = _instance(ctx, check, table, row, row_view, column)
                except Unavailable as why:
                    ctx.skip(rule.info, table_key, why)
                    continue
                if found is not None:
                    ctx.judge(rule.info, found[0], found[1], check.relation)
