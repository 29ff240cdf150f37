"""The reader's column-by-column paths build exactly what its row-by-row path builds.

parse/rows.py reads a section's amounts column by column (`_amount_rows`) and a plain coded
table's rows column by column (`_plain_coded_rows`); anything unusual goes row by row, with its
findings. Both must give the same typed tables and findings: here every sample workbook and a
generated one are read both ways and compared cell by cell.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from juesuan.parse import rows
from juesuan.read import read_workbook
from juesuan.tables import Workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_workbooks").glob("*.xlsx"))


def _snapshot(wb: Workbook) -> list[Any]:
    out: list[Any] = [[(f.code, f.cell, f.message) for f in wb.findings]]
    for key in sorted(wb.tables):
        table = wb.tables[key]
        for section in table.sections.values():
            for row in section.rows:
                out.append(
                    (
                        key,
                        section.key,
                        row.key,
                        row.label,
                        row.sheet_row,
                        row.label_cell,
                        row.code,
                        row.level,
                        row.panel,
                        sorted(row.values.items()),
                    )
                )
    return out


def _row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "_amount_rows", lambda *a, **k: None)
    monkeypatch.setattr(rows, "_plain_coded_rows", lambda *a, **k: None)


def _generated(tmp_path: Path) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import workbooks  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return Path(workbooks.write(tmp_path / "typical.xlsx", 150))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_read_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _snapshot(read_workbook(path))
    _row_by_row(monkeypatch)
    assert _snapshot(read_workbook(path)) == fast


def test_generated_workbook_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _generated(tmp_path)
    fast = _snapshot(read_workbook(path))
    assert len(fast) > 800  # every row of the nine tables
    _row_by_row(monkeypatch)
    assert _snapshot(read_workbook(path)) == fast


def test_plain_tables_take_the_column_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's five coded tables are plain: the fast path must actually be taken, or the
    comparisons above compare the row-by-row path with itself."""
    taken: list[str] = []
    plain = rows._plain_coded_rows

    def spy(ctx: rows.RowContext, *args: Any) -> Any:
        found = plain(ctx, *args)
        if found is not None:
            taken.append(ctx.spec.key)
        return found

    monkeypatch.setattr(rows, "_plain_coded_rows", spy)
    read_workbook(ROOT / "sample_workbooks" / "sample_2023.xlsx")
    assert sorted(taken) == ["T2", "T3", "T5", "T8", "T9"]
