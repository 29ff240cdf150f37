"""Readable console output, grouped by table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from juesuan.findings import Report, Severity
from juesuan.i18n import t

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTICE: "cyan"}


def render(report: Report, console: Console, lang: str = "zh") -> None:
    if report.unreadable:
        f = report.findings[0]
        console.print(
            Text(f"{report.file}：" if lang == "zh" else f"{report.file}: ", style="bold")
            + Text(f"{t('unreadable', lang)} — {f.text(lang)} [{f.code}]", style="bold red")
        )
        return
    head = [
        f"{t('file', lang)}: {report.file}",
        f"{t('unit_name', lang)}: {report.unit_name or '—'}",
        f"{t('year', lang)}: {report.year or '—'}",
        f"{t('edition', lang)}: {report.edition}",
        f"{t('currency', lang)}: {report.currency_unit}",
    ]
    console.print(Text("  ".join(head), style="bold"))
    found = Table(title=t("tables_found", lang), title_justify="left", show_lines=False)
    found.add_column(t("table", lang), no_wrap=True)
    found.add_column(t("title", lang), no_wrap=True)
    found.add_column(t("range", lang), no_wrap=True)
    found.add_column(t("currency", lang), no_wrap=True)
    for info in report.tables:
        title = info.title + (f" ({t('empty', lang)})" if info.empty else "")
        # the sheet is named only when it is not simply the table's title
        where = info.range if info.sheet == info.title else f"{info.sheet}!{info.range}"
        found.add_row(info.key, title, where, info.unit or "—")
    if report.tables or report.text is None:  # a text checked alone has no tables to list
        console.print(found)
    findings = report.sorted_findings()
    if not findings:
        console.print(Text(t("no_findings", lang), style="green"))
    groups: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        # findings of the explanation text that name no table cell get their own group
        groups.setdefault(f.table or ("说明" if f.text_offset is not None else ""), []).append(i)
    titles = {info.key: info.title for info in report.tables}
    if report.edition is not None:  # a missing table has no printed title: use the official one
        from juesuan.spec import load_edition

        for spec in load_edition(report.edition).tables:
            titles.setdefault(spec.key, spec.title)
    for key in sorted(groups, key=lambda k: (k == "", k)):
        label = f"{key} {titles.get(key, '')}".strip() or t("workbook", lang)
        if key == "说明":
            label = t("text_findings", lang)
        console.print(Text(f"\n{label}", style="bold underline"))
        for i in groups[key]:
            f = findings[i]
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
            line = Text("  ")
            line.append(f"{t(f.severity.value, lang):<4}", style=_STYLE[f.severity])
            line.append(f" {f.code} ", style="dim")
            if where:
                line.append(f"{where} ", style="magenta")
            line.append(f.text(lang))
            console.print(line)
            if f.text_offset is not None:
                at = t("text_at", lang, line=f.text_line, offset=f.text_offset)
                console.print(Text(f"      {at}「{f.text_quote}」", style="dim"))
    counts = {
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "notices": report.count(Severity.NOTICE),
    }
    if report.skipped:
        console.print(Text(t("skipped", lang, count=len(report.skipped)), style="dim"))
        for reason in report.skipped_lines(lang):
            console.print(Text(f"  {reason}", style="dim"))
    status = t(report.status, lang)
    style = "bold green" if report.status == "pass" else "bold red"
    console.print(Text(f"\n{t('summary', lang, **counts)} — ") + Text(status, style=style))
