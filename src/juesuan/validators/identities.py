"""Identity rules: `total REL ± item …`, once, per row (for_each) or per column (columns).

A check names one table (within.toml) or several (cross.toml). Across tables `T3[row]` is the
row of T3 with the current for_each row's key; a partner row that is not printed, and a coded
row (科目编码) that is not printed, count as blank (0). A published empty table (T8/T9) is
passed over by within-table checks but compared across tables: its blank 合计 is 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, repeat
from operator import add, eq, is_, le, mul, neg, not_, sub
from typing import cast

from juesuan.spec.model import CodeBook
from juesuan.tables import Row, Table
from juesuan.validators.evaluate import Context
from juesuan.validators.expr import Check, Ref
from juesuan.validators.interval import Weight
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
        table=table.key,
    )


def _matched_absent(
    table: Table, row: Row, printed: SectionView, partner: SectionView | None, book: CodeBook
) -> tuple[str, str]:
    """The text (zh, en) for a row one table prints and the other does not (it counts as
    blank, 0), with the likely typo when the table prints, instead, a code one slip away that
    is not in this year's list (2010320 for 2010302) and that the partner table lacks."""
    zh = f"{table.spec.title} 未列「{row.label}」行 0.00"
    en = f"{table.spec.title} has no row 「{row.label}」 (0.00)"
    if printed.unlisted is None:  # usually none: then no row is looked at again
        printed.unlisted = tuple(k for k in printed.by_key if k.isdigit() and not book.name(k))
    if not printed.unlisted or book.name(row.key) is None:  # or the partner's code is doubtful
        return zh, en
    slips = [
        key
        for key in printed.unlisted
        if _one_slip(key, row.key) and (partner is None or key not in partner.by_key)
    ]
    if len(slips) == 1 and (cell := printed.by_key[slips[0]].label_cell):
        zh += f"（该表 {cell} 的编码「{slips[0]}」是否应为「{row.key}」？）"
        en += f" (is the code {slips[0]} in its {cell} meant to be {row.key}?)"
    return zh, en


def _one_slip(typed: str, meant: str) -> bool:
    """Two codes of the same length one keying slip apart: one digit wrong, or two
    neighbouring digits swapped."""
    if len(typed) != len(meant) or typed == meant or not (typed.isdigit() and meant.isdigit()):
        return False
    diff = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
    if len(diff) == 1:
        return True
    i, j = diff if len(diff) == 2 else (0, 0)
    return j == i + 1 and typed[i] == meant[j] and typed[j] == meant[i]


def _absent_code(ref: Ref) -> bool:
    """A coded row (科目编码) not printed: blank, i.e. 0, in a cross-table check."""
    return ref.row is not None and ref.row.isdigit()


def _resolve(
    ctx: Context,
    ref: Ref,
    row: Row | None,
    row_view: SectionView | None,
    column: str | None,
    absent: list[tuple[str, str]],
) -> list[Cell] | None:
    """The cells a reference stands for; None when its single row is not printed.

    `T3[row]` (the row of T3 with the current row's key) that T3 does not print gives no cell:
    it counts as blank (0) and is named in `absent` for the message."""
    rows: Sequence[Row]
    if ref.is_row_cell:
        assert row is not None and row_view is not None  # rulebook requires for_each
        table, sv, rows = ctx.view.owner(row_view), row_view, (row,)
    else:
        assert ref.table is not None
        table = ctx.view.table(ref.table)
        sv = ctx.view.section(table, ref.section)
        if ref.summed:
            rows = sv.select(ref.row or "*")
        elif ref.is_matched:
            assert row is not None  # rulebook requires for_each
            found = row if sv is row_view else sv.by_key.get(row.key)
            if found is None:
                book = ctx.wb.edition.codebook(table.spec.codes)
                absent.append(_matched_absent(table, row, sv, row_view, book))
                return []
            rows = [found]
        else:
            found = sv.by_key.get(ref.row or "")
            if found is None:
                return None
            rows = [found]
    col = ref.column or implicit_column(sv, column, table)
    cells = [c for r in rows if (c := cell_of(table, sv, r, col)) is not None]
    if not ref.summed and not ref.is_matched and not cells:
        return None
    return cells


Instance = tuple[Cell, list[tuple[Weight, Cell]], list[tuple[str, str]]]


