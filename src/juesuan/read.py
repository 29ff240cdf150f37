"""The reader pipeline: file → package scan → grids → located tables → typed tables."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

from juesuan.findings import Finding, Related
from juesuan.io.calamine_reader import read_grids
from juesuan.io.grid import Grid, distinct_values, parse_a1
from juesuan.io.package_scan import Limits, scan
from juesuan.io.problems import InputProblem
from juesuan.parse.amounts import float_amounts
from juesuan.parse.locate import TitleHit, find_titles
from juesuan.parse.table import ParsedTable, meta_for, parse_table
from juesuan.rules import finding
from juesuan.spec import available_editions, edition_for_year, load_edition
from juesuan.tables import Workbook


def read_workbook(path: Path | str, *, limits: Limits | None = None) -> Workbook:
    """Read the nine tables of a workbook file. Raises InputProblem when the file is unusable."""
    path = Path(path)
    info = scan(path, limits or Limits())
    grids = read_grids(path, info.formulas_without_value, info.stored)
    return tables_from_grids(path, grids)


def tables_from_grids(path: Path, grids: list[Grid]) -> Workbook:
    """Grids from any source (a file, a live Excel workbook) → typed tables and findings."""
    # The reader makes tens of thousands of small objects (an Amount per cell) and no
    # reference cycles: pausing the cycle collector meanwhile saves it from walking the whole
    # heap again and again as it grows (~15% of a 2,000-row workbook's read). A plain
    # try/finally, not a contextmanager: InputProblem is frozen and contextlib would try to
    # set its __traceback__ on the way out.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _tables_from_grids(path, grids)
    finally:
        if enabled:
            gc.enable()


def _tables_from_grids(path: Path, grids: list[Grid]) -> Workbook:
    if not any(any(v not in (None, "") for row in g.rows for v in row) for g in grids):
        raise InputProblem(
            "IN106",
            f"{path.name}：工作簿是空的，没有任何内容",
            f"{path.name}: the workbook is empty",
        )
    latest = load_edition(available_editions()[-1])
    # every value of the workbook, once: titles are looked for and figures converted among these
    values = distinct_values(grids)
    hits = find_titles(grids, latest.tables, values)
    if not hits:
        raise InputProblem(
            "IN107",
            f"{path.name}：没有找到任何一张部门决算公开表（按表名查找，如「收入支出决算总表」）",
            f"{path.name}: none of the nine 部门决算 tables was found (looked up by title)",
        )
    stops = _region_stops(hits)
    metas = {id(h): meta_for(h, stops[id(h)]) for h in hits}
    years = Counter(m.year for m in metas.values() if m.year)
    year = years.most_common(1)[0][0] if years else None
    edition = edition_for_year(year)
    wb = Workbook(path=path, edition=edition, year=year, sheet_names=tuple(g.name for g in grids))
    names = Counter(m.unit_name for m in metas.values() if m.unit_name)
    wb.unit_name = names.most_common(1)[0][0] if names else None

    parsed: dict[str, list[ParsedTable]] = {}
    # one workbook's figures, converted once and together
    numbers = float_amounts(values)
    for hit in hits:
        parsed.setdefault(hit.spec.key, []).append(
            parse_table(hit, stops[id(hit)], edition, numbers, metas[id(hit)])
        )
    for spec in edition.tables:
        candidates = parsed.get(spec.key, [])
        if not candidates:
            wb.findings.append(
                finding(
                    "ST101",
                    f"缺少「{spec.title}」（{spec.code}）：工作簿中没有找到这张表",
                    f"'{spec.title}' ({spec.code}) is missing from the workbook",
                    table=spec.key,
                    place="missing",
                )
            )
            continue
        best = _choose(candidates, grids)
        wb.tables[spec.key] = best.table
        wb.findings.extend(best.findings)
        wb.findings.extend(_text_finding(best))
        wb.findings.extend(_formula_finding(best, grids))
        for other in candidates:
            if other is not best and other.table.usable:
                wb.findings.append(
                    finding(
                        "ST102",
                        f"「{spec.title}」出现了不止一次（另见工作表「{other.table.sheet}」），"
                        f"以工作表「{best.table.sheet}」中的为准",
                        f"'{spec.title}' appears more than once (also on sheet "
                        f"'{other.table.sheet}'); the one on '{best.table.sheet}' is used",
                        table=spec.key,
                        sheet=other.table.sheet,
                        cell=other.table.range.split(":")[0],
                        place=f"duplicate|{other.table.sheet}",
                    )
                )
    _units(wb, parsed, edition.currency_unit)
    from juesuan.validators.schemas import check_schemas

    wb.findings.extend(check_schemas(wb))
    return wb


def _region_stops(hits: list[TitleHit]) -> dict[int, int]:
    """A table ends where the next title on the same sheet begins."""
    stops: dict[int, int] = {}
    by_grid: dict[int, list[TitleHit]] = {}
    for h in hits:
        by_grid.setdefault(id(h.grid), []).append(h)
    for group in by_grid.values():
        group.sort(key=lambda h: h.row)
        for this, nxt in zip(group, [*group[1:], None], strict=True):
            stops[id(this)] = nxt.row if nxt is not None else this.grid.height
    return stops


def _choose(candidates: list[ParsedTable], grids: list[Grid]) -> ParsedTable:
    hidden = {g.name for g in grids if g.hidden}
    return min(
        candidates,
        key=lambda p: (not p.table.usable, p.table.sheet in hidden, p.table.empty),
    )


def _text_finding(p: ParsedTable) -> list[Finding]:
    cells = [c for c in p.text_cells if isinstance(c, Related)]
    if not cells:
        return []
    first = cells[0]
    t = p.table
    return [
        finding(
            "VA102",
            f"{t.spec.title} 有 {len(cells)} 个金额以文本形式存储（如 {first.cell}「{first.value}」），"
            f"已按数字读取；Excel 的求和公式会忽略文本，请转换为数字",
            f"{t.spec.key}: {len(cells)} amount(s) stored as text (e.g. {first.cell} "
            f"'{first.value}'); read as numbers, but Excel sums ignore text",
            table=t.key,
            sheet=t.sheet,
            cell=first.cell,
            related=tuple(cells),
            place="as-text",
        )
    ]


def _formula_finding(p: ParsedTable, grids: list[Grid]) -> list[Finding]:
    t = p.table
    grid = next(g for g in grids if g.name == t.sheet)
    if not grid.formulas_without_value:
        return []
    top, _ = parse_a1(t.range.split(":")[0])
    bottom, _ = parse_a1(t.range.split(":")[1])
    cells = sorted(
        (c for c in grid.formulas_without_value if top <= parse_a1(c)[0] <= bottom),
        key=lambda c: parse_a1(c),
    )
    if not cells:
        return []
    return [
        finding(
            "ST110",
            f"{t.spec.title} 有 {len(cells)} 个公式没有保存计算结果（如 {cells[0]}），这些单元格无法核对；"
            f"请用 Excel 或 WPS 打开后重新保存",
            f"{t.spec.key}: {len(cells)} formula(s) saved without their values (e.g. {cells[0]}); "
            f"open and re-save the file in Excel so the values are stored",
            table=t.key,
            sheet=t.sheet,
            cell=cells[0],
            related=tuple(Related(t.sheet, c, None, "公式") for c in cells),
            place="formulas",
        )
    ]


def _units(wb: Workbook, parsed: dict[str, list[ParsedTable]], default: str) -> None:
    chosen = {k: next(p for p in v if p.table is wb.tables[k]) for k, v in parsed.items()}
    units = Counter(p.table.unit for p in chosen.values() if p.table.unit)
    wb.currency_unit = units.most_common(1)[0][0] if units else default
    for key in sorted(chosen):
        p = chosen[key]
        t = p.table
        if t.unit is None:
            wb.findings.append(
                finding(
                    "ST103",
                    f"{t.spec.title} 没有写明金额单位（如「单位：万元」），按「{wb.currency_unit}」读取",
                    f"{t.spec.key} states no currency unit; read as {wb.currency_unit}",
                    table=key,
                    sheet=t.sheet,
                    cell=t.range.split(":")[0],
                    place="unit-missing",
                )
            )
        elif t.unit != wb.currency_unit:
            wb.findings.append(
                finding(
                    "ST104",
                    f"{t.spec.title} 的金额单位是「{t.unit}」，其余各表是「{wb.currency_unit}」；"
                    f"跨表核对时将换算为「{wb.currency_unit}」",
                    f"{t.spec.key} is in {t.unit} while the other tables are in "
                    f"{wb.currency_unit}; converted for cross-table checks",
                    table=key,
                    sheet=t.sheet,
                    cell=p.unit_cell,
                    place="unit",
                )
            )
