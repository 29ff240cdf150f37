"""Finding texts for identities, in the accountant's terms (Chinese) and in English.

    支出决算表 合计行「本年支出合计」573.75 ≠ 基本支出 389.27 + 项目支出 184.58 = 573.85，相差 0.10 万元

Items are named by what varies between them: the column within one row, the row within one
column. Blank items count (as 0) but are left out of the text when other items are printed,
so a sum over 25 类 rows names only the classes that have amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from juesuan.validators.interval import Outcome, Relation, Status, Weight
from juesuan.validators.view import Cell

_MAX_SHOWN = 10  # more items than this are cut to the first _SHOWN
_SHOWN = 8
_CENT = Decimal("0.01")


def fmt(value: Decimal | None) -> str:
    """An amount as printed: at least two decimals, more only if the cell holds more."""
    value = value if value is not None else Decimal(0)
    exp = value.as_tuple().exponent
    if isinstance(exp, int) and exp > -2:
        value = value.quantize(_CENT)
    return format(value, "f")


def fmt_tolerance(value: Decimal) -> str:
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Texts:
    zh: str
    en: str


def subject(total: Cell) -> Texts:
    """The total cell: '支出决算表 合计行「本年支出合计」', '收入支出决算总表 收入「总计」'."""
    table = total.table
    spec = table.spec
    side = total.section.spec.name if spec.layout == "two_sided" else ""
    many = len(total.section.spec.amount_columns) > 1
    if spec.layout == "single_row":
        return Texts(
            f"{spec.title}「{total.column_label}」",
            f"{spec.key} {spec.title}, {total.column_label}",
        )
    if total.row.key == "total":
        row_zh, row_en = "合计行", "合计 row"
    else:
        row_zh, row_en = f"「{total.row.label}」", total.row.label
    col_zh = f"「{total.column_label}」" if many else ""
    col_en = f" / {total.column_label}" if many else ""
    en_side = f" {total.section.key}" if side else ""
    return Texts(
        f"{spec.title} {side}{row_zh}{col_zh}",
        f"{spec.key} {spec.title}{en_side}, {row_en}{col_en}",
    )


def _item_name(total: Cell, item: Cell) -> str:
    if item.section is not total.section:
        # the other side of a two-sided table: '支出总计', '支出总计「合计」'
        many = len(item.section.spec.amount_columns) > 1
        col = f"「{item.column_label}」" if many else ""
        return f"{item.section.spec.name}{item.row.label}{col}"
    if item.row is total.row:
        return item.column_label
    if item.column == total.column and item.table.spec.layout != "single_row":
        return item.row.label
    return item.label


def _joint(i: int, weight: Weight) -> str:
    """What goes before the i-th item of a sum: its sign, and its coefficient unless ±1
    ('−' first, then ' + ', ' − ', ' + 0.01 × ')."""
    sign = ("−" if weight < 0 else "") if i == 0 else (" − " if weight < 0 else " + ")
    size = Decimal(weight).copy_abs()
    return sign if size == 1 else f"{sign}{format(size.normalize(), 'f')} × "


def _plain_single(items: Sequence[tuple[Weight, Cell]]) -> bool:
    return len(items) <= 1 and all(Decimal(w).copy_abs() == 1 for w, _ in items)


def terms(total: Cell, items: Sequence[tuple[Weight, Cell]], lang: str = "zh") -> str:
    """'基本支出 389.27 + 项目支出 184.58'; long sums are cut after _SHOWN items."""
    # zero and blank terms add nothing to read; every cell is still listed among the related
    shown = [(w, c) for w, c in items if c.amount.value] or list(items)[:1]
    cut = len(shown) > _MAX_SHOWN
    parts: list[str] = []
    for i, (weight, cell) in enumerate(shown[:_SHOWN] if cut else shown):
        parts.append(f"{_joint(i, weight)}{_item_name(total, cell)} {fmt(cell.amount.value)}")
    if cut:
        rest = len(shown) - _SHOWN
        parts.append(f" + …（其余 {rest} 项）" if lang == "zh" else f" + … ({rest} more)")
    return "".join(parts) if parts else "0.00"


def identity_texts(
    total: Cell,
    items: Sequence[tuple[Weight, Cell]],
    outcome: Outcome,
    relation: Relation,
    unit: str,
) -> Texts:
    who = subject(total)
    # '合计行「本年支出合计」573.75': no space after a closing bracket, one after a bare name
    lead = who.zh if who.zh.endswith("」") else who.zh + " "
    sums, sums_en = terms(total, items), terms(total, items, "en")
    actual = fmt(outcome.actual)
    # with one item '= expected' would only repeat it (unless a coefficient scales it)
    expected = "" if _plain_single(items) else f" = {fmt(outcome.expected)}"
    diff = fmt(abs(outcome.difference))
    tol = fmt_tolerance(outcome.tolerance)
    if outcome.status is Status.NOTICE:
        return Texts(
            f"{lead}{actual} 与 {sums}{expected} 相差 {diff} {unit}，"
            f"在四舍五入误差范围内（允许 ±{tol}）",
            f"{who.en}: {actual} vs {sums_en}{expected} differs by {diff} {unit}, "
            f"within rounding (±{tol} allowed)",
        )
    if relation == "<=":
        return Texts(
            f"{lead}{actual} 大于 {sums}{expected}，超出 {diff} {unit}",
            f"{who.en}: {actual} exceeds {sums_en}{expected} by {diff} {unit}",
        )
    return Texts(
        f"{lead}{actual} ≠ {sums}{expected}，相差 {diff} {unit}",
        f"{who.en}: {actual} ≠ {sums_en}{expected}, a difference of {diff} {unit}",
    )


def cell_name(cell: Cell) -> str:
    """A cell named across tables: '支出决算表 C6「合计 / 本年支出合计」'."""
    return f"{cell.table.spec.title} {cell.amount.cell}「{cell.label}」"


def _cross_terms(items: Sequence[tuple[Weight, Cell]], absent: Sequence[str]) -> str:
    parts: list[str] = []
    for i, (weight, cell) in enumerate(items):
        parts.append(f"{_joint(i, weight)}{cell_name(cell)}{fmt(cell.amount.value)}")
    parts += [(" + " if parts else "") + text for text in absent]
    return "".join(parts) if parts else "0.00"


def cross_texts(
    total: Cell,
    items: Sequence[tuple[Weight, Cell]],
    outcome: Outcome,
    relation: Relation,
    unit: str,
    absent: Sequence[tuple[str, str]] = (),
    converted: Sequence[tuple[str, str]] = (),
) -> Texts:
    """A check across tables: every cell named by its table, address and row/column.

        收入支出决算总表 D14「本年支出合计」573.85 ≠ 支出决算表 C6「合计 / 本年支出合计」573.75，相差 0.10 万元

    `absent` names partner rows one table does not print (blank, 0), in (zh, en); `converted` the tables
    restated in `unit` ((title, own unit)), noted at the end."""
    lead = cell_name(total)
    sums = _cross_terms(items, [zh for zh, _ in absent])
    sums_en = _cross_terms(items, [en for _, en in absent])
    actual = fmt(outcome.actual)
    single = len(items) + len(absent) <= 1 and _plain_single(items)
    expected = "" if single else f" = {fmt(outcome.expected)}"
    diff = fmt(abs(outcome.difference))
    tol = fmt_tolerance(outcome.tolerance)
    note = "".join(f"（{title}以{own}填报，已换算为{unit}）" for title, own in converted)
    note_en = "".join(f" ({title} is in {own}, converted to {unit})" for title, own in converted)
    if outcome.status is Status.NOTICE:
        return Texts(
            f"{lead}{actual} 与 {sums}{expected} 相差 {diff} {unit}，"
            f"在四舍五入误差范围内（允许 ±{tol}）{note}",
            f"{lead} {actual} vs {sums_en}{expected} differs by {diff} {unit}, "
            f"within rounding (±{tol} allowed){note_en}",
        )
    if relation == "<=":
        return Texts(
            f"{lead}{actual} 大于 {sums}{expected}，超出 {diff} {unit}{note}",
            f"{lead} {actual} exceeds {sums_en}{expected} by {diff} {unit}{note_en}",
        )
    return Texts(
        f"{lead}{actual} ≠ {sums}{expected}，相差 {diff} {unit}{note}",
        f"{lead} {actual} ≠ {sums_en}{expected}, a difference of {diff} {unit}{note_en}",
    )
