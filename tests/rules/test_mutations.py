"""Every amount the identities compare in the clean sample is guarded: +1.00 on it gives an ERROR
that names it (as the finding's cell or a related cell).

The cells come from the engine itself (`cells_used`: every cell a comparison read on the clean
sample, blanks included), so a rule added to the catalogues widens this test by itself.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import pytest
from rulecases import amount, clean_sample, reflag

from juesuan.findings import Severity
from juesuan.tables import Amount, Row, Workbook
from juesuan.validators.engine import cells_used, check_identities

# Cells where +1.00 legitimately gives no ERROR naming them, each with its reason.
EXEMPT: dict[str, str] = {}


def _where(wb: Workbook) -> dict[tuple[str, str], tuple[str, str, int, str]]:
    """(sheet, cell) → (table, section, row index, column) of every amount in the workbook."""
    out: dict[tuple[str, str], tuple[str, str, int, str]] = {}
    for table in wb.tables.values():
        for section in table.sections.values():
            for i, row in enumerate(section.rows):
                for column, a in row.values.items():
                    out[(a.sheet, a.cell)] = (table.key, section.key, i, column)
    return out


@functools.cache
def _targets() -> list[tuple[str, str]]:
    return sorted(cells_used(clean_sample()))


def _plus_one(wb: Workbook, sheet: str, cell: str) -> Workbook:
    """A copy of the workbook with 1.00 added to one cell; only its row is copied."""
    table_key, section_key, index, column = _where(wb)[(sheet, cell)]
    table = wb.tables[table_key]
    section = table.sections[section_key]
    old: Amount = section.rows[index].values[column]
    new = amount(f"{old.zero_if_blank + 1:.2f}", sheet, cell, old)
    rows: list[Row] = list(section.rows)
    rows[index] = rows[index].replace(values={**rows[index].values, column: new})
    sections = {**table.sections, section_key: replace(section, rows=rows)}
    changed = replace(table, sections=sections)
    reflag([changed])  # +1.00 makes a published empty table non-empty, as the reader would
    return replace(wb, tables={**wb.tables, table_key: changed})


def test_the_engine_reads_cells_of_every_table() -> None:
    sheets = {t.sheet for t in clean_sample().tables.values()}
    assert {s for s, _ in _targets()} == sheets
    assert set(EXEMPT) <= {f"{s}!{c}" for s, c in _targets()}


@pytest.mark.parametrize("target", _targets(), ids=lambda t: f"{t[0]}!{t[1]}")
def test_plus_one_is_an_error_naming_the_cell(target: tuple[str, str]) -> None:
    sheet, cell = target
    findings, _ = check_identities(_plus_one(clean_sample(), sheet, cell))
    naming = [
        f
        for f in findings
        if f.severity is Severity.ERROR
        and ((f.sheet, f.cell) == target or any((r.sheet, r.cell) == target for r in f.related))
    ]
    label = f"{sheet}!{cell}"
    if label in EXEMPT:
        assert naming == [], f"{label} is exempt ({EXEMPT[label]}) but now gives an error"
        return
    assert naming, (
        f"+1.00 on {label}: no ERROR names it; got {[(f.code, f.cell) for f in findings]}"
    )
    # one wrong cell, one error: the checks it breaks are grouped into a single finding
    # (validators/rootcause.py); without grouping a wrong cell gives 2.2 errors on average
    errors = [(f.code, f.cell) for f in findings if f.severity is Severity.ERROR]
    assert len(errors) == 1, f"+1.00 on {label} gives {len(errors)} errors: {errors}"
