"""The 绩效自评表: 执行率 = 全年执行数 / 全年预算数; 总分 = Σ 得分 (with every 得分 ≤ its 分值);
an indicator's result against its target; and the projects' totals stated in the prose."""

from __future__ import annotations

import re
from decimal import Decimal

from juesuan.findings import Severity
from juesuan.text import compare
from juesuan.text.compare import Value
from juesuan.text.context import Context
from juesuan.text.emit import at_figure, at_text, fmt, severity_of
from juesuan.text.numbers import half_width
from juesuan.text.perf import Indicator, Number, PerfTable, printed_line
from juesuan.validators.interval import Status


def _v(n: Number) -> Value:
    return Value(n.value, half_width(compare.decimals_of(n.value)))


def _where(table: PerfTable) -> str:
    return f"{table.section.heading}：{table.project}" if table.project else table.section.heading


def check_perf(ctx: Context) -> None:
    for table in ctx.perf:
        _rate(ctx, table)
        _scores(ctx, table)
        for ind in table.indicators:
            _indicator(ctx, table, ind)
    _overview(ctx)


def _rate(ctx: Context, t: PerfTable) -> None:
    if t.rate is None or t.executed is None or t.year_budget is None:
        return
    if t.year_budget.value <= 0:
        return
    result = compare.percentage(
        _v(t.rate),
        compare.decimals_of(t.rate.value),
        compare.share,
        _v(t.executed),
        _v(t.year_budget),
    )
    if result is None or result.status is Status.PASS:
        return
    zh = (f"执行率 {t.rate.printed} 与 全年执行数 {t.executed.printed} ÷ 全年预算数 "
          f"{t.year_budget.printed} = {fmt(result.expected)}% 不符")  # fmt: skip
    en = f"execution rate {t.rate.printed} ≠ {t.executed.printed} / {t.year_budget.printed}"
    ctx.findings.append(at_text(ctx.doc, "TX307", zh, en, section=_where(t), sentence=t.funds_line,
                                offset=t.funds_offset, result=result, severity=severity_of(result),
                                place=f"rate|{t.project}"))  # fmt: skip


def _scores(ctx: Context, t: PerfTable) -> None:
    if t.total_score is None or t.total_weight is None:
        return
    rows: list[tuple[str, Number, Number, str, int]] = [
        (i.name, i.weight, i.score, i.line, i.offset) for i in t.indicators
    ]
    if t.weight is not None and t.score is not None:
        rows.insert(0, ("年度资金总额", t.weight, t.score, t.funds_line, t.funds_offset))
    for name, weight, score, line, offset in rows:
        if score.value > weight.value:
            zh = f"指标「{name}」得分 {score.printed} 超过其分值 {weight.printed}"
            en = f"indicator '{name}' scores {score.printed}, above its weight {weight.printed}"
            ctx.findings.append(at_text(ctx.doc, "TX308", zh, en, section=_where(t), sentence=line,
                                        offset=offset, place=f"over|{t.project}|{name}"))  # fmt: skip
    weights = sum((w.value for _, w, _, _, _ in rows), Decimal(0))
    if weights != t.total_weight.value:
        ctx.not_checked(None, f"{_where(t)}：读到的分值合计 {weights} ≠ {t.total_weight.value}，"
                        "可能漏读指标行，总分未核对",
                        f"{_where(t)}: weights read add up to {weights}, not "
                        f"{t.total_weight.value}; total score not checked")  # fmt: skip
        return
    result = compare.equal(_v(t.total_score), [_v(s) for _, _, s, _, _ in rows])
    if result.status is Status.PASS:
        return
    zh = (f"总分 {t.total_score.printed} ≠ 各项得分之和 {fmt(result.expected)}"
          f"（{len(rows)} 项）")  # fmt: skip
    en = f"total score {t.total_score.printed} ≠ sum of scores {fmt(result.expected)}"
    ctx.findings.append(at_text(ctx.doc, "TX308", zh, en, section=_where(t),
                                sentence=printed_line(ctx.doc, t.total_offset),
                                offset=t.total_offset, result=result, severity=severity_of(result),
                                place=f"total|{t.project}"))  # fmt: skip


