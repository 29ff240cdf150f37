"""Find the statutory tables in a workbook by their titles, wherever they are.

Tables are recognised by title (with aliases), never by position or sheet name: regions order
them differently and name sheets freely. A title may carry a unit name or year in front
("乌鲁木齐市政务服务管理局2023年度收入支出决算总表") and a code behind ("（公开01表）").
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from juesuan import textnorm
from juesuan.io.grid import CellValue, Grid, distinct_values
from juesuan.spec import TableSpec

_TRAILER = re.compile(r"(公开\d{1,2}表|附表\d{1,2}|表\d{1,2}|表[一二三四五六七八九十]+)$")
_LEADER = re.compile(r"^(附表\d{1,2}|表[一二三四五六七八九十]+|公开\d{1,2}表)[:：、.]?")
_NOT_TITLE = re.compile(r"^(注|说明|本表|备注|附注)")
_MAX_PREFIX = 40


@dataclass(frozen=True)
class TitleHit:
    spec: TableSpec
    grid: Grid
    row: int
    col: int
    text: str  # as printed


def _title_key(text: str) -> str | None:
    """The normalised title with codes and remarks around it removed, or None if not title-like."""
    raw = text.strip()
    if not raw or len(raw) > 80 or "《" in raw or "》" in raw:
        return None
    k = (
        textnorm.key(textnorm.strip_remarks(raw))
        if raw.endswith(("）", ")"))
        else textnorm.key(raw)
    )
    previous = None
    while previous != k:
        previous = k
        k = _TRAILER.sub("", k)
        k = _LEADER.sub("", k)
    if not k.endswith("表") or _NOT_TITLE.match(k):
        return None
    return k


class TitleMatcher:
    def __init__(self, specs: tuple[TableSpec, ...]) -> None:
        pairs = [(textnorm.key(t), s) for s in specs for t in s.titles]
        # Longest alias first: "一般公共预算财政拨款支出决算表" must win over "支出决算表".
        self._aliases = sorted(pairs, key=lambda p: -len(p[0]))

    def match(self, text: str) -> TableSpec | None:
        k = _title_key(text)
        if k is None:
            return None
        for alias, spec in self._aliases:
            if k.endswith(alias):
                prefix = k[: -len(alias)]
                if len(prefix) > _MAX_PREFIX or textnorm.strip_enumeration(prefix) != prefix:
                    return None
                if prefix and not _plausible_prefix(prefix):
                    return None
                return spec
        return None


def _plausible_prefix(prefix: str) -> bool:
    """A unit name and/or a year, e.g. '某某局2023年度' or '2023年' or '部门'."""
    stripped = re.sub(r"20\d{2}年度?|\d{4}", "", prefix)
    # a prefix ending in a financial word would mean we matched the tail of another title
    return not stripped.endswith(("财政拨款", "预算", "经费", "收入", "支出", "基本"))


def find_titles(
    grids: list[Grid], specs: tuple[TableSpec, ...], values: AbstractSet[CellValue] | None = None
) -> list[TitleHit]:
    """`values`: every distinct value of the grids, when the caller has them already."""
    matcher = TitleMatcher(specs)
    if values is None:
        values = distinct_values(grids)
    # Each distinct text is matched once, not once per cell that holds it; then only a row
    # holding a title text can hold a title: most rows are passed over by one C-level set
    # test. (`type(v) is str` is half the cost of isinstance on the few thousand numbers;
    # cells hold plain str.)
    titles: dict[CellValue, TableSpec] = {
        v: spec for v in values if type(v) is str and "表" in v and (spec := matcher.match(v))
    }
    texts = frozenset(titles)
    hits: list[TitleHit] = []
    for grid in grids:
        for r, row in enumerate(grid.rows):
            if texts.isdisjoint(row):
                continue
            for c, raw in enumerate(row):
                if (spec := titles.get(raw)) is not None:
                    hits.append(TitleHit(spec, grid, r, c, textnorm.display(raw)))
                    break  # one title per row: the rest of the row is its decoration
    return hits
