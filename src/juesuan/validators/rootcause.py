"""Root-cause grouping: one wrong cell reads as one finding, not one per check it breaks.

A wrong 类 amount in T3 breaks the 类 = Σ款 sum, the 合计 = Σ类 sum, the row's 本年支出合计 =
基本 + 项目 sum and the T1–T3 copy: four errors for one typing slip. Every failing equality is a
linear equation over cells, `Σ cᵢ·xᵢ = r` with r its difference (reported − computed) and a
tolerance that rounding explains. Changing one cell x by δ removes the difference of every
equation it takes part in exactly when cᵢ·δ = −r (within the tolerance). So when two or more
failing equalities share a cell and one δ for that cell explains all of them, the cell is the
likely root: they are reported as one finding at that cell, naming what the cell should hold and
listing the other checks it breaks (`Finding.also`). Cells are chosen greedily, the one that
explains most first; nothing is dropped: every absorbed check stays in the finding, every
contributing cell among its related cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from juesuan.findings import Also, Finding, Related
from juesuan.rules import RULES

CellKey = tuple[str, str]  # (sheet, A1)


@dataclass(frozen=True)
class RootCell:
    """What a merged finding says of the cell it points at."""

    value: Decimal | None
    row: str
    column: str
    label: str
    key: str  # table|section|row key|column key: stable across re-validation


@dataclass
class Equation:
    """A failing equality as the engine judged it (in the unit it compared in)."""

    finding: Finding
    coefficients: dict[CellKey, Decimal]  # +1 for the total, −w·10^−shift for item cells
    relation: str = "="  # "<=": total ≤ Σ; joins a group its root's correction satisfies
    cells: dict[CellKey, RootCell] = field(default_factory=dict)

    @property
    def residual(self) -> Decimal:
        assert self.finding.difference is not None
        return self.finding.difference

    @property
    def tolerance(self) -> Decimal:
        return self.finding.tolerance or Decimal(0)

    def correction(self, cell: CellKey) -> tuple[Decimal, Decimal]:
        """The interval of changes to `cell` (in its own unit) that make this equation hold."""
        c = self.coefficients[cell]
        low, high = (-self.residual - self.tolerance) / c, (-self.residual + self.tolerance) / c
        if self.relation == "<=":  # c·δ ≤ −r + tolerance: a half-line
            return (_LOWEST, high) if c > 0 else (low, _HIGHEST)
        return (low, high) if low <= high else (high, low)


_LOWEST, _HIGHEST = Decimal("-Infinity"), Decimal("Infinity")


@dataclass(frozen=True)
class _Group:
    cell: CellKey
    members: tuple[int, ...]  # indexes into the equations, in report order
    delta: Decimal


def _best_group(equations: Sequence[Equation], open_: set[int]) -> _Group | None:
    """The cell whose single correction explains the most open equations (at least two)."""
    by_cell: dict[CellKey, list[int]] = {}
    for i in sorted(open_):
        for cell in equations[i].coefficients:
            by_cell.setdefault(cell, []).append(i)
    best: tuple[tuple[int, int, int], _Group] | None = None
    for cell, members in by_cell.items():
        if len(members) < 2:
            continue
        for anchor in members:
            if equations[anchor].relation != "=":
                continue  # an inequality bounds the correction, it cannot fix it
            low, high = equations[anchor].correction(cell)
            agree: list[int] = []
            for i in members:
                lo, hi = equations[i].correction(cell)
                if lo <= high and low <= hi:
                    agree.append(i)
                    low, high = max(low, lo), min(high, hi)
            if len(agree) < 2:
                continue
            # most equations explained; then a cell some finding already points at; then order
            is_primary = any(_primary(equations[i].finding) == cell for i in agree)
            rank = (len(agree), int(is_primary), -agree[0])
            delta = _simplest(low, high)
            if best is None or rank > best[0]:
                best = (rank, _Group(cell, tuple(agree), delta))
    return None if best is None else best[1]


def _simplest(low: Decimal, high: Decimal) -> Decimal:
    """The correction to state: the one with fewest decimals in [low, high] (0.10, not 0.0987)."""
    for places in range(0, 12):
        step = Decimal(1).scaleb(-places)
        candidate = ((low + high) / 2).quantize(step)
        if low <= candidate <= high:
            return candidate
    return (low + high) / 2


def _primary(f: Finding) -> CellKey | None:
    return (f.sheet, f.cell) if f.sheet and f.cell else None


def _fmt(value: Decimal) -> str:
    """At least the two decimals amounts are printed with."""
    exponent = value.as_tuple().exponent
    short = isinstance(exponent, int) and exponent > -2
    return format(value.quantize(Decimal("0.01")) if short else value, "f")


def _where(f: Finding) -> str:
    return " / ".join(x for x in (f.row, f.column) if x)


def _brief(e: Equation, lang: str = "zh") -> str:
    """Another broken check in a few words: `SM121 支出决算表 C6「…」573.75 ≠ 573.85`."""
    f = e.finding
    where = _where(f)
    if f.actual is None or f.expected is None:
        shown = ""
    else:
        shown = f"{_fmt(f.actual)} {'>' if e.relation == '<=' else '≠'} {_fmt(f.expected)}"
    if lang == "en":
        return f"{f.code} {f.sheet} {f.cell} '{where}' {shown}".rstrip()
    return f"{f.code} {f.sheet} {f.cell}「{where}」{shown}"


def group_root_causes(findings: list[Finding], equations: Sequence[Equation]) -> list[Finding]:
    """The findings with each group of equations one wrong cell explains merged into one."""
    open_ = set(range(len(equations)))
    merged: dict[int, Finding] = {}  # id of the kept finding → its grouped version
    dropped: set[int] = set()
    while (group := _best_group(equations, open_)) is not None:
        open_ -= set(group.members)
        members = [equations[i] for i in group.members]
        kept = next((e for e in members if _primary(e.finding) == group.cell), members[0])
        merged[id(kept.finding)] = _merge(kept, members, group)
        dropped.update(id(e.finding) for e in members if e is not kept)
    out: list[Finding] = []
    for f in findings:
        if id(f) in dropped:
            continue
        out.append(merged.get(id(f), f))
    return out


def _merge(kept: Equation, members: list[Equation], group: _Group) -> Finding:
    f = kept.finding
    sheet, cell = group.cell
    root = next(e.cells[group.cell] for e in members if group.cell in e.cells)
    value, label = root.value, root.label
    others = [e.finding for e in members if e is not kept]
    also = tuple(Also.of(o) for o in others)
    related: list[Related] = list(f.related)
    seen = {(r.sheet, r.cell) for r in related} | {(f.sheet, f.cell)}
    for o in others:
        for r in (Related(o.sheet or "", o.cell or "", o.actual, _where(o)), *o.related):
            if (r.sheet, r.cell) not in seen:
                seen.add((r.sheet, r.cell))
                related.append(r)
    should = None if value is None else value + group.delta
    n = len(others)
    if _primary(f) == group.cell:
        zh = f"{f.message}；同一差错还使另外 {n} 项核对不成立：" + "；".join(
            _brief(e) for e in members if e is not kept
        )
        en = f"{f.message_en}; the same error breaks {n} more check(s): " + "; ".join(
            _brief(e, "en") for e in members if e is not kept
        )
        return replace(f, message=zh, message_en=en, related=tuple(related), also=also)
    shown = "空白" if value is None else _fmt(value)
    target = "" if should is None else f"，若为 {_fmt(should)} 则这些核对均成立"
    target_en = "" if should is None else f"; with {_fmt(should)} all of them hold"
    zh = (
        f"{sheet} {cell}「{label}」{shown} 可能有误：它参与的 {n + 1} 项核对相差同一数额{target}："
        + "；".join(_brief(e) for e in members)
    )
    en = (
        f"{sheet} {cell} '{label}' {shown} is probably wrong: the {n + 1} checks it takes part "
        f"in differ by the same amount{target_en}: " + "; ".join(_brief(e, "en") for e in members)
    )
    related.insert(0, Related(f.sheet or "", f.cell or "", f.actual, _where(f)))
    related = [r for r in related if (r.sheet, r.cell) != group.cell]
    # no check points at the cell: the finding is SM199's, every broken check inside it
    return replace(
        f,
        code="SM199",
        name=RULES["SM199"].name,
        message=zh,
        message_en=en,
        sheet=sheet,
        cell=cell,
        row=root.row,
        column=root.column,
        expected=should,
        actual=value,
        difference=None if should is None or value is None else value - should,
        related=tuple(related),
        also=tuple(Also.of(e.finding) for e in members),
        place=f"SM199|{root.key}",
    )
