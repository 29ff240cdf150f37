"""A header mapping is kept per header (the same header prints in every workbook of a year):
one taken from the cache is the one worked out afresh, wherever the header sits on the sheet,
and headers with the same texts but other merged cells are not mistaken for each other."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from juesuan.io.calamine_reader import read_grids
from juesuan.io.grid import Grid
from juesuan.parse import header
from juesuan.parse.header import HeaderMap, find_header
from juesuan.parse.locate import find_titles
from juesuan.read import _region_stops
from juesuan.spec import TableSpec, load_edition
from layouts.builders import SPECS, build


def _fresh(grid: Grid, spec: TableSpec, start: int, stop: int) -> HeaderMap | None:
    header._COLUMNS.clear()
    return find_header(grid, spec, start, stop)


def _lowered(grid: Grid, by: int) -> Grid:
    """The same sheet with `by` blank rows inserted above it (merged ranges moved along)."""
    return Grid(
        grid.name,
        [[] for _ in range(by)] + grid.rows,
        tuple((r0 + by, c0, r1 + by, c1) for r0, c0, r1, c1 in grid.merged),
    )


@pytest.mark.parametrize("name", list(SPECS))
def test_cached_mapping_is_the_fresh_one_wherever_the_header_sits(
    tmp_path: Path, name: str
) -> None:
    path = build(name, SPECS[name], tmp_path / f"{name}.xlsx").path
    grids = read_grids(path)
    hits = find_titles(grids, load_edition(2023).tables)
    assert hits
    stops = _region_stops(hits)
    for hit in hits:
        start, stop = hit.row + 1, stops[id(hit)]
        fresh = _fresh(hit.grid, hit.spec, start, stop)
        assert find_header(hit.grid, hit.spec, start, stop) == fresh  # from the cache
        moved = find_header(_lowered(hit.grid, 7), hit.spec, start + 7, stop + 7)
        if fresh is None:
            assert moved is None
            continue
        assert moved is not None and moved.columns == fresh.columns
        assert (moved.first_row, moved.last_row) == (fresh.first_row + 7, fresh.last_row + 7)
        assert moved.unknown == [(r + 7, c, text) for r, c, text in fresh.unknown]
        assert moved.duplicates == fresh.duplicates


def _t5(path: Path, *, merged: bool) -> Grid:
    """T5's two-row header: 本年支出 over its three columns (merged), or over the first only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "一般公共预算财政拨款支出决算表"
    ws.append(["一般公共预算财政拨款支出决算表"])
    ws.append(["单位：万元"])
    ws.append(["科目编码", "科目名称", "本年支出", None, None])
    ws.append([None, None, "合计", "基本支出", "项目支出"])
    ws.append(["201", "一般公共服务支出", 3.0, 1.0, 2.0])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    if merged:
        ws.merge_cells("C3:E3")
    wb.save(path)
    return read_grids(path)[0]


def test_same_texts_other_merges_are_mapped_on_their_own(tmp_path: Path) -> None:
    spec = load_edition(2023).table("T5")
    merged = _t5(tmp_path / "merged.xlsx", merged=True)
    plain = _t5(tmp_path / "plain.xlsx", merged=False)
    expected = {"merged": _fresh(merged, spec, 1, 5), "plain": _fresh(plain, spec, 1, 5)}
    assert expected["merged"] != expected["plain"]  # the merge changes the mapping
    header._COLUMNS.clear()
    assert find_header(merged, spec, 1, 5) == expected["merged"]
    assert find_header(plain, spec, 1, 5) == expected["plain"]
    assert find_header(merged, spec, 1, 5) == expected["merged"]


def test_a_mapping_handed_out_cannot_change_the_cached_one(tmp_path: Path) -> None:
    spec = load_edition(2023).table("T5")
    grid = _t5(tmp_path / "merged.xlsx", merged=True)
    first = find_header(grid, spec, 1, 5)
    assert first is not None
    expected = (first.first_row, first.last_row, list(first.columns))
    first.last_row = 99
    first.columns.clear()
    again = find_header(grid, spec, 1, 5)
    assert again is not None
    assert (again.first_row, again.last_row, again.columns) == expected
