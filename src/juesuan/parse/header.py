"""Header rows → column mapping.

Each column's header is read as a path of the texts above it (merged cells repeat over the
columns and rows they cover): ["本年支出", "基本支出"], ["预算数", "公务用车购置及运行维护费",
"小计"]. A spec column matches a path when every word of one of its header alternatives is in
the path and every word of the path is explained by that alternative or is an optional word of
the column, section or table. This handles both block orders of T7, the 收入/支出 side rows of
T1 and T4, T6 panels under 人员经费/公用经费, and 类/款/项 code sub-columns, without positions.

Where the header ends is decided by the mapping itself: a further row belongs to the header only
while adding it keeps every column mapped; a data row (a label, 合计, numbers) breaks the paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from juesuan import textnorm
from juesuan.io.grid import CellValue, Grid
from juesuan.parse.amounts import parse
from juesuan.spec import ColumnSpec, SectionSpec, TableSpec

_Match = tuple[SectionSpec, ColumnSpec, int]
SPLIT_CODE = {"类": "class", "款": "kuan", "项": "xiang"}
IGNORABLE = frozenset({"行次", "栏次", "序号"})
_MAX_HEADER_ROWS = 6
_MAX_SEARCH_ROWS = 8


@dataclass(frozen=True)
class MappedColumn:
    col: int
    section: str
    key: str  # spec column key; "code.class" / "code.kuan" / "code.xiang" for split codes
    role: str  # label / code / name / amount / ignore
    label: str  # header text as printed, parent and child joined
    panel: int = 0  # T6: which code/name/amount group the column belongs to
    specificity: int = 0


@dataclass
class HeaderMap:
    first_row: int
    last_row: int
    columns: list[MappedColumn] = field(default_factory=list)
    unknown: list[tuple[int, int, str]] = field(default_factory=list)  # (row, col, text)
    duplicates: list[MappedColumn] = field(default_factory=list)

    @property
    def score(self) -> int:
        return len({(c.section, c.key, c.panel) for c in self.columns if c.role != "ignore"})

    def by_section(self, section: str) -> list[MappedColumn]:
        return [c for c in self.columns if c.section == section]


# A spec is a large frozen dataclass whose hash walks every field, so the caches below key on
# its identity; each entry holds the spec itself, so that the id is not reused while it lives.
_TOKENS: dict[int, tuple[TableSpec, frozenset[str]]] = {}
_MATCHES: dict[tuple[int, tuple[str, ...]], tuple[TableSpec, tuple[_Match, ...]]] = {}
_MAX_MATCHES = 4096


def header_tokens(spec: TableSpec) -> frozenset[str]:
    hit = _TOKENS.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    words: set[str] = set(spec.optional_tokens) | IGNORABLE | set(SPLIT_CODE)
    for sec in spec.sections:
        words |= sec.side
        for col in sec.columns:
            words |= col.optional_tokens
            for alt in col.headers:
                for group in alt:
                    words |= group
    _TOKENS[id(spec)] = (spec, frozenset(words))
    return _TOKENS[id(spec)][1]


def _path(grid: Grid, col: int, rows: range) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    shown: list[str] = []
    for r in rows:
        v = grid.shown(r, col)
        if v is None or not isinstance(v, str):
            continue
        k = textnorm.key(v)
        if not k or (keys and keys[-1] == k):
            continue
        keys.append(k)
        shown.append(textnorm.display(v))
    return keys, shown


def _allowed(spec: TableSpec, sec: SectionSpec, col: ColumnSpec) -> frozenset[str]:
    return spec.optional_tokens | sec.side | col.optional_tokens


def _match(path: tuple[str, ...], spec: TableSpec) -> tuple[_Match, ...]:
    hit = _MATCHES.get((id(spec), path))
    if hit is not None and hit[0] is spec:
        return hit[1]
    if len(_MATCHES) >= _MAX_MATCHES:
        _MATCHES.clear()
    found = _matches(path, spec)
    _MATCHES[(id(spec), path)] = (spec, found)
    return found


def _matches(path: tuple[str, ...], spec: TableSpec) -> tuple[_Match, ...]:
    found: list[_Match] = []
    pset = set(path)
    for sec in spec.sections:
        for col in sec.columns:
            allowed = _allowed(spec, sec, col)
            best = -1
            for alt in col.headers:
                if not all(group & pset for group in alt):
                    continue
                covered = frozenset().union(*alt) | allowed
                if pset <= covered:
                    best = max(best, len(alt))
            if best >= 0:
                found.append((sec, col, best))
    return tuple(found)


def _split_code_part(path: list[str], spec: TableSpec) -> str | None:
    if not path or path[-1] not in SPLIT_CODE:
        return None
    code_words: set[str] = set(spec.optional_tokens)
    for sec in spec.sections:
        for col in sec.columns:
            if col.role == "code":
                for alt in col.headers:
                    for group in alt:
                        code_words |= group
    if all(p in code_words for p in path[:-1]):
        return f"code.{SPLIT_CODE[path[-1]]}"
    return None


# The same header prints in every workbook of a year (and in every file of a batch): its
# mapping is kept, keyed by what `_map_columns` reads — the spec, the header rows' values and
# the merged ranges over them with their values, all relative to the first row — so a mapping
# is worked out once per header, not once per file (~0.3 ms a typical workbook).
_Merges = frozenset[tuple[int, int, int, int, CellValue]]
_COLUMNS: dict[
    tuple[int, int, int, tuple[tuple[CellValue, ...], ...], _Merges], tuple[TableSpec, HeaderMap]
] = {}


def map_columns(grid: Grid, spec: TableSpec, rows: range) -> HeaderMap:
    top = rows.start
    merges = frozenset(
        (r0 - top, c0, r1 - top, c1, grid.value(r0, c0))
        for r0, c0, r1, c1 in grid.merges_in_rows(top, rows.stop)
    )
    key = (id(spec), rows.stop - top, rows.step, tuple(map(grid.row_values, rows)), merges)
    hit = _COLUMNS.get(key)
    if hit is not None and hit[0] is spec:
        return _moved(hit[1], top)
    if len(_COLUMNS) >= _MAX_MATCHES:
        _COLUMNS.clear()
    hm = _map_columns(grid, spec, rows)
    _COLUMNS[key] = (spec, _moved(hm, -top))
    return hm


def _moved(hm: HeaderMap, rows: int) -> HeaderMap:
    """A copy of `hm` moved down by `rows` (its columns are frozen, shared)."""
    return HeaderMap(
        hm.first_row + rows,
        hm.last_row + rows,
        list(hm.columns),
        [(r + rows, c, text) for r, c, text in hm.unknown],
        list(hm.duplicates),
    )


def _map_columns(grid: Grid, spec: TableSpec, rows: range) -> HeaderMap:
    hm = HeaderMap(first_row=rows.start, last_row=rows.stop - 1)
    candidates: dict[int, list[tuple[SectionSpec, ColumnSpec, int]]] = {}
    labels: dict[int, str] = {}
    for c in range(grid.width):
        path, shown = _path(grid, c, rows)
        if not path:
            continue
        labels[c] = "/".join(shown)
        if any(p in IGNORABLE for p in path):
            hm.columns.append(MappedColumn(c, "", "ignore", "ignore", labels[c]))
            continue
        part = _split_code_part(path, spec)
        if part is not None:
            sec = next(s for s in spec.sections if any(col.role == "code" for col in s.columns))
            hm.columns.append(MappedColumn(c, sec.key, part, "code", labels[c], specificity=1))
            continue
        found = list(_match(tuple(path), spec))
        if not found:
            own = _own_header_row(grid, c, rows)
            if own is not None:
                hm.unknown.append((own, c, labels[c]))
            continue
        top = max(f[2] for f in found)
        candidates[c] = [f for f in found if f[2] == top]
    _assign(hm, spec, candidates, labels)
    return hm


def _own_header_row(grid: Grid, col: int, rows: range) -> int | None:
    """The header row where this column has text of its own (not a parent merged over it)."""
    for r in reversed(rows):
        m = grid.merge_at(r, col)
        if grid.value(r, col) is not None and (m is None or m[1] == col):
            return r
    return None


def _assign(
    hm: HeaderMap,
    spec: TableSpec,
    candidates: dict[int, list[tuple[SectionSpec, ColumnSpec, int]]],
    labels: dict[int, str],
) -> None:
    # Two-sided tables: a column that fits both sides belongs to the side whose label
    # (项目) column is the nearest to its left.
    starts: list[int] = []
    if spec.layout == "two_sided":
        for c, cands in sorted(candidates.items()):
            if any(col.role == "label" for _, col, _ in cands):
                starts.append(c)
    seen: set[tuple[str, str, int]] = set()
    panel = -1
    for c in sorted(candidates):
        cands = candidates[c]
        sections = {sec.key for sec, _, _ in cands}
        if len(sections) > 1 and starts:
            index = sum(1 for s in starts if s <= c) - 1
            wanted = spec.sections[min(max(index, 0), len(spec.sections) - 1)].key
            cands = [x for x in cands if x[0].key == wanted] or cands
        sec, col, spec_n = cands[0]
        if spec.layout == "panels" and col.role == "code":
            panel += 1
        mc = MappedColumn(c, sec.key, col.key, col.role, labels[c], max(panel, 0), spec_n)
        ident = (mc.section, mc.key, mc.panel)
        if ident in seen:
            hm.duplicates.append(mc)
            continue
        seen.add(ident)
        hm.columns.append(mc)


_NUMBER_TYPES = frozenset({int, float})


def _is_number_row(grid: Grid, r: int) -> bool:
    values = grid.row_values(r)
    # an int or float cell parses to a value: a data row answers with one C-level set test
    if not _NUMBER_TYPES.isdisjoint(map(type, values)):
        return True
    return any(
        parse(v).value is not None
        for v in values
        if not isinstance(v, str) or textnorm.key(v) not in IGNORABLE
    )


def is_column_number_row(grid: Grid, r: int) -> bool:
    """The MoF 栏次 row: '栏次' and 1, 2, 3 … under the amount columns (numbers or text)."""
    own = grid.row_values(r)
    # only a text cell can say 栏次: most rows are data rows without one, and stop here
    if not any(isinstance(v, str) and textnorm.key(v) in ("栏次", "行次") for v in own):
        return False
    texts: list[str] = []
    for v in own:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        texts.append(textnorm.key(v))
    return any(t in ("栏次", "行次") for t in texts) and all(
        t in ("", "栏次", "行次", "项目", "合计", "-") or t.isdigit() for t in texts
    )


def find_header(grid: Grid, spec: TableSpec, start: int, stop: int) -> HeaderMap | None:
    tokens = header_tokens(spec)
    first = None
    for r in range(start, min(start + _MAX_SEARCH_ROWS, stop)):
        if any(isinstance(v, str) and textnorm.key(v) in tokens for v in grid.row_values(r)):
            first = r
            break
    if first is None:
        return None
    best = map_columns(grid, spec, range(first, first + 1))
    for r in range(first + 1, min(first + _MAX_HEADER_ROWS, stop)):
        if is_column_number_row(grid, r):
            best.last_row = r
            break
        if _is_number_row(grid, r):
            break
        trial = map_columns(grid, spec, range(first, r + 1))
        merged = bool(grid.merges_in_rows(r, r + 1))
        own = (
            [
                v
                for c, v in enumerate(grid.row_values(r))
                if ((m := grid.merge_at(r, c)) is None and v is not None)
                or (m is not None and m[0] == r and m[1] == c)
            ]
            if merged
            else [v for v in grid.row_values(r) if v is not None]  # the same, without merges
        )
        # A row of header words only (e.g. the 预算数/决算数 row of an item-major T7) extends
        # the header even before the mapping improves; a data row breaks some column's path.
        only_words = all(isinstance(v, str) and textnorm.key(v) in tokens for v in own)
        # A blank row belongs to the header only when merged header cells reach into it.
        continued = merged and any(grid.merge_at(r, c) is not None for c in range(grid.width))
        gain = trial.score - best.score
        if gain > 0 or (gain == 0 and (only_words if own else continued)):
            best = trial
        else:
            break
    return best
