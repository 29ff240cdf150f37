"""Rule cases of the reader families (IN, ST, CD, VA) as data: real files built per case.

The identity families run on in-memory variants of the sample (rulecases.py). The reader's rules
are about the file itself — its package, titles, headers, labels, codes and cell types — so a
case here is a real workbook written to disk and read back by `validate_path`, the way the CLI
reads it:

- `cells`: edits to a copy of sample_workbooks/sample_2023.xlsx, `"sheet!A1" = value`. A TOML
  number is written as a number, a string as text, `""` empties the cell, and a string starting
  with `=` is a formula. openpyxl writes formulas without a cached value, which is exactly what
  ST110 is about. (openpyxl only ever touches this test copy, never a user's file.)
- `copy_sheets`: sheets duplicated (openpyxl's copy, named "<name> Copy").
- `build`: instead of the sample, a file made by one of the BUILDERS below (hostile inputs).
- `name`: the file name to write (default `case.xlsx`); the content decides the format.
"""

from __future__ import annotations

import functools
import io
import tomllib
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from conftest import SAMPLES
from hostile import encrypted_ooxml, zip_bomb

CASES_DIR = Path(__file__).resolve().parent / "cases"
FILE_FAMILIES = ("IN", "ST", "CD", "VA")
SHEET1 = "xl/worksheets/sheet1.xml"

Value = str | int | float


@dataclass(frozen=True)
class FileCase:
    code: str
    kind: str  # "fail" or "pass"
    number: int
    note: str
    cells: Mapping[str, Value]
    copy_sheets: tuple[str, ...]
    build: str
    name: str
    expect: tuple[str, ...]  # fail: "sheet!A1" of each finding, or "-" for a cell-less one
    severity: str | None

    @property
    def id(self) -> str:
        return f"{self.code}-{self.kind}-{self.number}"


def _tiny_book(path: Path, rows: list[list[Value]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _replace_sheet1(path: Path, body: str, head: str = "") -> Path:
    """A one-sheet workbook whose sheet XML is replaced: for XML- and size-level hostility."""
    base = _tiny_book(path.with_suffix(".base.xlsx"), [["收入支出决算总表"]])
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet {ns}>{body}</worksheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = xml.encode("utf-8") if info.filename == SHEET1 else src.read(info)
            dst.writestr(info.filename, data)
    path.write_bytes(out.getvalue())
    return path


def _text(path: Path) -> Path:
    path.write_text("这不是工作簿，只是一段文字。", encoding="utf-8")
    return path


def _truncated(path: Path) -> Path:
    data = (SAMPLES / "sample_2023.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _encrypted(path: Path) -> Path:
    path.write_bytes(encrypted_ooxml())
    return path


def _zip_bomb(path: Path) -> Path:
    """A sheet that inflates to 1 GiB of zeros from about 1 MB."""
    return zip_bomb(_tiny_book(path.with_suffix(".base.xlsx"), [["收入支出决算总表"]]), path)


def _entities(path: Path) -> Path:
    lol = ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 9)]
    body = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a8;</t></is></c></row></sheetData>'
    )
    return _replace_sheet1(path, body, head=f"<!DOCTYPE x [{''.join(lol)}]>")


def _million_rows(path: Path) -> Path:
    body = (
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    return _replace_sheet1(path, body)


def _far_styled_cell(path: Path) -> Path:
    """A declared range of the whole sheet but only an empty styled cell far away: allowed."""
    body = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>收入支出决算总表</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    )
    return _replace_sheet1(path, body)


def _empty(path: Path) -> Path:
    openpyxl.Workbook().save(path)
    return path


def _no_tables(path: Path) -> Path:
    return _tiny_book(path, [["姓名", "部门", "电话"], ["张三", "办公室", "1234"]])


def _only_t1_title(path: Path) -> Path:
    return _tiny_book(path, [["收入支出决算总表"], ["单位：万元"]])


def _missing(path: Path) -> Path:
    return path  # never written


def _sample(path: Path) -> Path:
    path.write_bytes((SAMPLES / "sample_2023.xlsx").read_bytes())
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "text": _text,
    "truncated": _truncated,
    "encrypted": _encrypted,
    "zip_bomb": _zip_bomb,
    "entities": _entities,
    "million_rows": _million_rows,
    "far_styled_cell": _far_styled_cell,
    "empty": _empty,
    "no_tables": _no_tables,
    "only_t1_title": _only_t1_title,
    "missing": _missing,
    "sample": _sample,
}


def write_case(case: FileCase, folder: Path) -> Path:
    """The case's workbook on disk."""
    path = folder / case.name
    if case.build:
        return BUILDERS[case.build](path)
    wb = openpyxl.load_workbook(SAMPLES / "sample_2023.xlsx")
    for ref, value in case.cells.items():
        sheet, _, cell = ref.rpartition("!")
        wb[sheet][cell].value = None if value == "" else value
    for name in case.copy_sheets:
        wb.copy_worksheet(wb[name])
    wb.save(path)
    return path


_KEYS = {"note", "cells", "copy_sheets", "build", "name", "expect", "severity"}


def _file_cases(code: str, kind: str, entries: list[dict[str, object]]) -> list[FileCase]:
    out: list[FileCase] = []
    for n, raw in enumerate(entries, 1):
        unknown = set(raw) - _KEYS
        if unknown:
            raise ValueError(f"{code} {kind}-{n}: unknown keys {sorted(unknown)}")
        build = str(raw.get("build", ""))
        if build and build not in BUILDERS:
            raise ValueError(f"{code} {kind}-{n}: unknown builder {build!r}")
        cells = raw.get("cells", {})
        assert isinstance(cells, dict)
        if build and cells:
            raise ValueError(f"{code} {kind}-{n}: `build` and `cells` exclude each other")
        listed = raw.get("copy_sheets", [])
        expect = raw.get("expect", [])
        assert isinstance(listed, list) and isinstance(expect, list)
        out.append(
            FileCase(
                code=code,
                kind=kind,
                number=n,
                note=str(raw.get("note", "")),
                cells={str(k): v for k, v in cells.items()},
                copy_sheets=tuple(str(x) for x in listed),
                build=build,
                name=str(raw.get("name", "case.xlsx")),
                expect=tuple(str(x) for x in expect),
                severity=None if raw.get("severity") is None else str(raw["severity"]),
            )
        )
    return out


@functools.cache
def file_case_files() -> dict[str, tuple[list[FileCase], list[FileCase]]]:
    """code → (fail cases, pass cases) for the reader families."""
    out: dict[str, tuple[list[FileCase], list[FileCase]]] = {}
    for path in sorted(CASES_DIR.glob("*.toml")):
        if not path.stem.startswith(FILE_FAMILIES):
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"fail", "pass"}
        if unknown:
            raise ValueError(f"{path.name}: unknown tables {sorted(unknown)}")
        out[path.stem] = (
            _file_cases(path.stem, "fail", data.get("fail", [])),
            _file_cases(path.stem, "pass", data.get("pass", [])),
        )
    return out


def all_file_cases() -> list[FileCase]:
    return [c for fails, passes in file_case_files().values() for c in (*fails, *passes)]
