"""The text against itself: parts and totals, each percentage against its amounts, the same
quantity stated twice, and 三公 amounts against their counts. Needs no workbook."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from juesuan.text import compare
from juesuan.text.compare import Value
from juesuan.text.context import Context
from juesuan.text.emit import at_figure, fmt, severity_of
from juesuan.text.extract import Figure
from juesuan.text.quantities import name_of
from juesuan.validators.interval import Status

# total ← parts; alternatives in order, the first whose parts are all stated is used
SUMS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("income.grand_total", (("income.total", "income.nfb", "income.carry_in"),)),
    ("exp.grand_total", (("exp.total", "exp.surplus", "exp.carry_out"),)),
    ("income.grand_total", (("exp.grand_total",),)),
    ("income.total", (("income.fiscal", "income.superior", "income.business",
                       "income.operating", "income.affiliated", "income.other"),)),
    ("exp.total", (("exp.basic", "exp.project", "exp.to_superior", "exp.operating",
                    "exp.to_affiliated"), ("exp.basic", "exp.project"))),
    ("fiscal.income_grand", (("fiscal.carry_in", "fiscal.income"),)),
    ("fiscal.exp_grand", (("fiscal.carry_out", "fiscal.exp"),)),
    ("fiscal.income_grand", (("fiscal.exp_grand",),)),
    ("gpb.basic", (("gpb.personnel", "gpb.public"),)),
    ("three.total", (("three.abroad", "three.vehicle", "three.reception"),
                     ("three.abroad", "three.vehicle_purchase", "three.vehicle_operation",
                      "three.reception"))),
    ("three.vehicle", (("three.vehicle_purchase", "three.vehicle_operation"),)),
    ("budget:three.total", (("budget:three.abroad", "budget:three.vehicle", "budget:three.reception"),
                            ("budget:three.abroad", "budget:three.vehicle_purchase",
                             "budget:three.vehicle_operation", "budget:three.reception"))),
    ("budget:three.vehicle", (("budget:three.vehicle_purchase", "budget:three.vehicle_operation"),)),
    ("proc.total", (("proc.goods", "proc.works", "proc.services"),)),
    ("staff.total", (("staff.active", "staff.li", "staff.retired"),)),
)  # fmt: skip


def _value(fig: Figure) -> Value:
    return Value(fig.value, fig.half)


def _first(ctx: Context, key: str) -> Figure | None:
    """The first unambiguous statement of a quantity (amount, 决算数, budget or count)."""
    for f in ctx.x.figures:
        if (
            f.key == key
            and not f.alternatives
            and f.explicit
            and f.kind in ("amount", "actual", "budget", "count")
        ):
            return f
    return None


def _unit(key: str) -> str:
    return "" if key.startswith("staff.") else " 万元"


def check_sums(ctx: Context) -> None:
    for total_key, alternatives in SUMS:
        total = _first(ctx, total_key)
        if total is None:
            continue
        for parts_keys in alternatives:
            parts = [_first(ctx, k) for k in parts_keys]
            if all(p is not None for p in parts):
                _sum(ctx, total, [p for p in parts if p is not None])
                break
    _item_sums(ctx)


def _item_sums(ctx: Context) -> None:
    """一般公共预算 支出 = Σ 类; each 类 = Σ its 项 (when the text lists 项 of that 类)."""
    items = [
        f for f in ctx.x.figures if f.kind == "amount" and (f.key or "").startswith("gpb.item:")
    ]
    codes: dict[str, Figure] = {}  # the first statement of each code, in text order
    for f in items:
        code = (f.key or "").split(":")[1]
        codes.setdefault(code, f)
    classes = [f for c, f in codes.items() if len(c) == 3]
    total = _first(ctx, "gpb.total")
    if total is not None and classes:
        _sum(ctx, total, classes)
    for code, cls in codes.items():
        if len(code) != 3:
            continue
        leaves = [f for c, f in codes.items() if len(c) == 7 and c.startswith(code)]
        if leaves:
            _sum(ctx, cls, leaves)


def _sum(ctx: Context, total: Figure, parts: Sequence[Figure]) -> None:
    result = compare.equal(_value(total), [_value(p) for p in parts])
    if result.status is Status.PASS:
        return
    unit = _unit(total.key or "")
    show = (lambda v: str(int(v))) if total.kind == "count" else fmt
    terms = " + ".join(f"{p.label or name_of(p.key or '')} {show(p.value)}" for p in parts)
    name = total.label or name_of(total.key or "")
    zh = f"{name} {show(total.value)}{unit} ≠ {terms} = {show(result.expected)}{unit}"
    en = f"{name} {show(total.value)} ≠ {terms} = {show(result.expected)}"
    if result.status is Status.NOTICE:
        zh += "（在舍入误差内）"
        en += " (within rounding)"
    ctx.findings.append(at_figure(ctx.doc, "TX303", zh, en, total, result=result,
                                  severity=severity_of(result),
                                  place=f"sum|{total.key}|{'+'.join(p.key or '' for p in parts)}"))  # fmt: skip


def check_restated(ctx: Context) -> None:
    groups: dict[str, list[Figure]] = {}
    for f in ctx.x.figures:
        stated = f.kind in ("amount", "actual", "budget", "count")
        if stated and f.key and not f.alternatives and f.explicit:
            groups.setdefault(f.key, []).append(f)
    for figs in groups.values():
        first = figs[0]
        for later in figs[1:]:
            _differs(ctx, later, [first])
    for f in ctx.x.figures:
        if f.alternatives and f.kind == "amount":
            candidates = [g for k in f.alternatives for g in groups.get(k, [])[:1]]
            if candidates:
                _differs(ctx, f, candidates)


def _differs(ctx: Context, fig: Figure, earlier: list[Figure]) -> None:
    results = [compare.equal(_value(fig), [_value(e)]) for e in earlier]
    if any(r.status is Status.PASS for r in results):
        return
    result = results[0]
    elsewhere = "、".join(f"「{e.section.path}」中为 {e.printed}" for e in earlier)
    name = fig.label or name_of(fig.key or "")
    zh = f"“{name} {fig.printed}”与前文不一致：{elsewhere}"
    en = f"'{name} {fig.printed}' contradicts the text elsewhere: " + "; ".join(
        f"[{e.section.path}] {e.printed}" for e in earlier
    )
    if result.status is Status.NOTICE:
        zh += "（在舍入误差内）"
        en += " (within rounding)"
    related_pos = ", ".join(str(e.start) for e in earlier)
    ctx.findings.append(at_figure(ctx.doc, "TX306", zh + f"（前文位置：第 {related_pos} 字）",
                                  en + f" (at {related_pos})", fig, result=result,
                                  severity=severity_of(result)))  # fmt: skip


def _base(ctx: Context, fig: Figure, key: str) -> Figure | None:
    """A share's denominator: stated in the same section if it is, else first in the text."""
    same = [f for f in ctx.x.stated(key) if f.section is fig.section and not f.alternatives]
    return same[0] if same else _first(ctx, key)


