"""The generated template of the nine tables: reproducible, laid out as the reader expects,
and printable (LibreOffice turns it into a PDF with the Chinese text intact)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import ROOT, pdf_text
from juesuan.io.template_writer import (
    AMOUNT_FORMAT,
    CodedRow,
    Formula,
    TableFill,
    WorkbookFill,
    chinese_number,
    display_width,
    plan_workbook,
    sheet_name,
    write_template,
    write_workbook,
)
from juesuan.read import read_workbook
from juesuan.spec import load_edition

TEMPLATE = ROOT / "src" / "juesuan" / "workbook_templates" / "template_2023.xlsx"
REGENERATE = (
    '.venv/bin/python -c "from pathlib import Path; from juesuan.spec import load_edition; '
    "from juesuan.io.template_writer import write_template; "
    f"write_template(Path('{TEMPLATE.relative_to(ROOT)}'), load_edition(2023))\""
)
EDITION = load_edition(2023)
D15 = Decimal("1.50")


@pytest.fixture(scope="module")
def book() -> Any:
    return openpyxl.load_workbook(TEMPLATE)


def _merges(ws: Any) -> dict[str, object]:
    return {str(rng): ws.cell(rng.min_row, rng.min_col).value for rng in ws.merged_cells.ranges}


# --- reproducibility ---------------------------------------------------------------------------


def test_committed_template_is_a_fresh_generation(tmp_path: Path) -> None:
    fresh = tmp_path / "template.xlsx"
    write_template(fresh, EDITION)
    assert fresh.read_bytes() == TEMPLATE.read_bytes(), f"stale template; regenerate: {REGENERATE}"


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    fill = WorkbookFill({"T1": TableFill({("income", "gpb", "amount"): Decimal("1.25")})})
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (first, second):
        write_workbook(path, EDITION, unit_name="某局", year=2023, fill=fill)
    assert first.read_bytes() == second.read_bytes()


# --- sheets, titles, metadata --------------------------------------------------------------------


def test_one_sheet_per_table_named_by_title(book: Any) -> None:
    assert book.sheetnames == [t.title for t in EDITION.tables]
    for spec, ws in zip(EDITION.tables, book.worksheets, strict=True):
        assert len(ws.title) <= 31
        assert ws["A1"].value == spec.title
        width = ws.max_column
        assert _merges(ws)[f"A1:{get_column_letter(width)}1"] == spec.title
        assert ws.cell(2, width).value == spec.code
        assert ws["A3"].value == "编制单位："
        assert ws.cell(3, width).value == "单位：万元"
        assert "2023年度" in [c.value for c in ws[3]]


def test_sheet_names_are_cut_to_excels_limit() -> None:
    long = "一二三四五六七八九十" * 4
    assert sheet_name(long) == long[:31]
    assert sheet_name("a/b[c]") == "abc"
    assert sheet_name("收入决算表", taken=["收入决算表"]) == "收入决算表(2)"
    assert len(sheet_name(long, taken=[long[:31]])) == 31


def test_helpers() -> None:
    assert [chinese_number(n) for n in (1, 10, 11, 20, 24)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十四",
    ]
    assert display_width("合计ab") == 6


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "expected"),
    [
        ("收入支出决算总表", {"A4:B4": "收入", "C4:D4": "支出"}),
        (
            "支出决算表",
            {"A4:B4": "项目", "C4:C5": "本年支出合计", "D4:D5": "基本支出", "A6:B6": "合计"},
        ),
        (
            "财政拨款收入支出决算总表",
            {"A4:B4": "收入", "C4:G4": "支出", "A5:A6": "项目", "C5:C6": "项目", "D5:G5": "决算数"},
        ),
        ("一般公共预算财政拨款基本支出决算表", {"A4:C4": "人员经费", "D4:F4": "公用经费"}),
        (
            "财政拨款“三公”经费支出决算表",
            {
                "A4:F4": "预算数",
                "G4:L4": "决算数",
                "A5:A6": "合计",
                "C5:E5": "公务用车购置及运行（维护）费",
                "I5:K5": "公务用车购置及运行（维护）费",
                "L5:L6": "公务接待费",
            },
        ),
        ("政府性基金预算财政拨款收入支出决算表", {"A4:B4": "项目", "E4:G4": "本年支出"}),
    ],
)
def test_headers_are_merged_as_in_the_official_tables(
    book: Any, sheet: str, expected: dict[str, str]
) -> None:
    merges = _merges(book[sheet])
    for rng, text in expected.items():
        assert merges.get(rng) == text, (sheet, rng, merges.get(rng))


def test_header_texts(book: Any) -> None:
    t4 = book["财政拨款收入支出决算总表"]
    assert [c.value for c in t4[6]][3:] == [
        "合计",
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
        "国有资本经营预算财政拨款",
    ]
    t7 = book["财政拨款“三公”经费支出决算表"]
    assert [c.value for c in t7[6]][2:5] == ["小计", "公务用车购置费", "公务用车运行（维护）费"]
    t3 = book["支出决算表"]
    assert [c.value for c in t3[5]][:2] == ["功能分类科目编码", "科目名称"]


def test_t1_lists_every_local_class_numbered(book: Any) -> None:
    ws = book["收入支出决算总表"]
    labels = [ws.cell(r, 3).value for r in range(6, 6 + 24)]
    assert labels[0] == "一、一般公共服务支出"
    assert labels[8] == "九、卫生健康支出"  # 209 is central-only: not in the local template
    assert labels[-1] == "二十四、抗疫特别国债安排的支出"


def test_t6_prints_every_kuan_and_footers_on_the_last_row(book: Any) -> None:
    ws = book["一般公共预算财政拨款基本支出决算表"]
    codes = {ws.cell(r, c).value for r in range(6, ws.max_row + 1) for c in (1, 4)}
    book_codes = EDITION.economic_codes.names
    for cls in ("301", "302", "303", "310"):
        assert {c for c in book_codes if c[:3] == cls} <= codes
    footer = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "人员经费合计")
    assert ws.cell(footer, 4).value == "公用经费合计"
    assert ws.cell(footer + 1, 1).value.startswith("注：")


def test_codes_are_text(book: Any) -> None:
    ws = book["一般公共预算财政拨款基本支出决算表"]
    assert ws["A6"].value == "301" and ws["A6"].data_type == "s"


def test_notes_under_the_data(book: Any) -> None:
    for spec, ws in zip(EDITION.tables, book.worksheets, strict=True):
        assert ws.cell(ws.max_row, 1).value == spec.note


# --- formats and print setup ------------------------------------------------------------------------


def test_amount_cells_use_the_amount_format(book: Any) -> None:
    for plan in plan_workbook(EDITION):
        ws = book[plan.name]
        assert plan.addresses, plan.name
        for key in plan.addresses:
            cell = ws[plan.a1(key)]
            assert cell.number_format == AMOUNT_FORMAT, (plan.name, cell.coordinate)


def test_freeze_panes_and_print_setup(book: Any) -> None:
    for plan in plan_workbook(EDITION):
        ws = book[plan.name]
        first, last = plan.header_rows
        assert ws.freeze_panes == f"A{last + 2}"
        assert ws.print_title_rows == f"${first + 1}:${last + 1}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)
        assert ws.print_options.horizontalCentered
        assert ws["A1"].font.name == "黑体" and ws["A1"].font.b
        header = ws.cell(first + 1, 1)
        assert header.fill.fgColor.rgb.endswith("D9D9D9") and header.border.left.style == "thin"


def test_column_widths_fit_cjk_labels(book: Any) -> None:
    ws = book["收入支出决算总表"]
    assert ws.column_dimensions["A"].width >= display_width("二、政府性基金预算财政拨款收入")


# --- the reader understands it -------------------------------------------------------------------------


def test_reader_finds_all_nine_tables_without_structure_findings() -> None:
    wb = read_workbook(TEMPLATE)
    assert sorted(wb.tables) == [f"T{i}" for i in range(1, 10)]
    assert [f.code for f in wb.findings if f.code.startswith(("ST", "CD"))] == []
    t1 = wb.tables["T1"]
    assert t1.unit == "万元" and t1.year == 2023
    assert [r.key for r in t1.sections["expenditure"].rows][:3] == ["201", "202", "203"]


# --- LibreOffice -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template_pdf(to_pdf: Callable[[Path], Path]) -> Path:
    """The template converted once per module (LibreOffice takes a few seconds)."""
    return to_pdf(TEMPLATE)


def test_libreoffice_prints_every_table_with_chinese_text(template_pdf: Path) -> None:
    text = pdf_text(template_pdf)
    pages = text.count("\f")
    assert pages >= 9, f"{pages} pages"
    assert "收入支出决算总表" in text
    for spec in EDITION.tables:
        assert spec.code in text


# --- filled workbooks ------------------------------------------------------------------------------------


def test_fill_options(tmp_path: Path) -> None:
    t3 = TableFill(
        values={("main", "201", "total"): Decimal("1.50"), ("main", "20103", "total"): D15},
        rows=(CodedRow("201"), CodedRow("20103", "改过的名称")),
        unit="元",
        as_text=frozenset({("main", "20103", "total")}),
        formulas={("main", "total", "total"): Formula("=SUM({main:201:total})", Decimal("1.5"))},
    )
    path = tmp_path / "filled.xlsx"
    write_workbook(
        path, EDITION, unit_name="某局", fill=WorkbookFill({"T3": t3}, frozenset({"T7"}))
    )
    book = openpyxl.load_workbook(path)
    assert "财政拨款“三公”经费支出决算表" not in book.sheetnames
    ws = book["支出决算表"]
    assert ws["H3"].value == "单位：元"
    assert [ws["A7"].value, ws["B7"].value, ws["C7"].value] == ["201", "一般公共服务支出", 1.5]
    assert [ws["A8"].value, ws["B8"].value, ws["C8"].value] == ["20103", "改过的名称", "1.50"]
    assert ws["C6"].value == "=SUM(C7)"
    assert openpyxl.load_workbook(path, data_only=True)["支出决算表"]["C6"].value == 1.5
    t8 = book["政府性基金预算财政拨款收入支出决算表"]
    assert t8["A8"].value == (
        "说明：某局本年度没有政府性基金预算财政拨款收入、支出和结转结余，故本表无数据。"
    )


def test_a_fill_key_without_a_cell_is_an_error(tmp_path: Path) -> None:
    fill = WorkbookFill({"T1": TableFill({("income", "no_such_row", "amount"): Decimal(1)})})
    with pytest.raises(ValueError, match="no_such_row"):
        write_workbook(tmp_path / "x.xlsx", EDITION, fill=fill)
