"""Which fill a marked cell gets back, where the engine can read fills (desktop Excel).

xlwings' desktop engines report a cell's fill as an (r, g, b) tuple or None; the remote engine
used by the other tests raises instead. `Cell` is a cell as the desktop engine presents it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from juesuan.addin.live import NO_FILL, UNKNOWN_FILL, MarkRecord
from juesuan.addin.marks import EXPLAINED_COLOR, MARK_COLORS, _original_fill, _restore_fill
from juesuan.findings import Severity

ERROR_RGB = tuple(int(MARK_COLORS[Severity.ERROR][i : i + 2], 16) for i in (1, 3, 5))


@dataclass
class Cell:
    color: tuple[int, ...] | str | None


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [
        (None, None, NO_FILL),  # first mark of an unfilled cell
        ((255, 255, 0), None, "#FFFF00"),  # the accountant's yellow
        ((255, 255, 0), MarkRecord("#00FF00", True), "#FFFF00"),  # recoloured since last run
        (ERROR_RGB, MarkRecord("#00FF00", True), "#00FF00"),  # still our mark: the record
        (ERROR_RGB, None, NO_FILL),  # our mark without a record (the sheet was deleted)
    ],
)
def test_original_fill(
    now: tuple[int, ...] | None, before: MarkRecord | None, expected: str
) -> None:
    assert _original_fill(Cell(now), before) == expected


def test_restore_gives_back_the_recorded_colour_only_over_our_mark() -> None:
    marked = Cell(ERROR_RGB)
    assert _restore_fill(marked, "#FFFF00")
    assert marked.color == "#FFFF00"
    cleared = Cell(EXPLAINED_COLOR)
    assert _restore_fill(cleared, UNKNOWN_FILL)
    assert cleared.color is None
    recoloured = Cell((0, 0, 255))  # the accountant chose blue after the last run: keep it
    assert not _restore_fill(recoloured, "#FFFF00")
    assert recoloured.color == (0, 0, 255)
