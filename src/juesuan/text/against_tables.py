"""The text against the tables (nine-tables.md §4, X15) and against last year's tables."""

from __future__ import annotations

import re
from decimal import Decimal

from juesuan.findings import Severity
from juesuan.text import compare
from juesuan.text.compare import Value
from juesuan.text.context import Context
from juesuan.text.emit import Cell, at_figure, fmt, lookup, severity_of
from juesuan.text.extract import Figure
from juesuan.text.quantities import name_of, ref_of
from juesuan.validators.interval import Status


def _value(fig: Figure) -> Value:
    return Value(fig.value, fig.half)


def check_tables(ctx: Context) -> None:
    if ctx.wb is None:
        return
    for fig in ctx.x.figures:
        if fig.kind in ("amount", "budget") and fig.key is not None and fig.explicit:
            _restates(ctx, fig)
    _admin_cost(ctx)


def _restates(ctx: Context, fig: Figure) -> None:
    keys = fig.alternatives or (fig.key,)
    cells = [(k, c) for k in keys if (c := lookup(ctx.wb, ref_of(k or ""))) is not None]
    if not cells:
        if ref_of(fig.key or "") is not None:
            ctx.not_checked(fig, "工作簿中找不到对应单元格", "no matching cell in the workbook")
        return
    results = [(compare.restates(_value(fig), Value(c.value, c.half), c.decimals), k, c)
               for k, c in cells]  # fmt: skip
    if any(r.status is Status.PASS for r, _, _ in results):
        return
    result, key, cell = min(results, key=lambda t: abs(t[0].difference))
    others = tuple(c.related() for _, _, c in results if c is not cell)
    name = fig.label or name_of(key or "")
    zh = f"“{name} {fig.printed}”与{cell.zh()}不一致，相差 {fmt(result.difference)} 万元"
    en = f"'{name} {fig.printed}' differs from {cell.en()} by {fmt(result.difference)} 万元"
    if len(results) > 1:
        zh += (
            "（该表述可指" + "、".join(f"{c.title} {c.cell}" for _, _, c in results) + "，均不符）"
        )
        en += " (it may mean any of these cells; none matches)"
    if result.status is Status.NOTICE:
        zh += "，在舍入误差内"
        en += ", within rounding"
    ctx.findings.append(at_figure(ctx.doc, "TX301", zh, en, fig, result=result, cell=cell,
                                  severity=severity_of(result), related=others))  # fmt: skip


_MIXED = re.compile(r"(下属|所属|下设|二级)[^。；无]{0,20}事业单位")


def administrative(ctx: Context) -> bool:
    """An administrative unit (行政单位 / 参公) unless the text says it has 事业单位 under it, or
    the tables show 事业收入/经营收入 (only 事业单位 have them)."""
    if _MIXED.search(ctx.doc.text):
        return False
    if ctx.wb is not None:
        for column in ("business", "operating"):
            cell = lookup(ctx.wb, ("T2", "main", "total", column))
            if cell is not None and cell.value > 0:
                return False
    return True


def _admin_cost(ctx: Context) -> None:
    cell = lookup(ctx.wb, ("T6", "main", "public.total", "amount"))
    for fig in ctx.x.stated("admin.cost"):
        if cell is None:
            ctx.not_checked(fig, "基本支出表缺少公用经费合计", "T6 公用经费合计 not found")
            return
        admin = administrative(ctx)
        bound = Value(cell.value, cell.half)
        result = (
            compare.equal(_value(fig), [bound]) if admin else compare.not_more(_value(fig), bound)
        )
        if result.status is Status.PASS:
            continue
        rel_zh, rel_en = ("应等于", "must equal") if admin else ("不应超过", "must not exceed")
        kind_zh = "行政单位（含参公）" if admin else "含事业单位的部门"
        zh = (f"机关运行经费 {fig.printed} {rel_zh}{cell.zh()}（{kind_zh}），"
              f"相差 {fmt(result.difference)} 万元")  # fmt: skip
        en = (f"机关运行经费 {fig.printed} {rel_en} {cell.en()} "
              f"({'administrative unit' if admin else 'mixed department'})")  # fmt: skip
        ctx.findings.append(at_figure(ctx.doc, "XT215", zh, en, fig, result=result, cell=cell,
                                      severity=severity_of(result)))  # fmt: skip


def check_prior(ctx: Context) -> None:
    """Year-on-year statements against last year's workbook: X = current − prior, and the
    percentage Y = X / prior."""
    if ctx.prior is None:
        return
    for fig in ctx.x.figures:
        if fig.kind not in ("yoy_amount", "yoy_pct") or fig.subject is None:
            continue
        cell = lookup(ctx.prior, ref_of(fig.key or ""))
        if cell is None:
            ctx.not_checked(fig, "上年工作簿中找不到对应单元格", "no cell in last year's workbook")
            continue
        current, prior = _value(fig.subject), Value(cell.value, cell.half)
        if fig.kind == "yoy_amount":
            result = compare.equal(_value(fig), [current, prior], [1, -1])
            what_zh, what_en = f"增减额 {fig.printed}", f"change {fig.printed}"
            calc = f"{fmt(current.value)} − {fmt(prior.value)} = {fmt(result.expected)} 万元"
        else:
            if prior.lo <= 0:
                ctx.not_checked(fig, "上年数为 0，增减幅度无意义", "last year was 0")
                continue
            decimals = compare.decimals_of(fig.value)
            found = compare.percentage(_value(fig), decimals, _ratio_change, current, prior)
            if found is None:
                continue
            result = found
            what_zh, what_en = f"增减幅度 {fig.printed}", f"change {fig.printed}"
            calc = f"({fmt(current.value)} − {fmt(prior.value)}) ÷ {fmt(prior.value)} = {fmt(result.expected)}%"
        if result.status is Status.PASS:
            continue
        name = name_of(fig.key or "")
        zh = f"{name}{what_zh}与上年决算表不符：本年 − 上年（{cell.zh()}）为 {calc}"
        en = f"{name} {what_en} differs from last year's workbook ({cell.en()}): {calc}"
        sev = severity_of(result) or Severity.ERROR
        ctx.findings.append(at_figure(ctx.doc, "TX310", zh, en, fig, result=result,
                                      severity=None if sev is Severity.ERROR else sev,
                                      related=(cell.related(),)))  # fmt: skip


def _ratio_change(current: Decimal, prior: Decimal) -> Decimal:
    return (current - prior) / prior


__all__ = ["Cell", "check_prior", "check_tables"]
