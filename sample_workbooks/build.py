"""Build the sample workbooks: the seed unit's clean 2023 workbook and nine defect variants.

    .venv/bin/python sample_workbooks/build.py [OUTDIR]

The figures live in sample_2023.toml next to this script; every workbook is written through
juesuan's own template writer, so the samples and the template share one layout. Each variant
is the clean fill with exactly one documented defect (README.md lists the cells). The output is
deterministic: two runs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import sys
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl

from juesuan.io.template_writer import (
    CellKey,
    CodedRow,
    TableFill,
    WorkbookFill,
    plan_workbook,
    write_workbook,
)
from juesuan.spec import Edition, load_edition

HERE = Path(__file__).resolve().parent
DATA = HERE / "sample_2023.toml"
CLEAN = "sample_2023.xlsx"
YUAN_PER_WAN = Decimal(10000)


@dataclass(frozen=True)
class Sample:
    unit_name: str
    year: int
    fill: WorkbookFill


def load_sample(path: Path = DATA) -> Sample:
    """sample_2023.toml → the fill: amounts parsed straight into Decimal (never float)."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    tables: dict[str, TableFill] = {}
    for key in (f"T{i}" for i in range(1, 10)):
        values: dict[CellKey, Decimal] = {}
        rows: list[CodedRow] = []
        for section, body in raw.get(key, {}).items():
            for row_key, *amounts in body["rows"]:
                if row_key.isdigit() and section == "main":
                    rows.append(CodedRow(row_key))
                for column, amount in zip(body["columns"], amounts, strict=True):
                    if amount != "":
                        values[(section, row_key, column)] = Decimal(amount)
        tables[key] = TableFill(values=values, rows=tuple(rows))
    return Sample(raw["unit_name"], int(raw["year"]), WorkbookFill(tables=tables))


# --- the defects -------------------------------------------------------------------------------


def _with_table(fill: WorkbookFill, key: str, **changes: object) -> WorkbookFill:
    tables = dict(fill.tables)
    tables[key] = replace(fill.table(key), **changes)  # type: ignore[arg-type]
    return replace(fill, tables=tables)


def _set(fill: WorkbookFill, key: str, cells: dict[CellKey, str]) -> WorkbookFill:
    values = dict(fill.table(key).values)
    values.update({cell: Decimal(v) for cell, v in cells.items()})
    return _with_table(fill, key, values=values)


def wrong_total(fill: WorkbookFill) -> WorkbookFill:
    # T3 合计 row 项目支出 184.48 → 184.58: 573.75 ≠ 389.27 + 184.58, and 合计 ≠ Σ类 in 项目支出
    return _set(fill, "T3", {("main", "total", "project"): "184.58"})


def t1_t3_mismatch(fill: WorkbookFill) -> WorkbookFill:
    # T1 claims 0.10 more 城乡社区支出 than T3 and keeps itself balanced: 212 and 本年支出合计
    # up 0.10, 年末结转和结余 down 0.10, so 支出总计 stays 580.93 and only T1↔T3 disagree.
    return _set(
        fill,
        "T1",
        {
            ("expenditure", "212", "amount"): "100.10",
            ("expenditure", "expenditure_total", "amount"): "573.85",
            ("expenditure", "carry_out", "amount"): "7.09",
        },
    )


def t5_t6_basic(fill: WorkbookFill) -> WorkbookFill:
    # 基本工资 up 0.10 with its class row 301 and the 人员经费合计 footer: T6 still adds up, but
    # 人员经费 + 公用经费 = 389.37 ≠ T5 基本支出 389.27. (The 人员经费 side, so that 公用经费 keeps
    # matching the 机关运行经费 31.74 the seed text states, X15.)
    return _set(
        fill,
        "T6",
        {
            ("main", "30101", "amount"): "96.92",
            ("main", "301", "amount"): "356.55",
            ("main", "personnel.total", "amount"): "357.63",
        },
    )


