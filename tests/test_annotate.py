"""The annotated copy keeps every part of the user's workbook and adds a correct 校验结果 sheet."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from copy import copy
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc
import xlsxwriter

from annotate_fixtures import (
    EXPENSE,
    INCOME,
    MARKED,
    PARAMS,
    QUOTED,
    SUMMARY,
    build_rich_workbook,
    rich_report,
)
from conftest import pdf_text
from juesuan.findings import Report, Severity
from juesuan.io.annotate import MARK_FILLS, AnnotateResult, annotated_path, write_annotated_copy

NOW = datetime(2024, 5, 1, 10, 30)
HEADERS = ["序号", "级别", "规则", "表", "单元格", "问题说明", "报表数", "计算数", "差额"]
HEADERS += ["相关单元格", "说明", "说明原文", "指纹"]
HEADER_ROW = 12
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/package/2006/relationships",
}
RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → package part, from workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("r:Relationship", NS)}
    return {
        s.get("name", ""): "xl/" + str(targets[s.get(RID)])
        for s in book.findall("m:sheets/m:sheet", NS)
    }


def result_rows(ws: Any, count: int) -> list[tuple[Any, ...]]:
    first = HEADER_ROW + 1
    return [
        tuple(c.value for c in row)
        for row in ws.iter_rows(min_row=first, max_row=first + count - 1, max_col=12)
    ]


def normalise(xml: str, refs: set[str]) -> str:
    """A sheet part without what marking may change: the `s` of marked cells, marked cells and
    rows inserted empty, and tabSelected."""
    xml = re.sub(r'\s+tabSelected="1"', "", xml)
    for ref in refs:
        xml = re.sub(rf'<c r="{ref}" s="\d+"/>', "", xml)
        xml = re.sub(rf'(<c r="{ref}"[^>]*?)\s+s="\d+"', r"\1", xml)
    xml = re.sub(r"<row ([^>]*)></row>", r"<row \1/>", xml)
    return re.sub(r'<row r="\d+"/>', "", xml)


def cell_style(path: Path, sheet: str, ref: str) -> str | None:
    xml = members(path)[sheet_parts(path)[sheet]].decode()
    m = re.search(rf'<c r="{ref}"(?: s="(\d+)")?', xml)
    assert m is not None, f"{sheet}!{ref} has no element"
    return m[1] or "0"


def type_note(annotated: Path, out: Path, fingerprint: str, text: str) -> None:
    """Type an explanation into the 说明 cell of a finding, by editing the sheet XML."""
    part = sheet_parts(annotated)["校验结果"]
    parts = members(annotated)
    xml = parts[part].decode()
    row = re.search(rf'<c r="M(\d+)"[^>]*><is><t[^>]*>{fingerprint}</t>', xml)
    assert row is not None
    empty = re.compile(rf'<c r="K{row[1]}" s="(\d+)"/>')
    assert empty.search(xml)
    xml = empty.sub(rf'<c r="K{row[1]}" s="\1" t="inlineStr"><is><t>{text}</t></is></c>', xml)
    parts[part] = xml.encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


# ── fixtures ─────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = build_rich_workbook(tmp_path_factory.mktemp("rich") / "rich.xlsx")
    return path, sha256(path)


@pytest.fixture(scope="module")
def annotated(
    rich: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, AnnotateResult]:
    out = tmp_path_factory.mktemp("out") / "rich.校验.xlsx"
    return out, write_annotated_copy(rich[0], out, rich_report(), now=NOW)


# ── (1), (2), (6): nothing of the user's package changes but what must ──────────────────────


def test_result_says_what_was_written(annotated: tuple[Path, AnnotateResult]) -> None:
    out, result = annotated
    assert result.format == "graft"
    assert result.sheet == "校验结果"
    assert result.path == out
    assert result.marked_cells == len(MARKED)
    assert result.findings == len(rich_report().findings)
    assert result.note is None


def test_members_byte_identical_but_the_allowed(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    src, out = rich[0], annotated[0]
    before, after = members(src), members(out)
    parts = sheet_parts(src)
    new_part = sheet_parts(out)["校验结果"]
    assert set(after) == set(before) | {new_part}
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in b.infolist()] == [i.filename for i in a.infolist()] + [new_part]
        for info in a.infolist():
            assert b.getinfo(info.filename).compress_type == info.compress_type
        assert b.testzip() is None
    allowed = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    allowed |= {"xl/styles.xml"} | {parts[sheet] for sheet, _ in MARKED}
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= allowed
    assert {"xl/workbook.xml", "xl/styles.xml"} <= changed
    # The untouched parts include worksheets, a chartsheet, drawings, media, comments, tables.
    for untouched in ("xl/chartsheets/sheet1.xml", "xl/media/image1.png", "xl/comments1.xml"):
        assert before[untouched] == after[untouched]
    assert parts["附注"] not in changed
    assert b"sharedStrings" not in after[new_part]


def test_marked_sheets_differ_only_in_cell_styles(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    src, out = rich[0], annotated[0]
    before, after, parts = members(src), members(out), sheet_parts(src)
    for sheet in {sheet for sheet, _ in MARKED}:
        refs = {ref for s, ref in MARKED if s == sheet}
        old, new = before[parts[sheet]].decode(), after[parts[sheet]].decode()
        assert old != new
        assert normalise(old, refs) == normalise(new, refs), sheet


def test_only_the_new_sheet_is_selected(annotated: tuple[Path, AnnotateResult]) -> None:
    parts, data = sheet_parts(annotated[0]), members(annotated[0])
    selected = [name for name, part in parts.items() if b'tabSelected="1"' in data[part]]
    assert selected == ["校验结果"]


def test_workbook_entry_names_and_active_tab(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    before = members(rich[0])["xl/workbook.xml"].decode()
    after = members(annotated[0])["xl/workbook.xml"].decode()
    names = list(sheet_parts(annotated[0]))
    assert names[-1] == "校验结果" and names[:-1] == list(sheet_parts(rich[0]))
    assert f'activeTab="{len(names) - 1}"' in after
    # Existing names are kept verbatim (their localSheetId stays valid: the sheet is last).
    for name in re.findall(r"<definedName .*?</definedName>", before):
        assert name in after
    assert f'localSheetId="{len(names) - 1}" hidden="1">\'校验结果\'!$A$12:$M$' in after


def test_input_is_never_written(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    assert sha256(rich[0]) == rich[1]


# ── (3), (4): what openpyxl and calamine read ───────────────────────────────────────────────


def test_openpyxl_reads_the_result_sheet(annotated: tuple[Path, AnnotateResult]) -> None:
    out = annotated[0]
    report = rich_report()
    wb = openpyxl.load_workbook(out)
    ws = wb["校验结果"]
    assert wb.active.title == "校验结果"
    assert ws["A1"].value == "部门决算校验结果"
    assert [c.value for c in ws[HEADER_ROW]][:13] == HEADERS
    rows = result_rows(ws, len(report.findings))
    assert [r[0] for r in rows] == list(range(1, len(report.findings) + 1))
    assert [r[2] for r in rows] == [f.code for f in report.sorted_findings()]
    ranks = {"错误": 0, "警告": 1, "提示": 2}
    assert [ranks[r[1]] for r in rows] == sorted(ranks[r[1]] for r in rows)
    assert ws.cell(HEADER_ROW + len(rows) + 1, 1).value is None
    assert ws.column_dimensions["M"].hidden
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:M{HEADER_ROW + len(rows)}"
    labels = {ws.cell(r, 1).value: ws.cell(r, 4).value for r in range(2, 11)}
    assert labels["错误"] == 3 and labels["结论"] == "未通过" and labels["单位"] == "示例单位"


def test_hyperlinks_point_at_the_cells(annotated: tuple[Path, AnnotateResult]) -> None:
    ws = openpyxl.load_workbook(annotated[0])["校验结果"]
    findings = rich_report().sorted_findings()
    for i, f in enumerate(findings):
        cell = ws.cell(HEADER_ROW + 1 + i, 5)
        if f.cell is None:
            assert cell.value is None and cell.hyperlink is None
            continue
        assert cell.value == f"{f.sheet}!{f.cell}"
        quoted = "'" + (f.sheet or "").replace("'", "''") + "'"
        assert cell.hyperlink.location == f"{quoted}!{f.cell}"
    assert ws.cell(HEADER_ROW + len(findings), 5).value == f"{PARAMS}!A2"  # hidden sheet


def test_amounts_are_exact_numbers(annotated: tuple[Path, AnnotateResult]) -> None:
    ws = openpyxl.load_workbook(annotated[0])["校验结果"]
    first = HEADER_ROW + 1  # SM101: reported 1234.76, computed 1234.00000001
    assert ws.cell(first, 7).value == pytest.approx(1234.76)
    assert ws.cell(first, 7).number_format == "#,##0.00"
    assert ws.cell(first, 10).value == "B5=1000.50；B6=200.25；支出决算表!B5=46.00"
    xml = members(annotated[0])[sheet_parts(annotated[0])["校验结果"]].decode()
    assert f'<c r="H{first}" s=' in xml
    assert "<v>1234.00000001</v>" in xml and "<v>0.75999999</v>" in xml


def test_marked_cells_keep_format_and_font(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    before = openpyxl.load_workbook(rich[0])
    after = openpyxl.load_workbook(annotated[0])
    xml, parts = members(rich[0]), sheet_parts(rich[0])
    for (sheet, ref), severity in MARKED.items():
        old, new = before[sheet][ref], after[sheet][ref]
        assert new.fill.fill_type == "solid", (sheet, ref)
        assert new.fill.fgColor.rgb == MARK_FILLS[severity], (sheet, ref)
        assert new.value == old.value
        if f'<c r="{ref}"'.encode() not in xml[parts[sheet]]:
            continue  # openpyxl gives a missing cell no column or row style: checked below
        assert new.number_format == old.number_format, (sheet, ref)
        # Style proxies do not compare with each other: compare the styles they stand for.
        for attr in ("font", "border", "alignment", "protection"):
            assert copy(getattr(new, attr)) == copy(getattr(old, attr)), (sheet, ref, attr)
    # Empty cells inserted for marks show the format they showed before: column or row style.
    assert after[EXPENSE]["F6"].number_format == "0.0"
    assert after[EXPENSE]["F6"].font.color.rgb == "FF7030A0"
    assert after[EXPENSE]["B10"].number_format == "0.00%"
    assert after[EXPENSE]["B6"].fill.fill_type is None  # a neighbour stays as it was


def test_calamine_reads_the_same_values(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult]
) -> None:
    with (
        pc.CalamineWorkbook.from_path(str(rich[0])) as a,
        pc.CalamineWorkbook.from_path(str(annotated[0])) as b,
    ):
        assert b.sheet_names == [*a.sheet_names, "校验结果"]
        for meta in a.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            old = a.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            new = b.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            assert old == new, meta.name
        assert b.get_sheet_by_name(SUMMARY).to_python()[9][1] == 1234.76  # the cached value


# ── (5): LibreOffice opens it ───────────────────────────────────────────────────────────────


def test_libreoffice_opens_it(
    annotated: tuple[Path, AnnotateResult], to_pdf: Callable[[Path], Path]
) -> None:
    text = pdf_text(to_pdf(annotated[0]))
    for word in ("部门决算校验结果", "问题说明", "报表数", "相关单元格", "SM101", "未通过"):
        assert word in text
    assert "收入支出决算总表" in text and "1,234.76" in text


# ── (7): re-annotating ──────────────────────────────────────────────────────────────────────


def second_report() -> Report:
    """The first report with the two findings on 收入支出决算总表!B5 and the one on F6 gone."""
    report = rich_report()
    gone = {"SM102", "VA101", "CD103"}
    return replace(report, findings=[f for f in report.findings if f.code not in gone])


def test_reannotating_replaces_the_sheet_and_carries_notes(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult], tmp_path: Path
) -> None:
    first = annotated[0]
    sm101 = next(f for f in rich_report().findings if f.code == "SM101")
    sm102 = next(f for f in rich_report().findings if f.code == "SM102")
    edited = tmp_path / "edited.xlsx"
    type_note(first, edited, sm101.fingerprint, "差额系四舍五入所致")
    type_note(edited, tmp_path / "edited2.xlsx", sm102.fingerprint, "已更正")
    out = tmp_path / "again.xlsx"
    result = write_annotated_copy(tmp_path / "edited2.xlsx", out, second_report(), now=NOW)

    assert result.explanations == {sm101.fingerprint: "差额系四舍五入所致"}
    assert result.dropped_explanations == {sm102.fingerprint: "已更正"}
    assert result.restored_cells == 2  # B5 and F6 lost their findings
    names = list(sheet_parts(out))
    assert names.count("校验结果") == 1 and names[-1] == "校验结果"
    assert set(members(out)) == set(members(first))
    ws = openpyxl.load_workbook(out)["校验结果"]
    assert ws.cell(HEADER_ROW + 1, 3).value == "SM101"
    assert ws.cell(HEADER_ROW + 1, 11).value == "差额系四舍五入所致"
    # Marks of findings that are gone are undone: the original style index comes back.
    src = rich[0]
    assert cell_style(out, SUMMARY, "B5") == cell_style(src, SUMMARY, "B5")
    assert cell_style(out, EXPENSE, "F6") == "6"  # the column style it showed before
    assert cell_style(out, SUMMARY, "B10") == cell_style(first, SUMMARY, "B10")
    # Formats are shared, not added again; the names of the new sheet are not duplicated.
    xfs = [
        re.search(r'<cellXfs count="(\d+)"', members(p)["xl/styles.xml"].decode())
        for p in (first, out)
    ]
    assert xfs[0] and xfs[1] and xfs[0][1] == xfs[1][1]
    book = members(out)["xl/workbook.xml"].decode()
    assert book.count("_xlnm._FilterDatabase") == 1 and book.count("_xlnm.Print_Titles") == 1


def test_reannotating_a_copy_resaved_by_another_program(
    rich: tuple[Path, str], annotated: tuple[Path, AnnotateResult], tmp_path: Path
) -> None:
    """openpyxl stands in for Excel/WPS: shared strings instead of inline ones, styles.xml
    written anew. Explanations still carry over and old marks still go."""
    sm101 = next(f for f in rich_report().findings if f.code == "SM101")
    wb = openpyxl.load_workbook(annotated[0])
    ws = wb["校验结果"]
    row = next(r for r in range(13, 30) if ws.cell(r, 13).value == sm101.fingerprint)
    ws.cell(row, 11).value = "已与财政核对"
    resaved = tmp_path / "resaved.xlsx"
    wb.save(resaved)
    out = tmp_path / "again.xlsx"
    result = write_annotated_copy(resaved, out, second_report(), now=NOW)
    assert result.explanations == {sm101.fingerprint: "已与财政核对"}
    after = openpyxl.load_workbook(out)
    original = openpyxl.load_workbook(rich[0])[SUMMARY]["B5"]
    assert after[SUMMARY]["B5"].fill.fgColor.rgb == original.fill.fgColor.rgb  # yellow again
    assert after[SUMMARY]["B10"].fill.fgColor.rgb == MARK_FILLS[Severity.ERROR]
    assert [s.title for s in after.worksheets].count("校验结果") == 1


def test_a_foreign_sheet_with_our_name_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "foreign.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet("校验结果").write("A1", "单位自己的校验记录")
    wb.close()
    result = write_annotated_copy(src, tmp_path / "out.xlsx", Report(file="foreign.xlsx"))
    assert result.sheet == "校验结果 (2)"
    assert list(sheet_parts(tmp_path / "out.xlsx")) == ["校验结果", "校验结果 (2)"]


# ── (8): inputs that are not grafted ────────────────────────────────────────────────────────


def test_ods_input_gets_a_separate_report_workbook(
    rich: tuple[Path, str], soffice: str, tmp_path: Path
) -> None:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(rich[0]),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    ods = tmp_path / "rich.ods"
    digest = sha256(ods)
    out = tmp_path / "rich.校验结果.xlsx"
    result = write_annotated_copy(ods, out, rich_report(), now=NOW)
    assert result.format == "report-workbook"
    assert result.note is not None and ".ods" in result.note and out.name in result.note
    assert sha256(ods) == digest
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["校验结果"]
    ws = wb["校验结果"]
    assert [c.value for c in ws[HEADER_ROW]][:13] == HEADERS
    rows = result_rows(ws, len(rich_report().findings))
    assert rows[0][4] == f"{SUMMARY}!B10" and ws.cell(HEADER_ROW + 1, 5).hyperlink is None
    assert rows[0][6] == pytest.approx(1234.76)


@pytest.mark.parametrize("name", ["old.xls", "old.xlsb", "broken.xlsx"])
def test_other_inputs_are_dispatched_without_reading(name: str, tmp_path: Path) -> None:
    src = tmp_path / name
    src.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    result = write_annotated_copy(src, tmp_path / "out.xlsx", rich_report(), lang="en")
    assert result.format == "report-workbook" and result.sheet == "Validation"
    assert result.note is not None and "untouched" in result.note
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["Validation"]
    assert src.read_bytes() == b"\xd0\xcf\x11\xe0 not really a workbook"


# ── (9): never overwrite by surprise ────────────────────────────────────────────────────────


def test_existing_output_needs_overwrite(rich: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        write_annotated_copy(rich[0], out, rich_report())
    assert out.read_bytes() == b"keep me"
    assert write_annotated_copy(rich[0], out, rich_report(), overwrite=True).format == "graft"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]  # no temporary file left


def test_the_input_is_never_the_output(rich: tuple[Path, str], tmp_path: Path) -> None:
    src = tmp_path / "self.xlsx"
    shutil.copy(rich[0], src)
    with pytest.raises(ValueError):
        write_annotated_copy(src, src, rich_report(), overwrite=True)
    assert sha256(src) == rich[1]


# ── smaller cases ───────────────────────────────────────────────────────────────────────────


def test_no_findings_says_so(rich: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "clean.xlsx"
    result = write_annotated_copy(rich[0], out, Report(file="rich.xlsx", unit_name="示例单位"))
    assert result.marked_cells == 0
    ws = openpyxl.load_workbook(out)["校验结果"]
    assert ws.cell(HEADER_ROW + 1, 6).value == "未发现问题"
    assert ws.cell(10, 4).value == "通过"
    changed = {n for n, d in members(out).items() if members(rich[0]).get(n) != d}
    parts = sheet_parts(rich[0])
    assert changed - {parts[EXPENSE]} == {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "xl/styles.xml",
        sheet_parts(out)["校验结果"],
    }  # the selected sheet only loses tabSelected


def test_english_sheet(rich: tuple[Path, str], tmp_path: Path) -> None:
    out = tmp_path / "en.xlsx"
    result = write_annotated_copy(rich[0], out, rich_report(), lang="en", now=NOW)
    ws = openpyxl.load_workbook(out)["Validation"]
    assert result.sheet == "Validation"
    assert ws.cell(HEADER_ROW, 6).value == "Problem" and ws.cell(HEADER_ROW, 12).value
    assert ws.cell(HEADER_ROW + 1, 2).value == "error"
    assert ws.cell(HEADER_ROW + 1, 6).value.startswith("EN ")
    # Re-annotating in Chinese replaces the English sheet.
    again = tmp_path / "zh.xlsx"
    write_annotated_copy(out, again, rich_report())
    assert list(sheet_parts(again))[-1] == "校验结果" and "Validation" not in sheet_parts(again)


def test_apostrophes_in_sheet_names_are_doubled(annotated: tuple[Path, AnnotateResult]) -> None:
    xml = members(annotated[0])[sheet_parts(annotated[0])["校验结果"]].decode()
    assert f"location=\"'{QUOTED.replace(chr(39), chr(39) * 2)}'!B1\"" in xml
    assert INCOME in xml


def test_default_output_name() -> None:
    assert annotated_path(Path("/d/2023决算.xlsx")) == Path("/d/2023决算.校验.xlsx")
    assert annotated_path(Path("/d/a.xlsm")) == Path("/d/a.校验.xlsm")
    assert annotated_path(Path("/d/a.xls")) == Path("/d/a.校验结果.xlsx")


def prefixed(path: Path) -> Path:
    """The .NET Open XML SDK writes SpreadsheetML with an `x:` prefix: rewrite a workbook so."""
    parts = members(path)
    for name in ("xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml"):
        xml = parts[name].decode()
        xml = re.sub(r"<(/?)(?![?!])(?!\w+:)(\w)", r"<\1x:\2", xml)
        parts[name] = xml.replace('xmlns="', 'xmlns:x="', 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_prefixed_spreadsheetml(tmp_path: Path) -> None:
    src = tmp_path / "sdk.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet("表一").write_row("A1", ["项目", 12.5])
    wb.close()
    prefixed(src)
    assert b"<x:c " in members(src)["xl/worksheets/sheet1.xml"]
    report = rich_report()
    report.findings = [
        replace(report.findings[2], sheet="表一", cell="B1"),
        replace(report.findings[3], sheet="表一", cell="C5"),
    ]
    out = tmp_path / "out.xlsx"
    result = write_annotated_copy(src, out, report)
    assert result.format == "graft" and result.marked_cells == 2
    sheet = members(out)["xl/worksheets/sheet1.xml"].decode()
    assert '<x:row r="5"><x:c r="C5" s="' in sheet
    wb2 = openpyxl.load_workbook(out)
    assert wb2.active.title == "校验结果"
    assert wb2["表一"]["B1"].fill.fgColor.rgb == MARK_FILLS[Severity.ERROR]
    assert wb2["表一"]["C5"].fill.fgColor.rgb == MARK_FILLS[Severity.WARNING]


def test_damaged_package_falls_back(tmp_path: Path) -> None:
    src = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
    result = write_annotated_copy(src, tmp_path / "out.xlsx", rich_report())
    assert result.format == "report-workbook"
    assert result.note is not None and "找不到工作簿部件" in result.note
