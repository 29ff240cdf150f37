"""Check an explanation text: alone, against its workbook, and against last year's."""

from __future__ import annotations

from dataclasses import dataclass, replace

from juesuan.findings import Also, Finding
from juesuan.tables import Workbook
from juesuan.text.against_tables import check_prior, check_tables
from juesuan.text.arithmetic import check_counts, check_percentages, check_restated, check_sums
from juesuan.text.context import Context
from juesuan.text.document import Document, split
from juesuan.text.extract import Extraction, extract
from juesuan.text.perf import PerfTable, read_tables
from juesuan.text.source import Source


@dataclass
class TextResult:
    doc: Document
    extraction: Extraction
    perf: list[PerfTable]
    findings: list[Finding]
    unchecked: list[tuple[object, str, str]]

    def coverage(self) -> dict[str, int]:
        figures = self.extraction.figures
        indicators = sum(len(t.indicators) for t in self.perf)
        return {
            "sections": sum(1 for s in self.doc.sections if s.heading),
            "figures": len(figures),
            "amounts": sum(1 for f in figures if f.kind in ("amount", "actual", "budget")),
            "percentages": sum(1 for f in figures if f.is_percent),
            "changes": sum(1 for f in figures if f.kind == "yoy_amount"),
            "counts": sum(1 for f in figures if f.kind == "count"),
            "perf_tables": len(self.perf),
            "perf_indicators": indicators,
            "skipped_sentences": len({(k.start, k.sentence) for k in self.extraction.skipped}),
            "unchecked": len(self.unchecked),
        }


def check_text(
    source: Source, wb: Workbook | None = None, prior: Workbook | None = None
) -> TextResult:
    doc = split(source.name, source.text)
    year = wb.year if wb is not None else None
    x = extract(doc, year)
    ctx = Context(doc, x, read_tables(doc), wb, prior)
    check_tables(ctx)
    check_sums(ctx)
    check_percentages(ctx)
    check_restated(ctx)
    check_counts(ctx)
    from juesuan.text.performance import check_perf

    check_perf(ctx)
    check_prior(ctx)
    ctx.findings.sort(key=lambda f: f.text_offset or 0)
    findings = _distinct(_one_per_figure(ctx.findings))
    return TextResult(doc, x, ctx.perf, findings, list(ctx.unchecked))


def _one_per_figure(findings: list[Finding]) -> list[Finding]:
    """A figure that disagrees with its table cell (TX301) usually also disagrees with the
    same quantity stated elsewhere in the text (TX306): one defect, one finding. The TX306 is
    kept inside the TX301, which names the cell to look at."""
    by_place: dict[int, Finding] = {
        f.text_offset: f for f in findings if f.code == "TX301" and f.text_offset is not None
    }
    folded: dict[int, list[Finding]] = {}
    for f in findings:
        if f.code == "TX306" and f.text_offset in by_place:
            folded.setdefault(f.text_offset, []).append(f)
    if not folded:
        return findings
    out: list[Finding] = []
    for f in findings:
        if f.code == "TX306" and f.text_offset in folded:
            continue
        inside = folded.get(f.text_offset or -1, []) if f.code == "TX301" else []
        if inside:
            also = tuple(Also.of(o) for o in inside)
            zh = f.message + "".join(
                "；前文也不同（TX306）：" + o.message.split("与前文不一致：", 1)[-1] for o in inside
            )
            en = f.message_en + "".join(
                "; the text also says otherwise elsewhere (TX306): "
                + o.message_en.split("contradicts the text elsewhere: ", 1)[-1]
                for o in inside
            )
            f = replace(f, message=zh, message_en=en, also=f.also + also)
        out.append(f)
    return out


def _distinct(findings: list[Finding]) -> list[Finding]:
    """The same rule on the same quantity twice in one section (two restatements of it) would
    share a fingerprint: number the repeats in text order, so each keeps its own."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        n = seen.get(f.fingerprint, 0)
        seen[f.fingerprint] = n + 1
        out.append(replace(f, place=f"{f.place}#{n}") if n else f)
    return out