def _instance(
    ctx: Context,
    check: Check,
    row: Row | None,
    row_view: SectionView | None,
    column: str | None,
    cross: bool,
) -> Instance | None:
    absent: list[tuple[str, str]] = []
    totals = _resolve(ctx, check.total, row, row_view, column, absent)
    if totals is None and cross and _absent_code(check.total):
        return None  # a coded row not printed is blank: nothing to report at
    if totals is None:
        raise _missing_row(ctx.view.table(_table_of(check.total, row_view, ctx)), check.total)
    if not totals:
        return None  # the current row's partner is not printed where the total is wanted
    total = totals[0]
    items: list[tuple[Weight, Cell]] = []
    applies = False
    for weight, ref in check.items:
        cells = _resolve(ctx, ref, row, row_view, column, absent)
        if cells is not None:
            applies = True
            items.extend((weight, c) for c in cells)
        elif cross and _absent_code(ref):
            applies = True  # a coded row not printed: blank
        elif not _optional(ctx.view.table(_table_of(ref, row_view, ctx)), ref):
            # a required row the reader could not find (it reports ST107): its amount is
            # unknown, and taking it for 0 would turn one missing row into false differences
            raise _missing_row(ctx.view.table(_table_of(ref, row_view, ctx)), ref)
    if not applies:
        return None  # no optional item row printed: T4's fund sub-rows of 年初结转和结余
    blank = total.amount.value is None and all(c.amount.value is None for _, c in items)
    if row is not None and blank:
        return None  # a row left blank throughout
    return total, items, absent


def _table_of(ref: Ref, row_view: SectionView | None, ctx: Context) -> str:
    if ref.table is not None:
        return ref.table
    assert row_view is not None
    return ctx.view.owner(row_view).key


def _rows(ctx: Context, rule: IdentityRule) -> tuple[SectionView | None, Sequence[Row | None]]:
    """The for_each rows (with their section), or a single pass without a current row."""
    each = rule.for_each
    if each is None or each.table is None:
        return None, [None]
    view = ctx.view.section(ctx.view.table(each.table), each.section)
    # the view's own tuple, the same for every rule: SectionView.figures keeps its answers by it
    return view, view.select(each.row or "*")


def _columns(ctx: Context, rule: IdentityRule, check: Check, table: Table) -> list[str | None]:
    """The columns of a per-column rule, or a single pass without a current column."""
    if rule.columns is None:
        return [None]
    # a `row.X` total lives in the for_each section; any other total names its own
    each = rule.for_each
    section = each.section if check.total.is_row_cell and each is not None else check.total.section
    return list(ctx.view.columns(table, section, rule.columns))


def _tables(rule: IdentityRule, check: Check) -> set[str]:
    tables = {r.table for r in check.refs if r.table is not None}
    if rule.for_each is not None and rule.for_each.table is not None:
        tables.add(rule.for_each.table)
    return tables


@dataclass(frozen=True, slots=True)
class _Shape:
    """What running a check needs to know of it beyond the workbook, worked out once per
    process (~0.1 ms a workbook for the ~60 checks of the catalogues)."""

    terms: tuple[tuple[Ref, Decimal | None], ...]  # each reference with its weight, total None
    table: str  # the table of the total
    cross: bool  # the check names two tables or more (for_each's included)
    once: bool  # the check names no current row: one instance, not one per row


# id(check) → (check, rule, its shape): the catalogue's checks live as long as the process; the
# objects are kept with the entry, so that an id cannot be reused while it is there
_SHAPES: dict[int, tuple[Check, IdentityRule, _Shape]] = {}


def _shape(rule: IdentityRule, check: Check) -> _Shape:
    known = _SHAPES.get(id(check))
    if known is not None and known[0] is check and known[1] is rule:
        return known[2]
    table = check.total.table or (rule.for_each.table if rule.for_each else None)
    assert table is not None  # rulebook: a total names its table or is row.X
    shape = _Shape(
        terms=((check.total, None), *((ref, w) for w, ref in check.items)),
        table=table,
        cross=len(_tables(rule, check)) > 1,
        once=not any(ref.is_row_cell or ref.is_matched for ref in check.refs),
    )
    if len(_SHAPES) >= 4096:  # bureaus' own rules, loaded again and again: keep it bounded
        _SHAPES.clear()
    _SHAPES[id(check)] = (check, rule, shape)
    return shape


def _unmatched(ctx: Context, check: Check, row: Row) -> bool:
    """The row is printed by none of the partner tables the check matches it against."""
    for ref in check.refs:
        if ref.is_matched and ref.table is not None:
            sv = ctx.view.section(ctx.view.table(ref.table), ref.section)
            if row.key in sv.by_key:
                return False
    return True


