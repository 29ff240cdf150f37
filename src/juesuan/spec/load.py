"""Load an edition from the TOML files of this package (`edition_YYYY.toml`)."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Any, cast

from juesuan import textnorm
from juesuan.spec.model import (
    CodeBook,
    ColumnSpec,
    Edition,
    Layout,
    PanelSpec,
    Role,
    RowSpec,
    SectionSpec,
    TableSpec,
    parse_header_alt,
)

_EDITION_FILE = re.compile(r"^edition_(\d{4})\.toml$")


def _read(name: str) -> dict[str, Any]:
    text = resources.files("juesuan.spec").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def available_editions() -> tuple[int, ...]:
    """The years with an edition file, in order. Listed once per process: every workbook read
    asks (twice), and listing the package folder costs ~0.1 ms."""
    names = (p.name for p in resources.files("juesuan.spec").iterdir())
    return tuple(sorted(int(m.group(1)) for n in names if (m := _EDITION_FILE.match(n))))


def _tokens(words: list[str] | None) -> frozenset[str]:
    return frozenset(textnorm.key(w) for w in words or [])


def _column(raw: dict[str, Any]) -> ColumnSpec:
    return ColumnSpec(
        key=raw["key"],
        label=raw["label"],
        headers=tuple(parse_header_alt(h) for h in raw["headers"]),
        role=cast(Role, raw.get("role", "amount")),
        optional_tokens=_tokens(raw.get("optional")),
    )


def _rows(raw: list[dict[str, Any]]) -> tuple[RowSpec, ...]:
    return tuple(
        RowSpec(
            key=r["key"],
            label=r["label"],
            aliases=tuple(r.get("aliases", [])),
            parent=r.get("parent"),
            optional=bool(r.get("optional", False)),
        )
        for r in raw
    )


def _single_row_columns(raw: dict[str, Any]) -> tuple[ColumnSpec, ...]:
    """T7: every block × item combination is one column, e.g. final.reception."""
    cols = []
    for block in raw["blocks"]:
        for item in raw["items"]:
            alts = tuple(
                parse_header_alt(b) + parse_header_alt(i)
                for b in block["headers"]
                for i in item["headers"]
            )
            cols.append(
                ColumnSpec(
                    key=f"{block['key']}.{item['key']}",
                    label=f"{block['label']} {item['label']}",
                    headers=alts,
                )
            )
    return tuple(cols)


def _table(raw: dict[str, Any]) -> TableSpec:
    layout = cast(Layout, raw["layout"])
    if layout == "two_sided":
        sections = tuple(
            SectionSpec(
                key=s["key"],
                name=s["name"],
                columns=tuple(_column(c) for c in s["columns"]),
                rows=_rows(s.get("rows", [])),
                side=_tokens(s.get("side")),
                class_rows=bool(s.get("class_rows", False)),
            )
            for s in raw["section"]
        )
    elif layout == "single_row":
        sections = (SectionSpec(key="main", name=raw["title"], columns=_single_row_columns(raw)),)
    else:
        sections = (
            SectionSpec(
                key="main",
                name=raw["title"],
                columns=tuple(_column(c) for c in raw["columns"]),
            ),
        )
    panels = tuple(
        PanelSpec(
            key=p["key"],
            name=p["name"],
            classes=tuple(p["classes"]),
            footer=p["footer"],
            footer_aliases=tuple(p.get("footer_aliases", [])),
        )
        for p in raw.get("panels", [])
    )
    return TableSpec(
        key=raw["key"],
        code=raw["code"],
        title=raw["title"],
        aliases=tuple(raw.get("aliases", [])),
        layout=layout,
        note=raw.get("note", ""),
        sections=sections,
        optional_tokens=_tokens(raw.get("optional")),
        codes=raw.get("codes"),
        panels=panels,
        optional_columns=frozenset(raw.get("optional_columns", [])),
    )


def _codebook(name: str, kind: str) -> CodeBook:
    raw = _read(name)
    names: dict[str, str] = {}
    for level in ("类", "款", "项"):
        names.update({str(k): str(v) for k, v in raw.get(level, {}).items()})
    return CodeBook(names=names, complete=frozenset(raw.get("complete", [])), kind=kind)  # type: ignore[arg-type]


def _merged_raw(year: int) -> dict[str, Any]:
    raw = _read(f"edition_{year}.toml")
    base = raw.get("extends")
    if base is None:
        return raw
    merged = dict(_merged_raw(int(base)))
    merged.update({k: v for k, v in raw.items() if k != "extends"})
    return merged


@functools.cache
def load_edition(year: int) -> Edition:
    raw = _merged_raw(year)
    return Edition(
        year=int(raw["edition"]),
        currency_unit=raw.get("currency_unit", "万元"),
        tables=tuple(_table(t) for t in raw["table"]),
        function_classes=tuple(raw["function_classes"]),
        central_only_classes=frozenset(raw.get("central_only_classes", [])),
        function_codes=_codebook(raw["function_codes"], "function"),
        economic_codes=_codebook(raw["economic_codes"], "economic"),
    )


def edition_for_year(year: int | None) -> Edition:
    """The edition of that year, else the latest edition not after it, else the earliest."""
    years = available_editions()
    if year is None:
        return load_edition(years[0])
    earlier = [y for y in years if y <= year]
    return load_edition(earlier[-1] if earlier else years[0])
