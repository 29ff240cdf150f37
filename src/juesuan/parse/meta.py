"""The lines around a table's title: currency unit, year, reporting unit's name."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def _facts(raw: str) -> tuple[str | None, int | None, str | None, bool]:
    """What one text says: its currency unit, year, unit name, and whether it is a label such
    as 编制单位： whose name is in the next non-empty cell. The lines around the titles repeat
    across tables and workbooks: each text is read once (~0.08 ms a typical workbook)."""
    text = _norm(raw)
    unit = m.group(1) if (m := _UNIT.search(text)) else None
    name: str | None = None
    label = False
    if m := _UNIT_NAME.search(text):
        candidate = m.group(1)
        if not _UNIT.search(text[m.start() :]) or "万元" not in candidate:
            name = candidate.strip()
    else:
        label = _UNIT_LABEL.match(text) is not None
    return unit, year_in(text), name, label


def read_meta(grid: Grid, rows: range) -> Meta:
    """Scan the title row and the lines below it (before the header) for unit, year and name."""
    meta = Meta()
    for r in rows:
        values = grid.row_values(r)
        for c, raw in enumerate(values):
            if not isinstance(raw, str):
                continue
            unit, year, name, label = _facts(raw)
            if meta.unit is None and unit is not None:
                meta.unit, meta.unit_cell = unit, a1(r, c)
            if meta.year is None and year:
                meta.year = year
            if meta.unit_name is None:
                if name is not None:
                    meta.unit_name = name
                elif label:
                    nxt = next(
                        (v for v in values[c + 1 :] if isinstance(v, str) and v.strip()), None
                    )
                    if nxt is not None:
                        meta.unit_name = _norm(nxt)
    if meta.unit_name and (meta.unit_name in ("万元", "元") or meta.unit_name.endswith("年度")):
        meta.unit_name = None
    return meta
