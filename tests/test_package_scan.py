"""The pre-scan that runs before python-calamine: every hostile or broken file becomes one
InputProblem with a clear reason, and formulas saved without a cached value are found.

Every fixture is a real file built in tmp_path: workbooks from openpyxl/xlsxwriter, zips and
OLE compound files written byte by byte where a library cannot produce them (a zip bomb, a
lying zip header, an encrypted package, a BIFF8 .xls)."""

from __future__ import annotations

import contextlib
import struct
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
import xlsxwriter

from hostile import (
    biff8_workbook,
    cfb,
    deflate,
    encrypted_ooxml,
    ods,
    raw_zip,
    zip_bomb,
)
from juesuan.io.package_scan import Limits, PackageInfo, scan
from juesuan.io.problems import InputProblem

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET1 = "xl/worksheets/sheet1.xml"


def problem(path: Path, limits: Limits | None = None) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        scan(path) if limits is None else scan(path, limits)
    return caught.value


# ---------------------------------------------------------------------------- builders


def openpyxl_book(path: Path, title: str = "收入支出决算总表") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(["项目", "金额"])
    ws.append(["一般公共预算财政拨款收入", 1234.5])
    ws.append(["合计", 1234.5])
    wb.save(path)
    return path


def replace_members(src: Path, dst: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, parts.get(info.filename, zin.read(info)))
    return dst


