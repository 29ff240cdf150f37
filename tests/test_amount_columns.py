"""The checks read the reader's columns where they can, and that changes nothing but speed.

A section read by the reader's column path keeps its amounts as columns (`AmountColumns`); its
rows make their `Amount`s only when asked (`Row.values`). The schema checks (VA103, VA104) and
the plain passes of the identities and the 类/款/项 families read the columns directly
(`Section.amount_columns`, `SectionView.sums`). Here: every report is the same as when no
section offers its columns (every check then reads the rows' Amounts), on the samples and on
real files with planted defects, and a clean workbook is checked without one Amount made.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import openpyxl
import pytest

from juesuan.read import read_workbook
from juesuan.tables import AmountColumns, Row, Section
from juesuan.validate import validate_path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_workbooks").glob("*.xlsx"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import workbooks  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return Path(workbooks.write(tmp_path_factory.mktemp("gen") / "typical.xlsx", 150))


def _planted(source: Path, target: Path, seed: int) -> Path:
    """A copy of a generated workbook with a few amounts changed: a figure off by a little or a
    lot, a negative, three decimals, a figure typed as text, a blank (openpyxl writes this
    test input; it never touches a user's file)."""
    rnd = random.Random(seed)
    wb = openpyxl.load_workbook(source)
    for n in range(2 + seed % 4):
        ws = rnd.choice(wb.worksheets)
        cells = [
            c for row in ws.iter_rows() for c in row if isinstance(c.value, int | float) and c.value
        ]
        cell = rnd.choice(cells)
        value = float(cell.value)  # type: ignore[arg-type]
        match (seed + n) % 6:
            case 0:
                cell.value = round(value + rnd.choice([0.01, 1, -3.5, 100]), 2)
            case 1:
                cell.value = -value
            case 2:
                cell.value = value + 0.001
            case 3:
                cell.value = str(value)
            case 4:
                cell.value = None
            case _:
                cell.value = round(value * 2, 2)
    wb.save(target)
    return target


def _report(path: Path) -> str:
    return json.dumps(validate_path(path).to_json(), ensure_ascii=False, default=str)


def _without_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Section, "amount_columns", lambda self: None)


def _columns_offered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    offered: list[str] = []
    original = Section.amount_columns

    def spy(self: Section) -> AmountColumns | None:
        found = original(self)
        if found is not None:
            offered.append(self.key)
        return found

    monkeypatch.setattr(Section, "amount_columns", spy)
    return offered


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_report_the_same_without_columns(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        offered = _columns_offered(m)
        by_columns = _report(path)
    if path.stem == "sample_2023":
        assert offered  # the comparison below means something
    _without_columns(monkeypatch)
    assert _report(path) == by_columns


@pytest.mark.parametrize("seed", range(6))
def test_planted_defects_reported_the_same_without_columns(
    seed: int, generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _planted(generated, tmp_path / f"planted{seed}.xlsx", seed)
    with monkeypatch.context() as m:
        offered = _columns_offered(m)
        by_columns = _report(path)
    assert json.loads(by_columns)["findings"]  # each planted defect is found
    assert offered  # and some sections were still checked by their columns
    _without_columns(monkeypatch)
    assert _report(path) == by_columns


def test_clean_workbook_checked_without_making_amounts(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The point of the columns: a clean workbook's ~4,400 amount cells never become Amount
    objects (the reader's T6 and T7 still read theirs row by row)."""
    made: list[int] = []
    amounts = AmountColumns.amounts

    def counted(self: AmountColumns, i: int) -> dict[str, object]:
        made.append(i)
        return amounts(self, i)

    monkeypatch.setattr(AmountColumns, "amounts", counted)
    report = validate_path(generated)
    assert not report.findings
    assert made == []


def test_a_row_made_from_columns_is_the_row_read_one_by_one(generated: Path) -> None:
    wb = read_workbook(generated)
    section = wb.tables["T2"].section()
    columns = section.amount_columns()
    assert columns is not None
    row = section.rows[5]
    assert row.columns is columns and row.at == 5
    eager = Row(row.key, row.label, row.sheet_row, row.label_cell, row.code, row.level, None)
    eager.values = dict(row.values)
    assert eager == row
    cell = next(iter(row.values.values()))
    assert cell.cell == f"{cell.cell.rstrip('0123456789')}{row.sheet_row + 1}"
    # changing a row's amounts detaches it from the columns, and the section from them
    section.rows[5] = row.replace(values={**row.values})
    assert section.rows[5].columns is None
    assert section.amount_columns() is None


def test_findings_at_several_cells_keep_row_then_column_order(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The columns hold a section column after column; findings still name cells in sheet
    order, row by row: E20 before D22 (VA104 lists them, the first as its example; VA103 one
    finding each)."""
    path = tmp_path / "order.xlsx"
    wb = openpyxl.load_workbook(generated)
    ws = wb["收入决算表"]
    for cell in ("E20", "D22"):
        ws[cell] = float(ws[cell].value or 0) + 0.001  # type: ignore[arg-type]
    for cell in ("G21", "F23"):
        ws[cell] = -float(ws[cell].value or 1)  # type: ignore[arg-type]
    wb.save(path)
    report = validate_path(path)
    precision = next(f for f in report.findings if f.code == "VA104")
    assert precision.cell == "E20"
    assert [r.cell for r in precision.related] == ["E20", "D22"]
    assert [f.cell for f in report.findings if f.code == "VA103"] == ["G21", "F23"]
    _without_columns(monkeypatch)
    assert _report(path) == json.dumps(report.to_json(), ensure_ascii=False, default=str)