def sangong_total(fill: WorkbookFill) -> WorkbookFill:
    return _set(fill, "T7", {("main", "main", "final.total"): "3.95"})


def code_name(fill: WorkbookFill) -> WorkbookFill:
    rows = tuple(
        CodedRow(r.code, "行政运行") if r.code == "2010302" else r for r in fill.table("T3").rows
    )
    return _with_table(fill, "T3", rows=rows)


def missing_table(fill: WorkbookFill) -> WorkbookFill:
    return replace(fill, omit=frozenset({"T6"}))


def unit_yuan(fill: WorkbookFill) -> WorkbookFill:
    t2 = fill.table("T2")
    values = {cell: amount * YUAN_PER_WAN for cell, amount in t2.values.items()}
    return _with_table(fill, "T2", values=values, unit="元")


def amount_as_text(fill: WorkbookFill) -> WorkbookFill:
    return _with_table(fill, "T3", as_text=frozenset({("main", "2010301", "total")}))


@dataclass(frozen=True)
class Variant:
    file: str
    change: Callable[[WorkbookFill], WorkbookFill]


VARIANTS = (
    Variant("defect_01_wrong_total.xlsx", wrong_total),
    Variant("defect_02_t1_t3_mismatch.xlsx", t1_t3_mismatch),
    Variant("defect_03_t5_t6_basic_mismatch.xlsx", t5_t6_basic),
    Variant("defect_04_sangong_total.xlsx", sangong_total),
    Variant("defect_05_code_name_mismatch.xlsx", code_name),
    Variant("defect_06_missing_table.xlsx", missing_table),
    Variant("defect_07_unit_yuan.xlsx", unit_yuan),
    Variant("defect_08_amount_as_text.xlsx", amount_as_text),
)
FORMULAS_FILE = "defect_09_formulas_without_values.xlsx"


# --- defect 09: formulas saved by openpyxl (no cached values) -------------------------------------

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def t3_sum_formulas(edition: Edition, sample: Sample) -> dict[str, str]:
    """A1 → '=SUM(…)' for every amount of T3's 合计 row, summing its 类 rows."""
    plan = next(
        p
        for p in plan_workbook(
            edition, unit_name=sample.unit_name, year=sample.year, fill=sample.fill
        )
        if p.table.key == "T3"
    )
    classes = [r.code for r in sample.fill.table("T3").rows if len(r.code) == 3]
    out: dict[str, str] = {}
    for column in plan.table.sections[0].amount_columns:
        parts = [plan.a1(("main", code, column.key)) for code in classes]
        out[plan.a1(("main", "total", column.key))] = f"=SUM({','.join(parts)})"
    return out


def _deterministic_zip(data: bytes) -> bytes:
    """openpyxl stamps the zip members and docProps/core.xml with the current time: pin both."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            dst.writestr(
                zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME), body, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def write_formulas_variant(clean: Path, target: Path, formulas: dict[str, str]) -> None:
    # Our own generated file, so re-saving it with openpyxl is fine (never do this to a user's).
    book = openpyxl.load_workbook(clean)
    sheet = book[next(name for name in book.sheetnames if name == "支出决算表")]
    for cell, formula in formulas.items():
        sheet[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    target.write_bytes(_deterministic_zip(buffer.getvalue()))


# --- main --------------------------------------------------------------------------------------


def build(outdir: Path = HERE) -> list[Path]:
    edition = load_edition(2023)
    sample = load_sample()
    outdir.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str, fill: WorkbookFill) -> None:
        path = outdir / name
        write_workbook(path, edition, unit_name=sample.unit_name, year=sample.year, fill=fill)
        written.append(path)

    write(CLEAN, sample.fill)
    for variant in VARIANTS:
        write(variant.file, variant.change(sample.fill))
    target = outdir / FORMULAS_FILE
    write_formulas_variant(outdir / CLEAN, target, t3_sum_formulas(edition, sample))
    written.append(target)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
