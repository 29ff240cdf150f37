"""The text from every kind of source: encodings, .docx (read by hand from its XML), a PDF
made by LibreOffice and read through pdftotext, and a sheet of the workbook. Each source of
the seed must give the seed's findings; unusable files give one clear line."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from conftest import SAMPLES
from juesuan.read import read_workbook
from juesuan.text.check import check_text
from juesuan.text.source import TextProblem, read_source, sheet_source

SEED = SAMPLES / "sample_2023_说明.txt"
TEXTS = Path(__file__).resolve().parent / "texts"
SEED_CODES = {"TX303", "TX306", "TX309"}


def _codes(path: Path) -> set[str]:
    return {f.code for f in check_text(read_source(path)).findings}


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def write_docx(path: Path, lines: list[str], table_rows: list[list[str]] | None = None) -> None:
    """A minimal WordprocessingML package: one paragraph per line, then a table whose cells
    hold the given texts (one paragraph per cell)."""
    body = "".join(_p(s) for s in lines)
    rows = table_rows if table_rows is not None else [["表格单元"]]
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    body += f"<w:tbl>{cells}</w:tbl>"
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body></w:document>',
        )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "说明.txt"
    path.write_bytes(SEED.read_text("utf-8").encode(encoding))
    source = read_source(path)
    assert source.text == SEED.read_text("utf-8")  # offsets are the same whatever the bytes
    assert _codes(path) == SEED_CODES


def test_big5_traditional(tmp_path: Path) -> None:
    path = tmp_path / "說明.txt"
    path.write_bytes(
        "二、收入決算情況說明\n本年收入573.75萬元，其中：財政撥款收入573.75萬元，佔90.00%。\n".encode(
            "big5"
        )
    )
    assert _codes(path) == {"TX302"}


def test_docx(tmp_path: Path) -> None:
    path = tmp_path / "说明.docx"
    write_docx(path, SEED.read_text("utf-8").splitlines())
    source = read_source(path)
    assert source.kind == "docx" and "表格单元" in source.text
    assert _codes(path) == SEED_CODES


def test_docx_with_a_performance_table(tmp_path: Path) -> None:
    """Word keeps the 绩效自评表 as a real table: each row is read as one line of cells."""
    text = (TEXTS / "standard_2023.txt").read_text("utf-8")
    text = text.replace("<=4万元 =3.98万元 5 0.00", "<=4元 =398元 5 0.00")
    prose, _, rest = text.partition("项目支出绩效自评表\n")
    first, _, second = rest.partition("项目支出绩效自评表\n")
    table, _, _ = second.partition("十二、其他需说明的事项")
    path = tmp_path / "说明.docx"
    # the first table as paragraphs, the second as a Word table (cells split at spaces)
    body = [*prose.splitlines(), "项目支出绩效自评表", *first.splitlines(), "项目支出绩效自评表"]
    write_docx(path, body, [line.split(" ") for line in table.splitlines() if line])
    result = check_text(read_source(path))
    seal = [f for f in result.findings if f.code == "TX309"]
    assert len(seal) == 1 and "电子印章" in seal[0].message
    assert [len(t.indicators) for t in result.perf] == [10, 10]
    assert all(t.total_score is not None for t in result.perf)


def test_pdf_made_by_libreoffice(tmp_path: Path, to_pdf: Callable[[Path], Path]) -> None:
    """A text-based PDF as a spreadsheet program prints it: the seed, one line per row."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    book = tmp_path / "说明.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for line in SEED.read_text("utf-8").splitlines():
        ws.append([line])
    ws.column_dimensions["A"].width = 80
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    wb.save(book)
    source = read_source(to_pdf(book))
    assert source.kind == "pdf"
    found = check_text(source).findings
    assert {f.code for f in found} == SEED_CODES
    basic = next(f for f in found if f.code == "TX306")
    assert "319.56" in (basic.text_quote or "") and basic.text_section == "十一、预算绩效的情况说明"


def test_sheet_of_the_workbook(tmp_path: Path) -> None:
    book = tmp_path / "决算和说明.xlsx"
    wb = openpyxl.load_workbook(SAMPLES / "sample_2023.xlsx")
    ws = wb.create_sheet("情况说明")
    for line in SEED.read_text("utf-8").splitlines():
        ws.append([line])
    wb.save(book)
    source = sheet_source(book, "情况说明")
    result = check_text(source, read_workbook(book))
    # with the tables, the 319.56 against the cell (TX301) holds its TX306 inside
    assert {f.code for f in result.findings} == (SEED_CODES - {"TX306"}) | {"TX301"}
    assert [a.code for f in result.findings for a in f.also] == ["TX306"]
    with pytest.raises(TextProblem, match="没有名为「说明」的工作表"):
        sheet_source(book, "说明")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.txt", b"\xff\xfe\xfa" * 0 + b"\x81\xff\x80\xff", "无法识别文本编码"),
        ("x.docx", b"PK\x03\x04garbage", "不是可读取的 Word 文档"),
        ("x.pdf", b"%PDF-1.4\ngarbage", "PDF"),
        ("x.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "另存为 .docx"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TextProblem, match=message):
        read_source(path)


def test_docx_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "word/document.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
        )
    with pytest.raises(TextProblem, match="不安全"):
        read_source(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TextProblem, match="不存在"):
        read_source(tmp_path / "nope.txt")


def test_a_workbook_given_as_the_text() -> None:
    with pytest.raises(TextProblem, match="--text-sheet"):
        read_source(SAMPLES / "sample_2023.xlsx")
