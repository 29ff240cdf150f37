"""A grid reads its source rows once: ragged rows padded, blank strings folded to None."""

from __future__ import annotations

from juesuan.io.grid import Grid, a1, col_letter, distinct_values, parse_a1


def test_values_rows_and_width_agree() -> None:
    grid = Grid("表", [["标题", "", 1.5], [], ["", None], [2.0, "x", "", "末"]])
    assert (grid.height, grid.width) == (4, 4)
    assert grid.row_values(0) == ("标题", None, 1.5, None)
    assert grid.row_values(1) == (None, None, None, None)
    assert grid.row_values(3) == (2.0, "x", None, "末")
    for r in range(-1, 5):
        for c in range(-1, 5):
            inside = 0 <= r < grid.height
            expected = grid.row_values(r)[c] if inside and 0 <= c < grid.width else None
            assert grid.value(r, c) == expected
    assert grid.row_values(9) == (None,) * 4
    assert grid.rows[0] == ["标题", "", 1.5]  # the source rows are kept as given


def test_column_letters() -> None:
    assert [col_letter(c) for c in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
        "XFD",
    ]
    assert parse_a1(a1(1048575, 16383)) == (1048575, 16383)


def test_distinct_values_of_several_grids() -> None:
    one = Grid("一", [["标题", "", 1.5], [2.0, None]])
    two = Grid("二", [["标题", 3], [], [1.5, "末"]])
    assert distinct_values([one, two]) == {"标题", None, 1.5, 2.0, 3, "末"}
    assert distinct_values([one, two]) == one.distinct_values() | two.distinct_values()
    assert distinct_values([]) == frozenset()
