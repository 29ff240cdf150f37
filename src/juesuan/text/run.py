"""The text in `juesuan validate`: read the workbook (if any), the text and last year's
workbook, check, and fold the text's findings and coverage into the workbook's report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from juesuan.findings import Report
from juesuan.io.problems import InputProblem
from juesuan.tables import Workbook
from juesuan.text.check import TextResult, check_text
from juesuan.text.extract import Figure
from juesuan.text.quantities import name_of
from juesuan.text.source import Source, TextProblem, read_source, sheet_source

if TYPE_CHECKING:
    from juesuan.validators.extra import ExtraRules


def validate_with_text(
    workbook: Path | None,
    text: Path | None,
    sheet: str | None = None,
    prior: Path | None = None,
    extra: ExtraRules | None = None,
    *,
    verbose: bool = False,
    lang: str = "zh",
) -> tuple[Report, TextResult | None]:
    """The report of a workbook and/or its text (`report.text`: what was read of it, with every
    figure and skipped sentence when `verbose`). TextProblem when the text or last year's
    workbook cannot be used (the workbook itself gives an unreadable report as usual)."""
    from juesuan.read import read_workbook
    from juesuan.validate import report_for, unreadable

    wb: Workbook | None = None
    if workbook is not None:
        try:
            wb = read_workbook(workbook)
        except InputProblem as problem:
            return unreadable(str(workbook), problem), None
        report = report_for(wb, str(workbook), extra)
    else:
        assert text is not None
        report = Report(file=str(text))
    source: Source
    if text is not None:
        source = read_source(text)
    elif sheet is not None and workbook is not None:
        source = sheet_source(workbook, sheet)
    else:
        return report, None
    if wb is None:
        _title(report, source.text)
    last = _prior(prior) if prior is not None else None
    result = check_text(source, wb, last)
    report.findings.extend(result.findings)
    report.text = text_json(result, verbose, lang)
    return report, result


_TITLE = re.compile(r"^\s*(\S{2,40}?)\s*(20\d\d)\s*年度?")


def _title(report: Report, text: str) -> None:
    """Unit and year from the text's title line (“XX局 2023 年度部门决算公开说明”)."""
    from juesuan.text.normal import normalise

    raw = next((line for line in text.splitlines() if line.strip()), "")
    if m := _TITLE.match(normalise(raw)):  # 1:1 normalisation: the name is shown as printed
        report.unit_name, report.year = raw[m.start(1) : m.end(1)], int(m.group(2))


def _prior(path: Path) -> Workbook:
    from juesuan.read import read_workbook

    try:
        return read_workbook(path)
    except InputProblem as problem:
        raise TextProblem(
            f"上年工作簿：{problem.zh}", f"last year's workbook: {problem.en}"
        ) from problem


def describe(fig: Figure, lang: str = "zh") -> str:
    kinds = {
        "amount": ("金额", "amount"), "actual": ("决算数", "actual"), "budget": ("预算数", "budget"),
        "yoy_amount": ("增减额", "change"), "yoy_pct": ("增减幅度", "change %"),
        "share": ("占比", "share"), "diff_rate": ("预决算差异率", "budget variance"),
        "completion": ("预算完成率", "completion"), "count": ("数量", "count"),
    }  # fmt: skip
    zh, en = kinds.get(fig.kind, (fig.kind, fig.kind))
    name = name_of(fig.key or "", lang)
    if fig.kind in ("diff_rate", "completion") and fig.key:
        name = name_of(fig.key.removeprefix("budget:"), lang)
    if (fig.key or "").startswith("gpb.item:"):  # a 功能分类 item: the name as the text gives it
        name = fig.subject.label if fig.subject is not None else fig.label
    if fig.key is None:
        name = "（上文所述）" if lang != "en" else "(the amount discussed)"
    extra = ""
    if fig.kind == "share" and fig.denominator:
        extra = f" ÷ {name_of(fig.denominator, lang)}"
    sign = ""
    if fig.kind in ("yoy_amount", "yoy_pct") and fig.value < 0 and "-" not in fig.printed:
        sign = "（减少）" if lang != "en" else " (decrease)"
    return f"{en if lang == 'en' else zh} {name}{extra} = {fig.printed}{sign}"


def verbose_lines(result: TextResult, lang: str = "zh") -> list[str]:
    en = lang == "en"
    doc = result.doc
    cov = result.coverage()
    lines = [
        ("Extracted from the text" if en else "从说明中提取")
        + f" ({doc.name}): {cov['figures']} "
        + ("figures, " if en else "个数字，")
        + f"{cov['perf_tables']} "
        + ("performance tables with " if en else "张绩效自评表、")
        + f"{cov['perf_indicators']} "
        + ("indicators" if en else "个指标")
    ]
    section = None
    for fig in result.extraction.figures:
        if fig.section.path != section:
            section = fig.section.path
            lines.append(f"  〔{section}〕")
        lines.append(f"    {doc.line_of(fig.start):>4}:{fig.start:<6} {describe(fig, lang)}")
    for table in result.perf:
        lines.append(f"  〔{table.section.heading}：{table.project}〕")
        if table.rate is not None and table.executed is not None and table.year_budget is not None:
            lines.append(
                f"    {doc.line_of(table.funds_offset):>4}:{table.funds_offset:<6} "
                f"{table.year_budget.printed} / {table.executed.printed} / {table.rate.printed}"
            )
        for ind in table.indicators:
            lines.append(
                f"    {doc.line_of(ind.offset):>4}:{ind.offset:<6} {ind.name} "
                f"{ind.target or ''} {ind.actual or ''} {ind.weight.printed} {ind.score.printed}"
            )
    lines.append(("Skipped sentences" if en else "跳过的句子") + f": {cov['skipped_sentences']}")
    for skip in result.extraction.skipped:
        reason = skip.reason_en if en else skip.reason
        lines.append(
            f"    {doc.line_of(skip.start):>4}:{skip.start:<6} {reason}：{skip.sentence[:80]}"
        )
    lines.append(("Not checked" if en else "未核对") + f": {cov['unchecked']}")
    for item, zh, reason_en in result.unchecked:
        where, what = "", ""
        if isinstance(item, Figure):
            where = f"{doc.line_of(item.start):>4}:{item.start:<6} "
            what = describe(item, lang) + " — "
        lines.append(f"    {where}{what}{reason_en if en else zh}")
    return lines


def text_json(result: TextResult, verbose: bool, lang: str = "zh") -> dict[str, Any]:
    out: dict[str, Any] = {"file": result.doc.name, "coverage": result.coverage()}
    if verbose:
        out["figures"] = [
            {
                "section": f.section.path,
                "offset": f.start,
                "line": result.doc.line_of(f.start),
                "kind": f.kind,
                "quantity": f.key,
                "printed": f.printed,
                "value": format(f.value, "f"),
                "denominator": f.denominator,
            }
            for f in result.extraction.figures
        ]
        out["skipped"] = [
            {
                "section": s.section.path,
                "offset": s.start,
                "line": result.doc.line_of(s.start),
                "reason": s.reason_en if lang == "en" else s.reason,
                "sentence": s.sentence,
            }
            for s in result.extraction.skipped
        ]
    return out
