"""CSV: one line per finding, for spreadsheets and bureau systems (UTF-8 with BOM so Excel
opens Chinese text correctly). Amounts are exact decimal strings, as in the JSON contract."""

from __future__ import annotations

import csv
import io

from juesuan.findings import Report, fmt_amount

COLUMNS = (
    "file", "status", "code", "name", "severity", "table", "sheet", "cell", "row", "column",
    "actual", "expected", "difference", "tolerance", "related", "message", "fingerprint",
    "also",
    "text_section", "text_line", "text_offset", "text_quote",
)  # fmt: skip


def dumps(reports: list[Report], lang: str = "zh") -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for report in reports:
        for f in report.sorted_findings():
            related = "; ".join(
                f"{r.sheet}!{r.cell}={fmt_amount(r.value) if not isinstance(r.value, str) else r.value}"
                for r in f.related
            )
            writer.writerow(
                (
                    report.file, report.status, f.code, f.name, f.severity.value, f.table or "",
                    f.sheet or "", f.cell or "", f.row or "", f.column or "",
                    fmt_amount(f.actual) or "", fmt_amount(f.expected) or "",
                    fmt_amount(f.difference) or "", fmt_amount(f.tolerance) or "",
                    related, f.text(lang), f.fingerprint,
                    "; ".join(f"{a.code}@{a.sheet}!{a.cell}" if a.cell else a.code for a in f.also),
                    f.text_section or "", "" if f.text_line is None else f.text_line,
                    "" if f.text_offset is None else f.text_offset, f.text_quote or "",
                )
            )  # fmt: skip
    return buf.getvalue()
