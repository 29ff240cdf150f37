"""The lines around a table's title: currency unit, year, reporting unit's name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from juesuan.io.grid import Grid, a1

_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_YEAR = re.compile(r"(20\d{2})\s*年")
_UNIT_NAME = re.compile(
    r"(?:编制单位|填报单位|单位名称|部门名称|部门|单位)\s*[:：]\s*(\S[^\s:：]*)"
)
_UNIT_LABEL = re.compile(r"^(?:编制单位|填报单位|单位名称|部门名称|部门)\s*[:：]?$")


@dataclass
class Meta:
    unit: str | None = None
    unit_cell: str | None = None
    year: int | None = None
    unit_name: str | None = None


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()


def year_in(text: str) -> int | None:
    m = _YEAR.search(_norm(text))
    return int(m.group(1)) if m else None


def read_meta(grid: Grid, rows: range) -> Meta:
    """Scan the title row and the lines below it (before the header) for unit, year and name."""
    meta = Meta()
    for r in rows:
        for c in range(grid.width):
            raw = grid.value(r, c)
            if not isinstance(raw, str):
                continue
            text = _norm(raw)
            if meta.unit is None and (m := _UNIT.search(text)):
                meta.unit, meta.unit_cell = m.group(1), a1(r, c)
            if meta.year is None and (y := year_in(text)):
                meta.year = y
            if meta.unit_name is None:
                if m := _UNIT_NAME.search(text):
                    candidate = m.group(1)
                    if not _UNIT.search(text[m.start() :]) or "万元" not in candidate:
                        meta.unit_name = candidate.strip()
                elif _UNIT_LABEL.match(text):
                    # "编制单位：" in one cell and the name in the next non-empty one
                    for c2 in range(c + 1, grid.width):
                        nxt = grid.value(r, c2)
                        if isinstance(nxt, str) and nxt.strip():
                            meta.unit_name = _norm(nxt)
                            break
    if meta.unit_name and (meta.unit_name in ("万元", "元") or meta.unit_name.endswith("年度")):
        meta.unit_name = None
    return meta
