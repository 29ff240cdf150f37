"""One located title → one typed table (header, rows, metadata) with its structure findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from juesuan.findings import Finding
from juesuan.io.grid import a1, a1_range
from juesuan.parse.header import HeaderMap, find_header
from juesuan.parse.locate import TitleHit
from juesuan.parse.meta import Meta, read_meta, year_in
from juesuan.parse.rows import RowContext, read_coded, read_fixed, read_panels, read_single
from juesuan.rules import finding
from juesuan.spec import Edition, TableSpec
from juesuan.tables import Section, Table

_META_ROWS = 5
_UNIT_NAME_BEFORE_YEAR = re.compile(r"^(.{2,40}?)\s*20\d{2}\s*年")


@dataclass
class ParsedTable:
    table: Table
    findings: list[Finding] = field(default_factory=list)
    text_cells: list[object] = field(default_factory=list)
    unit_cell: str | None = None


def meta_for(hit: TitleHit, stop: int) -> Meta:
    meta = read_meta(hit.grid, range(hit.row, min(hit.row + _META_ROWS, stop)))
    if meta.year is None:
        meta.year = year_in(hit.text)
    if meta.unit_name is None and (m := _UNIT_NAME_BEFORE_YEAR.match(hit.text)):
        meta.unit_name = m.group(1)
    return meta


def _required(spec: TableSpec, header: HeaderMap) -> tuple[list[str], bool]:
    """Labels of missing required columns, and whether the table is still usable."""
    missing: list[str] = []
    usable = True
    for sec in spec.sections:
        mapped = {c.key for c in header.by_section(sec.key)}
        has_code = "code" in mapped or "code.class" in mapped
        for col in sec.columns:
            if col.key in mapped or col.key in spec.optional_columns:
                continue
            if col.role == "code" and has_code:
                continue
            if col.role == "name":
                continue  # names are welcome but codes carry the meaning
            label = (
                f"{sec.name}「{col.label}」" if spec.layout == "two_sided" else f"「{col.label}」"
            )
            missing.append(label)
            if col.role in ("label", "code"):
                usable = False
        if not any(c.role == "amount" for c in header.by_section(sec.key)):
            usable = False
    return missing, usable


def parse_table(
    hit: TitleHit,
    stop: int,
    edition: Edition,
    numbers: dict[float, tuple[Decimal, int]] | None = None,
    meta: Meta | None = None,
) -> ParsedTable:
    """`numbers`: the doubles converted so far in this workbook, shared by its tables.
    `meta`: `meta_for(hit, stop)` when the caller has it already."""
    spec = edition.table(hit.spec.key)
    grid = hit.grid
    if meta is None:
        meta = meta_for(hit, stop)
    table = Table(
        spec=spec,
        title=hit.text,
        sheet=grid.name,
        range=a1_range(hit.row, hit.col, hit.row, max(hit.col, grid.width - 1)),
        unit=meta.unit,
        year=meta.year,
        unit_name=meta.unit_name,
        unit_cell=meta.unit_cell,
    )
    out = ParsedTable(table, unit_cell=meta.unit_cell)
    header = find_header(grid, spec, hit.row + 1, stop)
    if header is None or header.score == 0:
        table.usable = False
        out.findings.append(
            finding(
                "ST105",
                f"{spec.title}（工作表「{grid.name}」）找到了标题，但其下方没有可识别的表头，本表无法读取",
                f"{spec.key} on sheet '{grid.name}': title found but no recognisable header below it",
                table=spec.key,
                sheet=grid.name,
                cell=a1(hit.row, hit.col),
                place="header",
            )
        )
        return out
    missing, usable = _required(spec, header)
    table.usable = usable
    if missing:
        code = "ST111" if usable else "ST105"
        tail = "，涉及这些列的核对将跳过" if usable else "，本表无法读取"
        out.findings.append(
            finding(
                code,
                f"{spec.title} 表头缺少{'金额列' if usable else '必需的列'}：{'、'.join(missing)}{tail}",
                f"{spec.key}: the header lacks required columns: {', '.join(missing)}",
                table=spec.key,
                sheet=grid.name,
                cell=a1(header.first_row, 0),
                place="columns|" + "|".join(missing),
            )
        )
    for r, c, text in header.unknown:
        out.findings.append(
            finding(
                "ST106",
                f"{spec.title} {a1(r, c)} 列标题「{text}」无法识别，该列未读取",
                f"{spec.key} {a1(r, c)}: column header '{text}' is not recognised; column ignored",
                table=spec.key,
                sheet=grid.name,
                cell=a1(r, c),
                column=text,
                place=f"column|{text}",
            )
        )
    for dup in header.duplicates:
        out.findings.append(
            finding(
                "ST106",
                f"{spec.title} {a1(header.last_row, dup.col)} 列「{dup.label}」与前面的列重复，该列未读取",
                f"{spec.key} {a1(header.last_row, dup.col)}: column '{dup.label}' repeats an earlier column",
                table=spec.key,
                sheet=grid.name,
                cell=a1(header.last_row, dup.col),
                column=dup.label,
                place=f"dupcolumn|{dup.key}|{dup.panel}",
            )
        )
    if not usable:
        return out
    # `numbers` is shared with the other tables (the context adds blank and zero to it)
    shared = cast("dict[float | None, tuple[Decimal | None, int]] | None", numbers)
    ctx = RowContext(grid, spec, edition, header, stop, numbers={} if shared is None else shared)
    _read_sections(ctx, table)
    out.findings.extend(ctx.findings)
    out.text_cells.extend(ctx.text_cells)
    table.empty_note = ctx.empty_note
    table.empty = not any(s.prints_amount() for s in table.sections.values())
    right = max((c.col for c in header.columns), default=hit.col)
    bottom = max(ctx.last_row, header.last_row, ctx.note_row or 0)
    table.range = a1_range(hit.row, min(hit.col, 0), bottom, right)
    return out


def _read_sections(ctx: RowContext, table: Table) -> None:
    spec = table.spec
    if spec.layout == "two_sided":
        from juesuan.parse.rows import data_rows

        rows = data_rows(ctx)
        for sec in spec.sections:
            table.sections[sec.key] = read_fixed(ctx, sec, rows)
    elif spec.layout == "coded":
        sec = spec.sections[0]
        table.sections[sec.key] = read_coded(ctx, sec)
    elif spec.layout == "panels":
        table.sections["main"] = read_panels(ctx, spec.sections[0])
    else:
        table.sections["main"] = read_single(ctx, spec.sections[0])
    for key in [s.key for s in spec.sections if s.key not in table.sections]:
        table.sections[key] = Section(spec.section(key))
