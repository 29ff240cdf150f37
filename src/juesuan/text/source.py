"""The explanation text from a file: .txt (UTF-8, UTF-8 with BOM, UTF-16, GB18030, Big5), .docx
(read from its XML with zipfile, no Word library), text-based .pdf (through poppler's
`pdftotext`), or the cells of one sheet of a workbook.

Every failure is a `TextProblem` carrying one line in Chinese and one in English; the caller
prints it and exits 2.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from juesuan.i18n import Said

_ODD = re.compile("[\ue000-\uf8ff\u3040-\u30ff\u0370-\u03ff\u0400-\u04ff\u2500-\u257f]")
MAX_BYTES = 20 * 1024 * 1024  # a disclosure text is a few hundred KB; refuse anything absurd
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class TextProblem(Said):
    """A text (or last year's workbook) that cannot be used."""


@dataclass(frozen=True)
class Source:
    """The text as read; positions in findings are character offsets into `text`."""

    name: str  # file name (or "workbook!sheet") for messages
    text: str
    kind: str  # txt / docx / pdf / sheet
    encoding: str | None = None


def read_source(path: Path) -> Source:
    if not path.is_file():
        raise TextProblem(
            f"{path}：说明文件不存在或无法打开", f"{path}: the text file does not exist"
        )
    if path.stat().st_size > MAX_BYTES:
        raise TextProblem(f"{path.name}：说明文件超过 20 MB", f"{path.name}: over 20 MB")
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return Source(path.name, _pdf_text(path), "pdf")
    if data.startswith(b"PK\x03\x04"):
        return Source(path.name, _docx_text(path), "docx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TextProblem(
            f"{path.name}：旧版 Word/Excel 文件（.doc/.xls）无法直接读取，请另存为 .docx 或 .txt",
            f"{path.name}: an old binary Word/Excel file; save it as .docx or .txt",
        )
    text, encoding = decode(data, path.name)
    return Source(path.name, text, "txt", encoding)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode by BOM, else strict UTF-8, else GB18030 (a superset of GBK/GB2312), else Big5."""
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Big5 bytes often decode as GB18030 too, into private-use characters, kana and Greek:
    # of the decodings that succeed, keep the one with fewest such characters.
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            candidates.append((len(_ODD.findall(text)), enc, text))
    if candidates:
        _, enc, text = min(candidates)
        return text, enc
    raise TextProblem(
        f"{name}：无法识别文本编码（应为 UTF-8 或 GB18030）",
        f"{name}: unknown text encoding (expected UTF-8 or GB18030)",
    )


def _docx_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            if "xl/workbook.xml" in z.namelist():
                raise TextProblem(
                    f"{path.name}：这是工作簿而不是说明文档；说明在工作簿的工作表中时请用 --text-sheet",
                    f"{path.name}: a workbook, not a document; use --text-sheet for a text in a sheet",
                )
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_BYTES * 3:
                raise TextProblem(f"{path.name}：文档内容过大", f"{path.name}: document too large")
            xml = z.read(info)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise TextProblem(
            f"{path.name}：不是可读取的 Word 文档（.docx）", f"{path.name}: not a readable .docx"
        ) from exc
    if re.search(rb"<!DOCTYPE|<!ENTITY", xml[:4096] + xml[-4096:], re.I) or b"<!ENTITY" in xml:
        raise TextProblem(f"{path.name}：文档含不安全的 XML 声明", f"{path.name}: unsafe XML")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise TextProblem(f"{path.name}：文档已损坏", f"{path.name}: damaged document") from exc
    return "\n".join(_paragraphs(root))


def _paragraphs(root: ElementTree.Element) -> list[str]:
    """One line per paragraph, and one line per table row (its cells joined by spaces, as a
    reader sees the row): a 绩效自评表 row then reads like a row of the printed table."""
    lines: list[str] = []
    _walk(root, lines)
    return lines


def _walk(node: ElementTree.Element, lines: list[str]) -> None:
    for child in node:
        if child.tag == f"{_W}p":
            lines.append(_runs(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [
                    " ".join(_runs(p) for p in cell.iter(f"{_W}p")).strip()
                    for cell in row
                    if cell.tag == f"{_W}tc"
                ]
                lines.append(" ".join(c for c in cells if c))
        else:
            _walk(child, lines)


def _runs(p: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in p.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _pdf_text(path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        raise TextProblem(
            f"{path.name}：读取 PDF 需要 pdftotext（poppler-utils），请安装或另存为 .txt/.docx",
            f"{path.name}: reading a PDF needs pdftotext (poppler-utils); install it or save as .txt",
        )
    try:
        proc = subprocess.run(
            [exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TextProblem(
            f"{path.name}：PDF 无法读取", f"{path.name}: cannot read the PDF"
        ) from exc
    text = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0 or not re.search(r"[\u4e00-\u9fff]", text):
        raise TextProblem(
            f"{path.name}：PDF 中没有可提取的文字（可能是扫描件），请提供文字版",
            f"{path.name}: the PDF holds no extractable text (a scan?); provide a text version",
        )
    return text.replace("\f", "\n")


def sheet_source(path: Path, sheet: str) -> Source:
    """The text kept in one sheet of a workbook: non-empty cells row by row, one line per row."""
    from juesuan.io.calamine_reader import read_grids
    from juesuan.io.problems import InputProblem

    try:
        grids = read_grids(path)
    except InputProblem as problem:
        raise TextProblem(problem.zh, problem.en) from problem
    grid = next((g for g in grids if g.name == sheet), None)
    if grid is None:
        names = "、".join(g.name for g in grids)
        raise TextProblem(
            f"{path.name}：没有名为「{sheet}」的工作表（有：{names}）",
            f"{path.name}: no sheet named '{sheet}'",
        )
    lines = ["".join(str(v) for v in row if v not in (None, "")) for row in grid.rows]
    return Source(f"{path.name}!{sheet}", "\n".join(lines), "sheet")