def run_identity(ctx: Context, rule: IdentityRule) -> None:
    for check in rule.checks:
        shape = _shape(rule, check)
        table_key, cross, once = shape.table, shape.cross, shape.once
        try:
            table = ctx.view.table(table_key)
            if not cross and ctx.blank(table):
                continue
            row_view, rows = _rows(ctx, rule)
            if once:
                rows = (None,)  # a check that names no current row is one check, not one per row
            columns = _columns(ctx, rule, check, table)
            if rule.unmatched_only:
                rows = [r for r in rows if r is not None and _unmatched(ctx, check, r)]
        except Unavailable as why:
            ctx.skip(rule.info, why.table or table_key, why)
            continue
        # most instances hold exactly: see _not_plainly and _holds_once
        plain = ctx.used is None  # cells_used records every cell: the full path only
        for column in columns:
            if plain and once and _holds_once(ctx, shape, check.relation, column):
                continue
            plan = None
            if plain and not once and row_view is not None:
                plan = _plain_plan(ctx, shape, row_view, column)
            rows_left = rows
            if plan is not None:
                by_columns = _not_plainly_by_columns(check, plan, rows)
                rows_left = (
                    by_columns if by_columns is not None else _not_plainly(check, plan, rows)
                )
            for row in rows_left:
                try:
                    found = _instance(ctx, check, row, row_view, column, cross)
                except Unavailable as why:
                    ctx.skip(rule.info, why.table or table_key, why)
                    continue
                if found is not None:
                    ctx.judge(rule.info, found[0], found[1], check.relation, absent=found[2])


# How the plain pass takes a reference's figure: the total, an item added or subtracted, or
# an item with another weight (multiplied). Small ints: compared faster than Decimal weights.
_TOTAL, _ADD, _SUBTRACT, _WEIGHED = 0, 1, -1, 2
# per reference, the total first: its section, where its row is found by the current row's
# key (None: the current row itself), its column, how, its weight
_Plain = list[tuple[SectionView, dict[str, Row] | None, str, int, Decimal]]

# module constants: a Decimal compares with a Decimal faster than with an int
_ZERO, _ONE, _MINUS_ONE = Decimal(0), Decimal(1), Decimal(-1)


def _plain_plan(
    ctx: Context, shape: _Shape, row_view: SectionView, column: str | None
) -> _Plain | None:
    """Where each reference of a check on the current row (or on its namesakes in other
    tables) reads, with its weight, when every table is readable and in one unit; else None."""
    plan: _Plain = []
    units: set[str] = set()
    for ref, weight in shape.terms:
        if ref.is_row_cell:
            sv, table = row_view, ctx.view.owner(row_view)
        elif ref.is_matched and ref.table is not None:
            try:
                table = ctx.view.table(ref.table)
                sv = ctx.view.section(table, ref.section)
            except Unavailable:
                return None
        else:
            return None
        col = ref.column or implicit_column(sv, column, table)
        if col not in sv.section.columns:
            return None
        units.add(ctx.unit(table))
        how = (
            _TOTAL
            if weight is None
            else _ADD
            if weight == _ONE
            else _SUBTRACT
            if weight == _MINUS_ONE
            else _WEIGHED
        )
        rows = None if sv is row_view else sv.by_key
        plan.append((sv, rows, col, how, _ONE if weight is None else weight))
    return plan if len(units) == 1 else None


def _not_plainly_by_columns(
    check: Check, plan: _Plain, rows: Sequence[Row | None]
) -> list[Row | None] | None:
    """`_not_plainly` over the reader's columns (SectionView.figures): the same rows, in the
    same order, each reference's figures for all rows at once, added and compared by C-level
    `map`s (~0.35 ms less on the typical workbook, and no row's Amounts are made). None when a
    section was not read by columns: `_not_plainly` reads the rows instead.

    A column of the reader's holds numbers and blanks only (never a formula without its
    value), so a row is left to the full path only when a partner row is not printed (None)
    or the figures do not satisfy the relation exactly."""
    figures: list[tuple[list[Decimal | None], int, Decimal]] = []
    current = cast(Sequence[Row], rows)  # a check on the current row: no None among them
    for sv, partners, col, how, weight in plan:
        found = sv.figures(current, col, own=partners is None)
        if found is None:
            return None
        figures.append((found, how, weight))
    (total, _, _), items = figures[0], figures[1:]
    # a partner row not printed: the full path says what it counts as
    missing: list[bool] | None = None
    if _has_none(total):
        missing = [v is None for v in total]
        total = [_ZERO if v is None else v for v in total]
    expected: list[Decimal] | None = None
    for column, how, weight in items:
        if _has_none(column):
            missing = [
                m or v is None for m, v in zip(missing or repeat(False), column, strict=False)
            ]
            column = [_ZERO if v is None else v for v in column]
        values = cast(list[Decimal], column)
        if how == _ADD:
            expected = values if expected is None else list(map(add, expected, values))
        elif how == _SUBTRACT:
            expected = (
                list(map(neg, values)) if expected is None else list(map(sub, expected, values))
            )
        else:
            weighed = list(map(mul, repeat(weight), values))
            expected = weighed if expected is None else list(map(add, expected, weighed))
    # exact: sums of printed figures (15 significant digits at most) in the default context
    holds = eq if check.relation == "=" else le
    held = map(holds, cast(list[Decimal], total), repeat(_ZERO) if expected is None else expected)
    if missing is None:  # nearly always: every partner row printed
        return list(compress(current, map(not_, held)))
    return [row for row, ok, m in zip(current, held, missing, strict=True) if m or not ok]