def with_sheet_xml(tmp: Path, sheet_data: str, *, head: str = "", name: str = "x.xlsx") -> Path:
    """An openpyxl workbook whose first sheet is replaced by hand-written XML."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}<worksheet xmlns="{MAIN_NS}">'
        f"{sheet_data}</worksheet>"
    )
    return replace_members(openpyxl_book(tmp / "base.xlsx"), tmp / name, {SHEET1: xml.encode()})


ODS_TABLE = (
    '<table:table table:name="收入支出决算总表"><table:table-row>'
    '<table:table-cell office:value-type="string"><text:p>合计</text:p></table:table-cell>'
    '<table:table-cell office:value-type="float" office:value="1234.5"/></table:table-row>'
    # LibreOffice always closes a table with a huge repeat of empty rows: must pass
    '<table:table-row table:number-rows-repeated="1048575">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>'
)


# ------------------------------------------------------------------------------- good files


def test_good_xlsx_passes_with_no_formulas(tmp_path: Path) -> None:
    info = scan(openpyxl_book(tmp_path / "决算.xlsx"))
    assert info == PackageInfo("xlsx", {}, ("收入支出决算总表",))


def test_openpyxl_formulas_have_no_cached_value(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "收入支出决算总表"
    ws["B1"], ws["B2"], ws["B3"] = 1, 2, "=SUM(B1:B2)"
    other = wb.create_sheet("支出&决算")
    other["C7"] = "=SUM(B1:B2)"
    other["A1"] = "说明"
    other["D9"] = "=C7*2"
    wb.create_sheet("空表")
    wb.save(tmp_path / "f.xlsx")
    info = scan(tmp_path / "f.xlsx")
    assert info.formulas_without_value == {"收入支出决算总表": ("B3",), "支出&决算": ("C7", "D9")}
    assert info.sheet_names == ("收入支出决算总表", "支出&决算", "空表")


def test_xlsxwriter_formula_with_cached_value_is_not_flagged(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表1")
    ws.write_column("B1", [1, 2])
    ws.write_formula("B3", "=SUM(B1:B2)", None, 3)
    wb.close()
    assert scan(path) == PackageInfo("xlsx", {}, ("表1",))


SHARED_ARRAY_STR = (
    '<dimension ref="A1:E4"/><sheetData>'
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>6</v></c></row>'
    '<row r="4"><c r="C4"><f t="array" ref="C4:C5">A1:A2*2</f></c>'
    '<c r="D4" t="str"><f>IF(A1=1,"","x")</f><v></v></c><c r="E4"><f>A1</f><v/></c></row>'
    "</sheetData>"
)


@pytest.mark.parametrize("pretty", [False, True], ids=["compact", "indented"])
def test_shared_and_array_formulas_count_an_empty_string_result_does_not(
    tmp_path: Path, pretty: bool
) -> None:
    xml = SHARED_ARRAY_STR.replace("><", ">\n  <") if pretty else SHARED_ARRAY_STR
    info = scan(with_sheet_xml(tmp_path, xml))
    assert info.formulas_without_value == {"收入支出决算总表": ("B1", "B2", "C4", "E4")}


def test_namespace_prefixed_sheet_is_read_too(tmp_path: Path) -> None:
    xml = (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:f>1+1</x:f></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    path = replace_members(openpyxl_book(tmp_path / "b.xlsx"), tmp_path / "p.xlsx", {SHEET1: xml})
    assert scan(path).formulas_without_value == {"收入支出决算总表": ("A1",)}


def test_macro_workbook_is_xlsm(tmp_path: Path) -> None:
    base = openpyxl_book(tmp_path / "b.xlsx")
    path = tmp_path / "m.xlsm"
    replace_members(base, path, {})
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\0" * 64)
    assert scan(path).format == "xlsm"


def test_ods_is_detected_from_content(tmp_path: Path) -> None:
    path = ods(tmp_path / "决算.xlsx", ODS_TABLE)  # the extension lies; the content decides
    assert scan(path) == PackageInfo("ods", {}, ("收入支出决算总表",))
    real = ods(tmp_path / "决算.ods", ODS_TABLE)
    assert pc.CalamineWorkbook.from_path(str(real)).sheet_names == ["收入支出决算总表"]


def test_xls_built_from_biff8_records(tmp_path: Path) -> None:
    path = tmp_path / "决算.xls"
    path.write_bytes(cfb({"Workbook": biff8_workbook()}))
    assert scan(path) == PackageInfo("xls", {}, ("收入支出决算总表",))
    book = pc.CalamineWorkbook.from_path(str(path))  # calamine reads the same file
    assert book.get_sheet_by_index(0).to_python()[-1] == ["合计", 1234.5]


def test_xlsb_is_detected_and_its_sheet_names_read(tmp_path: Path) -> None:
    """A hand-built package: xl/workbook.bin with two BrtBundleSh records (BIFF12)."""

    def bundle_sheet(name: str, rel: str) -> bytes:
        body = struct.pack("<II", 0, 1)
        for text in (rel, name):
            body += struct.pack("<I", len(text)) + text.encode("utf-16-le")
        assert len(body) < 128  # one-byte size
        return bytes([0x9C, 0x01, len(body)]) + body

    path = tmp_path / "决算.xlsb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "xl/workbook.bin", bundle_sheet("收入决算表", "rId1") + bundle_sheet("表2", "rId2")
        )
    assert scan(path) == PackageInfo("xlsb", {}, ("收入决算表", "表2"))


# -------------------------------------------------------------------------------- bad files


def test_text_renamed_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "决算.xlsx"
    path.write_text("这不是工作簿，只是一段文字。", encoding="utf-8")
    p = problem(path)
    assert p.code == "IN101" and "不是电子表格" in p.zh and "not a spreadsheet" in p.en


def test_pdf_renamed_xlsx_says_pdf(tmp_path: Path) -> None:
    path = tmp_path / "决算.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    p = problem(path)
    assert p.code == "IN101" and "PDF" in p.zh


def test_zip_without_workbook_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "决算.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "照片和说明")
    p = problem(path)
    assert p.code == "IN101" and "压缩包" in p.zh


def test_word_doc_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "决算.xls"
    path.write_bytes(cfb({"WordDocument": bytes(5000), "1Table": bytes(600)}))
    p = problem(path)
    assert p.code == "IN101" and "Word" in p.zh


def test_truncated_xlsx_is_damaged(tmp_path: Path) -> None:
    data = openpyxl_book(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    p = problem(path)
    assert p.code == "IN102" and "损坏" in p.zh and "截断" in p.zh and "damaged" in p.en


def test_missing_workbook_part_is_damaged(tmp_path: Path) -> None:
    base = openpyxl_book(tmp_path / "good.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            if info.filename != "xl/workbook.xml":
                zout.writestr(info.filename, zin.read(info))
    p = problem(path)
    assert p.code == "IN102" and "xl/workbook.xml" in p.zh


def test_lying_zip_header_is_damaged_and_never_inflated(tmp_path: Path) -> None:
    """The directory claims 1000 bytes for a 5 MB sheet: zipfile stops at the claim and the
    checksum fails, so memory stays bounded whatever the header says."""
    base = openpyxl_book(tmp_path / "good.xlsx")
    sheet = (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>'
        + "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 150_000))
        + "</sheetData></worksheet>"
    ).encode()
    members = []
    with zipfile.ZipFile(base) as z:
        for info in z.infolist():
            data = sheet if info.filename == SHEET1 else z.read(info)
            size = 1000 if info.filename == SHEET1 else len(data)
            members.append((info.filename, deflate(data), zlib.crc32(data), size))
    p = problem(raw_zip(tmp_path / "liar.xlsx", members))
    assert p.code == "IN102" and SHEET1 in p.zh and "损坏" in p.zh


def test_encrypted_ooxml_is_encrypted(tmp_path: Path) -> None:
    """What Excel writes when a password to open is set: an OLE compound file holding
    EncryptionInfo (small, in the mini stream) and EncryptedPackage."""
    path = tmp_path / "加密.xlsx"
    path.write_bytes(encrypted_ooxml())
    p = problem(path)
    assert p.code == "IN103" and "加密" in p.zh and "密码" in p.zh and "password" in p.en
    with pytest.raises(pc.PasswordError):  # calamine agrees the file is a valid, locked CFB
        pc.CalamineWorkbook.from_path(str(path))


def test_xls_with_filepass_is_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "加密.xls"
    path.write_bytes(cfb({"Workbook": biff8_workbook(filepass=True)}))
    p = problem(path)
    assert p.code == "IN103" and "加密" in p.zh


def test_zip_bomb_is_too_large(tmp_path: Path) -> None:
    """A sheet declaring 1 GiB of zeros that packs into about 1 MB."""
    path = zip_bomb(openpyxl_book(tmp_path / "good.xlsx"), tmp_path / "bomb.xlsx", SHEET1)
    assert path.stat().st_size < 2 << 20
    p = problem(path)
    assert p.code == "IN104" and "解压" in p.zh and "压缩炸弹" in p.zh and "zip bomb" in p.en


def test_total_unpacked_size_over_the_limit(tmp_path: Path) -> None:
    data = b"<x>" + bytes(3 << 20) + b"</x>"  # 3 MiB, ratio ~1000 but limit raised
    path = raw_zip(tmp_path / "big.xlsx", [("xl/media/a.bin", deflate(data), 0, len(data))])
    p = problem(path, Limits(max_ratio=10_000, max_uncompressed_bytes=2 << 20))
    assert p.code == "IN104" and "解压" in p.zh and "MB" in p.zh


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    p = problem(openpyxl_book(tmp_path / "a.xlsx"), Limits(max_file_bytes=1000))
    assert p.code == "IN104" and "太大" in p.zh


def test_billion_laughs_is_unsafe_xml(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    head = f"<!DOCTYPE lolz [{''.join(entities)}]>"
    body = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
    )
    p = problem(with_sheet_xml(tmp_path, body, head=head))
    assert p.code == "IN105" and "DOCTYPE" in p.zh and SHEET1 in p.zh


def test_declared_dimension_over_the_limit(tmp_path: Path) -> None:
    body = (
        '<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    p = problem(with_sheet_xml(tmp_path, body))
    assert p.code == "IN109" and "收入支出决算总表" in p.zh and "1048576 行" in p.zh


def test_one_value_far_away_is_over_the_limit(tmp_path: Path) -> None:
    body = (
        '<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="300000"><c r="XFD300000"><v>1</v></c></row></sheetData>'
    )
    p = problem(with_sheet_xml(tmp_path, body))
    assert p.code == "IN109" and "实际用到" in p.zh and "16384 列" in p.zh


def test_far_value_in_a_prefixed_sheet_is_caught(tmp_path: Path) -> None:
    xml = (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData><x:row r="1">'
        '<x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="900000">'
        '<x:c r="ZZ900000"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    ).encode()
    base = openpyxl_book(tmp_path / "b.xlsx")
    p = problem(replace_members(base, tmp_path / "p.xlsx", {SHEET1: xml}))
    assert p.code == "IN109"


def test_empty_styled_cell_far_away_is_allowed(tmp_path: Path) -> None:
    """calamine skips cells without a value, so a formatted empty cell does not grow its grid."""
    body = (
        '<dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
    )
    assert scan(with_sheet_xml(tmp_path, body)).format == "xlsx"


def test_rows_limit_applies(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 31))
    path = with_sheet_xml(tmp_path, f"<sheetData>{rows}</sheetData>")
    assert scan(path, Limits(max_rows=30)).format == "xlsx"
    assert problem(path, Limits(max_rows=29)).code == "IN109"


def test_ods_repeated_content_over_the_limit(tmp_path: Path) -> None:
    table = (
        '<table:table table:name="表1"><table:table-row table:number-rows-repeated="300000">'
        '<table:table-cell office:value-type="float" office:value="1" '
        'table:number-columns-repeated="100"/></table:table-row></table:table>'
    )
    p = problem(ods(tmp_path / "r.ods", table))
    assert p.code == "IN109" and "表1" in p.zh


def test_xls_dimensions_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "大.xls"
    path.write_bytes(cfb({"Workbook": biff8_workbook(dims=(4_000_000, 256))}))
    p = problem(path)
    assert p.code == "IN109" and "声明" in p.zh


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    p = problem(tmp_path / "不存在.xlsx")
    assert p.code == "IN108" and "不存在" in p.zh and "not" in p.en


def test_directory_is_not_found(tmp_path: Path) -> None:
    folder = tmp_path / "决算.xlsx"
    folder.mkdir()
    p = problem(folder)
    assert p.code == "IN108" and "文件夹" in p.zh


def test_empty_file_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    p = problem(path)
    assert p.code == "IN101" and "空" in p.zh


MALFORMED = {
    "unclosed-cells": '<sheetData><row r="1">' + '<c s="1" ' * 60_000 + "</row></sheetData>",
    "unclosed-formulas": '<sheetData><row r="1">'
    + '<c r="A1"><f t="x" ' * 30_000
    + "</row></sheetData>",
    "cells-never-end": '<sheetData><row r="1">'
    + '<c r="A1"><f>1</f>' * 30_000
    + "</row></sheetData>",
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_sheet_is_scanned_in_linear_time(tmp_path: Path, body: str) -> None:
    """Every pattern stops at the next '<': hostile markup cannot make the scan quadratic
    (these took a minute each with unbounded patterns)."""
    path = with_sheet_xml(tmp_path, body)
    started = time.perf_counter()
    with contextlib.suppress(InputProblem):
        scan(path)
    assert time.perf_counter() - started < 2.0


def test_utf16_part_cannot_hide_a_doctype_or_a_far_cell(tmp_path: Path) -> None:
    """Parts are transcoded before the byte patterns look at them."""
    base = openpyxl_book(tmp_path / "b.xlsx")

    def utf16(body: str, head: str = "") -> bytes:
        xml = f'<?xml version="1.0" encoding="UTF-16"?>{head}<worksheet xmlns="{MAIN_NS}">{body}</worksheet>'
        return xml.encode("utf-16")  # with a BOM

    far = '<sheetData><row r="900000"><c r="A900000"><v>1</v></c></row></sheetData>'
    path = replace_members(base, tmp_path / "far.xlsx", {SHEET1: utf16(far)})
    assert problem(path).code == "IN109"
    dtd = utf16("<sheetData/>", head='<!DOCTYPE x [<!ENTITY a "b">]>')
    path = replace_members(base, tmp_path / "dtd.xlsx", {SHEET1: dtd})
    assert problem(path).code == "IN105"


# ---------------------------------------------------------------- fast path = general path


def _narrow_rows(n: int) -> str:
    return "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}"><v>{r}.5</v></c>'
        f'<c r="C{r}" s="1"/></row>'
        for r in range(1, n + 1)
    )


LATE_CELLS = {
    "narrow": ("", None),
    "wide-late": ('<row r="60"><c r="AB60"><v>1</v></c></row>', None),
    "long-late": ('<row r="1000"><c r="A1000"><v>1</v></c></row>', None),
    "far-late": ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "IN109"),
    "far-wide-late": ('<row r="400"><c r="XFD400"><v>1</v></c></row>', "IN109"),
    "far-long-late": ('<row r="300000"><c r="A300000"><v>1</v></c></row>', "IN109"),
    "far-empty-late": ('<row r="1048576"><c r="XFD1048576" s="1"/></row>', None),
    "odd-far-late": ('<row r="900000"><c r="a900000"><v>1</v></c></row>', "IN109"),
    "refless-late": ("<row><c><v>1</v></c></row>", None),
    "prefixed-far-late": (
        '<row r="900000"><x:c xmlns:x="' + MAIN_NS + '" r="B900000"><x:v>1</x:v></x:c></row>',
        "IN109",
    ),
    "formulas": (
        '<row r="60"><c r="B60"><f>SUM(B1:B2)</f></c><c r="C60"><f>1+1</f><v>2</v></c>'
        '<c r="D60" t="str"><f>""</f><v></v></c><c r="E60"><f>A1</f><v></v></c></row>',
        ("B60", "E60"),
    ),
    "inline-text-with-f": (
        '<row r="60"><c r="A60" t="inlineStr"><is><t>fee &lt;f</t></is></c></row>',
        None,
    ),
}


def _outcome(path: Path, limits: Limits) -> object:
    try:
        return scan(path, limits)
    except InputProblem as exc:
        return (exc.code, exc.zh)


@pytest.mark.parametrize("limits", [Limits(), Limits(max_rows=999), Limits(max_cells=1500)])
@pytest.mark.parametrize("late", LATE_CELLS.values(), ids=LATE_CELLS.keys())
def test_fast_path_agrees_with_the_cell_by_cell_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: tuple[str, str | None], limits: Limits
) -> None:
    """The canonical-layout searches decide a sheet from its first odd, wide or long cell on:
    a cell of any kind after 50 ordinary rows gives what reading every cell gives."""
    body, expected = late  # an input problem's code, or the formulas without a value
    path = with_sheet_xml(tmp_path, f"<sheetData>{_narrow_rows(50)}{body}</sheetData>")
    fast = _outcome(path, limits)
    monkeypatch.setattr(
        "juesuan.io.package_scan._OoxmlScan.cells_fast", lambda self, seg, st: False
    )
    assert fast == _outcome(path, limits)
    if isinstance(expected, str):
        assert isinstance(fast, tuple) and fast[0] == expected
    elif limits == Limits():
        assert isinstance(fast, PackageInfo)
        assert fast.formulas_without_value == ({"收入支出决算总表": expected} if expected else {})


# ------------------------------------------------- parts read from memory = read by zipfile


def _members(base: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(base) as z:
        return [(info.filename, z.read(info)) for info in z.infolist()]


def _rezip(path: Path, members: list[tuple[str, bytes]], change: str) -> Path:
    """The members as a zip with one thing wrong with the first sheet (written last, so that
    a cut-off stream runs into the end of the file's data rather than the next member)."""
    sheet = next(data for name, data in members if name == SHEET1)
    rest = [(n, deflate(d), zlib.crc32(d), len(d)) for n, d in members if n != SHEET1]
    packed, crc, size = deflate(sheet), zlib.crc32(sheet), len(sheet)
    if change == "crc":
        crc ^= 1
    elif change == "size-smaller":
        size -= 10
    elif change == "size-larger":
        size += 10
    elif change == "stream-cut":
        packed = packed[: len(packed) // 2]
    elif change == "stream-garbage":
        packed = bytes(range(256)) * 4
    out = raw_zip(path, [*rest, (SHEET1, packed, crc, size)])
    data = bytearray(out.read_bytes())
    local = data.rfind(b"PK\x03\x04")  # the sheet's local header
    if change == "local-name":
        at = local + 30 + len(SHEET1) - 5
        data[at : at + 1] = b"X"
    elif change == "local-signature":
        data[local + 3] = 0x05
    elif change == "declared-longer":  # the central directory claims more packed bytes
        central = data.rfind(b"PK\x01\x02")
        (packed_size,) = struct.unpack_from("<I", data, central + 20)
        struct.pack_into("<I", data, central + 20, packed_size + 4096)
    out.write_bytes(bytes(data))
    return out


ZIP_CHANGES = {
    "none": None,
    "crc": "IN102",
    "size-smaller": "IN102",
    "size-larger": None,  # the stream ends first and its checksum holds: zipfile reads it too
    "stream-cut": "IN102",
    "stream-garbage": "IN102",
    "local-name": "IN102",
    "local-signature": "IN102",
    "declared-longer": None,  # the stream ends before the claimed bytes do
}


@pytest.mark.parametrize("change", ZIP_CHANGES, ids=ZIP_CHANGES.keys())
def test_parts_read_from_memory_as_zipfile_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    members = _members(openpyxl_book(tmp_path / "base.xlsx"))
    path = _rezip(tmp_path / f"{change}.xlsx", members, change)
    in_memory = _outcome(path, Limits())
    monkeypatch.setattr("juesuan.io.package_scan._IN_MEMORY", -1)  # zipfile's file objects
    assert in_memory == _outcome(path, Limits())
    expected = ZIP_CHANGES[change]
    if expected is None:
        assert isinstance(in_memory, PackageInfo)
    else:
        assert isinstance(in_memory, tuple) and in_memory[0] == expected
        assert SHEET1 in in_memory[1]


def test_stored_parts_read_from_memory_as_zipfile_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = _members(openpyxl_book(tmp_path / "base.xlsx"))
    good = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_STORED) as z:
        for name, data in members:
            z.writestr(name, data)
    bad = tmp_path / "stored-bad.xlsx"
    raw = bytearray(good.read_bytes())
    at = raw.find(b"<sheetData")
    raw[at + 1 : at + 2] = b"S"  # one byte changed: the checksum fails
    bad.write_bytes(bytes(raw))
    cut = tmp_path / "stored-cut.xlsx"
    cut.write_bytes(bytes(raw[: at + 20]))  # the directory is gone with the tail
    outcomes = [_outcome(p, Limits()) for p in (good, bad, cut)]
    monkeypatch.setattr("juesuan.io.package_scan._IN_MEMORY", -1)
    assert outcomes == [_outcome(p, Limits()) for p in (good, bad, cut)]
    assert isinstance(outcomes[0], PackageInfo)
    assert isinstance(outcomes[1], tuple) and outcomes[1][0] == "IN102"