def _percent(
    ctx: Context, code: str, fig: Figure, fn: Callable[..., Decimal], inputs: Sequence[Value],
    formula_zh: str, formula_en: str,
) -> None:  # fmt: skip
    result = compare.percentage(_value(fig), compare.decimals_of(fig.value), fn, *inputs)
    if result is None:
        ctx.not_checked(fig, "分母可能为 0，无法复算", "the denominator may be zero")
        return
    if result.status is Status.PASS:
        return
    zh = f"“{fig.label}{fig.printed}”与复算值不符：{formula_zh} = {fmt(result.expected)}%"
    en = f"'{fig.label} {fig.printed}' does not match {formula_en} = {fmt(result.expected)}%"
    if result.status is Status.NOTICE:
        zh += "（在舍入误差内）"
        en += " (within rounding)"
    ctx.findings.append(at_figure(ctx.doc, code, zh, en, fig, result=result,
                                  severity=severity_of(result)))  # fmt: skip


def check_percentages(ctx: Context) -> None:
    for fig in ctx.x.figures:
        if fig.kind == "share" and fig.subject is not None and fig.denominator:
            base = _base(ctx, fig, fig.denominator)
            if base is None:
                ctx.not_checked(fig, "说明未写出占比的分母金额", "the share's base is not stated")
                continue
            if base.value - base.half <= 0:
                ctx.not_checked(fig, "分母为 0", "the base is 0")
                continue
            n, d = fig.subject, base
            _percent(ctx, "TX302", fig, compare.share, [_value(n), _value(d)],
                     f"{name_of(n.key or '')} {fmt(n.value)} ÷ {name_of(d.key or '')} {fmt(d.value)}",
                     f"{fmt(n.value)} / {fmt(d.value)}")  # fmt: skip
        elif fig.kind == "yoy_pct" and fig.subject is not None:
            _growth(ctx, fig)
        elif fig.kind in ("diff_rate", "completion") and fig.pair is not None:
            _budget_rate(ctx, fig)


