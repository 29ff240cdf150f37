"""JUnit XML for a bureau's CI-style systems: one test case per submission.

A submission that fails carries a `<failure>` listing its errors; one that cannot be read an
`<error>` with the reason; warnings and notices go to `<system-out>` so they are visible without
failing the case. Built with ElementTree, which escapes whatever a workbook holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree as ET

from juesuan.findings import Report, Severity


def dumps(
    reports: Sequence[Report],
    lang: str = "zh",
    *,
    timestamp: datetime,
    seconds: Sequence[float] | None = None,
) -> str:
    times = list(seconds) if seconds is not None else [0.0] * len(reports)
    failures = sum(r.status == "fail" for r in reports)
    errors = sum(r.status == "unreadable" for r in reports)
    suites = ET.Element(
        "testsuites",
        name="juesuan intake",
        tests=str(len(reports)),
        failures=str(failures),
        errors=str(errors),
        time=f"{sum(times):.3f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="juesuan intake",
        tests=str(len(reports)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        timestamp=timestamp.isoformat(timespec="seconds"),
        time=f"{sum(times):.3f}",
    )
    for report, spent in zip(reports, times, strict=True):
        case = ET.SubElement(
            suite,
            "testcase",
            classname=report.unit_name or "juesuan",
            name=report.file,
            time=f"{spent:.3f}",
        )
        ordered = report.sorted_findings()
        if report.status == "unreadable":
            first = ordered[0]
            ET.SubElement(
                case, "error", message=first.text(lang), type=first.code
            ).text = "\n".join(f.line(lang) for f in ordered)
            continue
        errs = [f for f in ordered if f.severity is Severity.ERROR]
        if errs:
            count = f"{len(errs)} 个错误" if lang != "en" else f"{len(errs)} error(s)"
            ET.SubElement(
                case, "failure", message=f"{count}：{errs[0].text(lang)}" if lang != "en"
                else f"{count}: {errs[0].text(lang)}", type=errs[0].code
            ).text = "\n".join(f.line(lang) for f in errs)  # fmt: skip
        rest = [f for f in ordered if f.severity is not Severity.ERROR]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(f.line(lang) for f in rest)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
