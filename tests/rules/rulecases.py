"""Rule cases as data: changes to the clean sample, applied in memory (see README.md).

The clean sample (sample_workbooks/sample_2023.xlsx) is read once per process; each case
works on a copy whose changed rows get new Amount values, so a case costs one
`check_identities` run and no file I/O.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from conftest import SAMPLES
from juesuan.read import read_workbook
from juesuan.tables import Amount, Row, Section, Table, Workbook

CASES_DIR = Path(__file__).resolve().parent / "cases"
CODE_RE = re.compile(r"^[A-Z]{2}\d{3}$")
IDENTITY_FAMILIES = ("SM", "XT")


@dataclass(frozen=True)
class Case:
    code: str
    kind: str  # "fail" or "pass"
    number: int  # 1-based within its kind
    note: str
    set: Mapping[str, str]  # "T3:main:total:project" → "184.58" ("" = blank)
    drop: tuple[str, ...]  # "T2:main:20103": rows taken out of the table
    add: tuple[str, ...]  # "T8:main:2296002": coded rows appended (blank until `set`)
    expect: tuple[str, ...]  # fail: the primary cells "sheet!A1" of this code's findings
    severity: str | None  # fail: the severity every finding of the code has (default: rule's)
    xfail: str = ""  # a known engine bug this case shows (the test must fail until it is fixed)

    @property
    def id(self) -> str:
        return f"{self.code}-{self.kind}-{self.number}"


@functools.cache
def clean_sample() -> Workbook:
    return read_workbook(SAMPLES / "sample_2023.xlsx")


def _copy_section(section: Section) -> Section:
    # the rows themselves are shared: set_cell replaces a row it changes, so a section the
    # reader read by columns keeps them where a case changes nothing, and leaves them where it
    # does (Section.amount_columns), as the checks must handle both
    return replace(section, rows=list(section.rows), columns=dict(section.columns))


def copy_workbook(wb: Workbook) -> Workbook:
    """A copy whose tables, sections and row lists may be changed freely (the spec objects,
    rows and Amounts are shared: change a row by replacing it, as set_cell does)."""
    tables = {
        key: replace(t, sections={k: _copy_section(s) for k, s in t.sections.items()})
        for key, t in wb.tables.items()
    }
    return replace(wb, tables=tables, findings=list(wb.findings))


def _locate(wb: Workbook, ref: str, parts: int) -> tuple[Section, Row | None, list[str]]:
    bits = ref.split(":")
    if len(bits) != parts:
        raise ValueError(f"{ref!r}: expected {parts} parts separated by ':'")
    table = wb.tables[bits[0]]
    section = table.sections[bits[1]]
    return section, section.row(bits[2]), bits


def amount(text: str, sheet: str, cell: str, old: Amount | None) -> Amount:
    """The Amount a case writes: "" is blank, else the exact decimal with its printed places."""
    value = None if text.strip() == "" else Decimal(text.strip())
    exponent = 0 if value is None else value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if old is not None:
        return old._replace(value=value, decimals=decimals, as_text=False, unknown=False)
    return Amount(value, sheet, cell, decimals)


def set_cell(wb: Workbook, ref: str, text: str) -> None:
    """Write one amount into a copied workbook: ref is TABLE:SECTION:ROW:COLUMN."""
    section, row, (table_key, _, row_key, column) = _locate(wb, ref, 4)
    if row is None:
        raise KeyError(f"{ref!r}: {table_key} prints no row {row_key!r}")
    col = section.columns.get(column)
    if col is None:
        raise KeyError(f"{ref!r}: {table_key} has no column {column!r}")
    sheet = wb.tables[table_key].sheet
    new = amount(text, sheet, f"{col.letter}{row.sheet_row + 1}", row.values.get(column))
    at = next(i for i, r in enumerate(section.rows) if r is row)
    section.rows[at] = row.replace(values={**row.values, column: new})


def drop_row(wb: Workbook, ref: str) -> None:
    section, row, _ = _locate(wb, ref, 3)
    if row is None:
        raise KeyError(f"{ref!r}: no such row")
    section.rows.remove(row)


def add_row(wb: Workbook, ref: str) -> None:
    """Append a coded row (类 3 digits, 款 5, 项 7) below the section's last row."""
    section, row, (_, _, code, _) = _locate(wb, ref + ":", 4)
    if row is not None or not code.isdigit() or len(code) not in _LEVELS:
        raise ValueError(f"{ref!r}: not a new 3/5/7-digit code")
    last = max((r.sheet_row for r in section.rows), default=0)
    section.rows.append(Row(code, code, last + 1, code=code, level=_LEVELS[len(code)]))


_LEVELS = {3: "类", 5: "款", 7: "项"}


def reflag(tables: Iterable[Table]) -> None:
    """`Table.empty` as the reader sets it (parse/table.py): no amount other than blank or 0."""
    for table in tables:
        table.empty = not any(s.prints_amount() for s in table.sections.values())


def apply(case: Case) -> Workbook:
    wb = copy_workbook(clean_sample())
    for ref in case.drop:
        drop_row(wb, ref)
    for ref in case.add:
        add_row(wb, ref)
    for ref, text in case.set.items():
        set_cell(wb, ref, text)
    reflag(wb.tables.values())
    return wb


def _cases(code: str, kind: str, entries: Iterable[dict[str, object]]) -> list[Case]:
    out: list[Case] = []
    for n, raw in enumerate(entries, 1):
        unknown = set(raw) - {"note", "set", "drop", "add", "expect", "severity", "xfail"}
        if unknown:
            raise ValueError(f"{code} {kind}-{n}: unknown keys {sorted(unknown)}")
        values = raw.get("set", {})
        assert isinstance(values, dict)
        out.append(
            Case(
                code=code,
                kind=kind,
                number=n,
                note=str(raw.get("note", "")),
                set={str(k): str(v) for k, v in values.items()},
                drop=tuple(str(x) for x in raw.get("drop", [])),  # type: ignore[attr-defined]
                add=tuple(str(x) for x in raw.get("add", [])),  # type: ignore[attr-defined]
                expect=tuple(str(x) for x in raw.get("expect", [])),  # type: ignore[attr-defined]
                severity=None if raw.get("severity") is None else str(raw["severity"]),
                xfail=str(raw.get("xfail", "")),
            )
        )
    return out


@functools.cache
def case_files() -> dict[str, tuple[list[Case], list[Case]]]:
    """code → (fail cases, pass cases), one file per code."""
    out: dict[str, tuple[list[Case], list[Case]]] = {}
    for path in sorted(CASES_DIR.glob("*.toml")):
        code = path.stem
        if not code.startswith(IDENTITY_FAMILIES):
            continue  # the reader families' cases are files (filecases.py)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"fail", "pass"}
        if unknown:
            raise ValueError(f"{path.name}: unknown tables {sorted(unknown)}")
        out[code] = (
            _cases(code, "fail", data.get("fail", [])),
            _cases(code, "pass", data.get("pass", [])),
        )
    return out


def all_cases() -> list[Case]:
    return [c for fails, passes in case_files().values() for c in (*fails, *passes)]