def _growth(ctx: Context, fig: Figure) -> None:
    change, current = fig.pair, fig.subject
    if change is None or current is None:
        ctx.not_checked(fig, "未写出增减额", "no change amount stated")
        return
    prior = Value(current.value - change.value, current.half + change.half)
    if prior.lo <= 0:
        ctx.not_checked(fig, "上年数为 0（或在舍入误差内为 0），增减幅度无意义",
                        "last year's amount is 0: no growth rate")  # fmt: skip
        return
    x, c = fmt(change.value), fmt(current.value)
    _percent(ctx, "TX304", fig, compare.growth, [_value(change), _value(current)],
             f"增减额 {x} ÷（本年 {c} − {x}）", f"{x} / ({c} − {x})")  # fmt: skip


def _budget_rate(ctx: Context, fig: Figure) -> None:
    budget = fig.pair
    assert budget is not None
    actual = budget.actual or budget.subject
    if actual is None:
        ctx.not_checked(fig, "未写出决算数", "no actual amount stated")
        return
    if budget.value - budget.half <= 0:
        ctx.not_checked(fig, "预算数为 0，差异率无意义", "the budget is 0")
        return
    a, b = fmt(actual.value), fmt(budget.value)
    if fig.kind == "diff_rate":
        _percent(ctx, "TX305", fig, compare.variance, [_value(actual), _value(budget)],
                 f"（决算数 {a} − 预算数 {b}）÷ {b}", f"({a} − {b}) / {b}")  # fmt: skip
    else:
        _percent(ctx, "TX305", fig, compare.share, [_value(actual), _value(budget)],
                 f"决算数 {a} ÷ 预算数 {b}", f"{a} / {b}")  # fmt: skip


# 三公 amount ↔ the counts that must be non-zero exactly when it is
COUNT_PAIRS = (
    ("three.abroad", "three.abroad_groups"),
    ("three.abroad", "three.abroad_people"),
    ("three.reception", "three.reception_batches"),
    ("three.vehicle_purchase", "three.vehicles_bought"),
)


def check_counts(ctx: Context) -> None:
    for amount_key, count_key in COUNT_PAIRS:
        amount, count = _first(ctx, amount_key), _first(ctx, count_key)
        if amount is None or count is None or (amount.value > 0) == (count.value > 0):
            continue
        _count_finding(ctx, amount, count)
    operation, held = _first(ctx, "three.vehicle_operation"), _first(ctx, "three.vehicles_held")
    if operation is not None and held is not None and operation.value > 0 and held.value == 0:
        _count_finding(ctx, operation, held)
    _counts_present(ctx)


# the counts §4 wants stated beside a non-zero 三公 amount
COUNTS_STATED = (
    ("three.abroad", ("three.abroad_groups", "three.abroad_people")),
    ("three.reception", ("three.reception_batches", "three.reception_people")),
    ("three.vehicle_purchase", ("three.vehicles_bought",)),
    ("three.vehicle_operation", ("three.vehicles_held",)),
)


def _counts_present(ctx: Context) -> None:
    for amount_key, count_keys in COUNTS_STATED:
        amount = _first(ctx, amount_key)
        if amount is None or amount.value <= 0:
            continue
        if any(_first(ctx, k) is not None for k in count_keys):
            continue
        names = "、".join(name_of(k) for k in count_keys)
        zh = f"{name_of(amount_key)} {amount.printed}，但说明未写明{names}"
        en = f"{name_of(amount_key, 'en')} {amount.printed} but no count ({names}) is stated"
        ctx.findings.append(at_figure(ctx.doc, "TX311", zh, en, amount,
                                      place=f"count-missing|{amount_key}"))  # fmt: skip


def _count_finding(ctx: Context, amount: Figure, count: Figure) -> None:
    a, c = name_of(amount.key or ""), name_of(count.key or "")
    zh = f"{a} {amount.printed}，而{c}为 {count.printed}：金额与数量不相称"
    en = f"{a} {amount.printed} but {c} {count.printed}: amount and count disagree"
    ctx.findings.append(at_figure(ctx.doc, "TX311", zh, en, count,
                                  place=f"count|{amount.key}|{count.key}"))  # fmt: skip