_MEASURE = re.compile(r"^(?P<op><=|>=|<|>|=|≤|≥)?\s*(?P<num>[\d.,]+)\s*(?P<unit>.*)$")
_SCALE = {"元": Decimal(1), "万元": Decimal(10000), "万": Decimal(10000), "亿元": Decimal(10**8)}


def _measure(text: str) -> tuple[str, Decimal, str] | None:
    m = _MEASURE.match(text.strip())
    if m is None:
        return None
    try:
        value = Decimal(m.group("num").replace(",", ""))
    except ArithmeticError:
        return None
    op = {"≤": "<=", "≥": ">="}.get(m.group("op") or "=", m.group("op") or "=")
    unit = m.group("unit").strip()
    head = unit.split("/")[0]
    if head in _SCALE:  # money: compare in 元, keep a per-unit suffix such as /块
        return op, value * _SCALE[head], "元" + unit[len(head) :]
    return op, value, unit


def _indicator(ctx: Context, t: PerfTable, ind: Indicator) -> None:
    if ind.target is None or ind.actual is None:
        return
    target, actual = _measure(ind.target), _measure(ind.actual)
    if target is None or actual is None or target[2] != actual[2]:
        return
    op, goal, _ = target
    value = actual[1]
    met = {"<=": value <= goal, "<": value < goal, ">=": value >= goal, ">": value > goal,
           "=": value == goal}[op]  # fmt: skip
    if met:
        return
    ratio = max(value, goal) / min(value, goal) if min(value, goal) > 0 else None
    full = ind.score.value >= ind.weight.value
    if not full and (ratio is None or ratio < 10):
        return  # an ordinary shortfall, scored down: nothing contradicts
    zh = f"指标「{ind.name}」年度指标值 {ind.target}，实际完成值 {ind.actual}：未达到指标"
    en = f"indicator '{ind.name}': target {ind.target}, result {ind.actual}: target missed"
    if ratio is not None and ratio >= 10:
        zh += f"且相差 {fmt(ratio.quantize(Decimal('0.1')))} 倍，疑为指标值或计量单位填写错误"
        en += f" by a factor of {fmt(ratio.quantize(Decimal('0.1')))}: wrong target or unit?"
    if full:
        zh += f"，却得满分 {ind.score.printed}/{ind.weight.printed}"
        en += f", yet scored in full ({ind.score.printed}/{ind.weight.printed})"
    else:
        zh += f"（得分 {ind.score.printed}/{ind.weight.printed}）"
        en += f" (score {ind.score.printed}/{ind.weight.printed})"
    ctx.findings.append(at_text(ctx.doc, "TX309", zh, en, section=_where(t), sentence=ind.line,
                                offset=ind.offset, place=f"indicator|{t.project}|{ind.name}"))  # fmt: skip


def _overview(ctx: Context) -> None:
    """“预算绩效评价项目 N 个，全年预算数 A，全年执行数 B” = the N tables' totals."""
    count = next((f for f in ctx.x.figures if f.key == "perf.projects"), None)
    tables = [t for t in ctx.perf if t.year_budget is not None and t.executed is not None]
    if count is None or not tables:
        return
    if count.value != len(ctx.perf):
        ctx.not_checked(count, f"说明称 {count.value} 个项目，读到 {len(ctx.perf)} 张自评表",
                        f"{count.value} projects stated, {len(ctx.perf)} tables read")  # fmt: skip
        return
    for key, attr in (("perf.budget", "year_budget"), ("perf.exec", "executed")):
        stated = next((f for f in ctx.x.figures if f.key == key and f.kind == "amount"), None)
        if stated is None or len(tables) != len(ctx.perf):
            continue
        parts = [getattr(t, attr) for t in tables]
        result = compare.equal(Value(stated.value, stated.half), [_v(p) for p in parts])
        if result.status is Status.PASS:
            continue
        terms = " + ".join(p.printed for p in parts)
        zh = f"{stated.label} {stated.printed} ≠ 各绩效自评表合计 {terms} = {fmt(result.expected)}"
        en = f"{stated.label} {stated.printed} ≠ the tables' {terms} = {fmt(result.expected)}"
        sev = severity_of(result)
        ctx.findings.append(at_figure(ctx.doc, "TX303", zh, en, stated, result=result,
                                      severity=sev if sev is not None else Severity.ERROR))  # fmt: skip