def _has_none(values: list[Decimal | None]) -> bool:
    # by identity: `None in values` compares each Decimal with None, and Decimal's comparison
    # asks isinstance(None, numbers.Rational) through the ABC machinery (~0.15 µs a figure)
    return any(map(is_, values, repeat(None)))


def _not_plainly(check: Check, plan: _Plain, rows: Sequence[Row | None]) -> list[Row | None]:
    """The rows on which `_instance` and `judge` may have something to say. Every other row
    has every cell printed and known, and its figures satisfy the relation exactly (blanks
    count as 0; a row blank throughout holds, 0 = 0), and the full path would pass it over
    without a word. One call per check and column: ~0.4 µs a row, where resolving the cells
    and judging took ~5 µs."""
    out: list[Row | None] = []
    equal = check.relation == "="
    (_, total_rows, total_column, _, _), items = plan[0], plan[1:]
    for row in rows:
        if row is None:  # pragma: no cover - a check on the current row has one
            out.append(row)
            continue
        key = row.key
        found = row if total_rows is None else total_rows.get(key)
        amount = None if found is None else found.values.get(total_column)
        if amount is None or amount.unknown:
            out.append(row)
            continue
        total, expected = amount.value or _ZERO, _ZERO
        for _, partners, col, how, weight in items:
            found = row if partners is None else partners.get(key)
            amount = None if found is None else found.values.get(col)
            if amount is None or amount.unknown:
                out.append(row)
                break
            value = amount.value
            if value is None:
                continue
            # sums of printed figures (15 significant digits at most) are exact in the default
            # context, so adding or subtracting a ±1 item equals adding weight × figure
            if how == _ADD:
                expected += value
            elif how == _SUBTRACT:
                expected -= value
            else:
                expected += weight * value
        else:
            # compared, not subtracted: a comparison of Decimals is exact and saves an operation
            if total != expected if equal else total > expected:
                out.append(row)
    return out


def _holds_once(ctx: Context, shape: _Shape, relation: str, column: str | None) -> bool:
    """For a check that names no current row (one instance: fixed rows and sums), True when
    `_instance` and `judge` would pass it over without a word: every table readable and in
    one unit, every fixed row printed with a known cell, every summed row's cell known (a
    summed row without one adds nothing), and the figures satisfy the relation exactly, added
    as `Context._holds_exactly` adds them. Anything else, False: the full path decides. Saves
    resolving and recording the cells: ~2 µs a check instead of ~10 µs (~0.3 ms a workbook)."""
    units: set[str] = set()
    total: Decimal | None = None
    expected = _ZERO
    for ref, weight in shape.terms:
        assert ref.table is not None  # the check names no current row
        try:
            table = ctx.view.table(ref.table)
            sv = ctx.view.section(table, ref.section)
        except Unavailable:
            return False
        col = ref.column or implicit_column(sv, column, table)
        if col not in sv.section.columns:
            return False
        units.add(ctx.unit(table))
        if ref.summed:
            rows: Sequence[Row] = sv.select(ref.row or "*")
        elif (found := sv.by_key.get(ref.row or "")) is not None:
            rows = (found,)
        else:
            return False
        sums = sv.sums(col)
        if sums is not None:  # the reader's columns: numbers and blanks (0) only
            for r in rows:
                if weight is None:
                    total = sums[r.at]
                else:
                    expected += weight * sums[r.at]
            continue
        for r in rows:
            amount = r.values.get(col)
            if amount is None and ref.summed:
                continue
            if amount is None or amount.unknown:
                return False
            if amount.value is None:
                continue
            if weight is None:
                total = amount.value
            else:
                expected += weight * amount.value
    if len(units) != 1:
        return False
    difference = (total or _ZERO) - expected
    return difference == _ZERO if relation == "=" else difference <= _ZERO
