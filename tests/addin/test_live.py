"""Reading the open workbook through xlwings gives the grids the CLI reads from the file."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from tests.addin.remote import payload
from tests.conftest import SAMPLES

from juesuan.addin.live import read_book
from juesuan.io.calamine_reader import read_grids
from juesuan.io.grid import CellValue, Grid


def _norm(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    """Both readers' values in one form: numbers as float, blanks as None, no trailing blanks."""
    out = []
    for row in rows:
        cells = [
            None
            if v == ""
            else float(v)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for v in row
        ]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _book(path: Path, edit: object = None) -> object:
    import xlwings as xw

    data = payload(path)
    if callable(edit):
        edit(data)
    return xw.Book(json=data)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_live_grids_equal_the_file_grids(name: str) -> None:
    live = read_book(_book(SAMPLES / name))
    files = read_grids(SAMPLES / name)
    assert [g.name for g in live.grids] == [g.name for g in files]
    for a, b in zip(live.grids, files, strict=True):
        assert _norm(a.rows) == _norm(b.rows), a.name
        assert sorted(a.merged) == sorted(b.merged), a.name
        assert a.hidden == b.hidden


def test_a_merge_the_live_sheet_no_longer_agrees_with_is_dropped(tmp_path: Path) -> None:
    src = tmp_path / "t7.xlsx"
    shutil.copyfile(SAMPLES / "sample_2023.xlsx", src)
    t7 = "财政拨款“三公”经费支出决算表"
    saved = next(g for g in read_grids(src) if g.name == t7)
    r0, c0, r1, c1 = next(m for m in saved.merged if m[2] > m[0] or m[3] > m[1])

    def typed_over(data: dict[str, object]) -> None:  # unsaved edit: a value inside the merge
        sheets = data["sheets"]
        assert isinstance(sheets, list)
        sheet = next(s for s in sheets if s["name"] == t7)
        sheet["values"][r1][c1] = "新内容"

    live = read_book(_book(src, typed_over))
    grid: Grid = next(g for g in live.grids if g.name == t7)
    assert (r0, c0, r1, c1) not in grid.merged
    assert len(grid.merged) == len(saved.merged) - 1


def test_a_workbook_never_saved_has_values_but_no_merges() -> None:
    def unsaved(data: dict[str, object]) -> None:
        book = data["book"]
        assert isinstance(book, dict)
        book["name"] = "工作簿1"

    live = read_book(_book(SAMPLES / "sample_2023.xlsx", unsaved))
    assert all(g.merged == () for g in live.grids)
    assert _norm(live.grids[0].rows) == _norm(read_grids(SAMPLES / "sample_2023.xlsx")[0].rows)


def test_a_used_range_inflated_to_the_sheet_bottom_is_read_only_up_to_the_limit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from juesuan.io.package_scan import Limits

    limit = Limits().max_rows

    def formatted_to_the_bottom(data: dict[str, object]) -> None:
        sheets = data["sheets"]
        assert isinstance(sheets, list)
        values = sheets[0]["values"]
        width = len(values[0])
        values.extend([""] * width for _ in range(limit + 1000 - len(values)))
        values[-1][0] = "x"  # Excel's used range reaches the last formatted row

    log = logging.getLogger("juesuan.addin")  # it does not propagate: the add-in owns its log
    log.addHandler(caplog.handler)
    try:
        live = read_book(_book(SAMPLES / "sample_2023.xlsx", formatted_to_the_bottom))
    finally:
        log.removeHandler(caplog.handler)
    first = live.grids[0]
    assert len(first.rows) < limit  # read up to the limit, trailing blanks dropped
    assert _norm(first.rows) == _norm(read_grids(SAMPLES / "sample_2023.xlsx")[0].rows)
    assert f"只读取前 {limit} 行" in caplog.text
