"""A cheap, bounded pre-scan of a workbook file, run before python-calamine opens it.

It rejects hostile or broken files with one clear line (an `InputProblem`), and it collects the
formulas an .xlsx/.xlsm saved without a cached value (openpyxl writes formulas like that; calamine
reads them as blank, so they must be reported as "not calculated", not as sum errors).

What it guards, and why (python-calamine is the reader that follows):

- the format is taken from the content (magic bytes), never from the extension;
- zip: the central directory is bounded before `zipfile` reads it; member sizes, the total
  unpacked size and the per-member compression ratio are checked from the directory before a
  byte is inflated, and members are then inflated in 1 MiB chunks (`zipfile` stops at the
  declared size and fails the CRC if a header lies);
- every XML part is refused if it holds a DOCTYPE or ENTITY declaration;
- a worksheet's extent is bounded: calamine builds a dense grid from A1 to the last valued cell,
  so one value at XFD1048576 would allocate billions of cells. Checked for .xlsx/.xlsm (the
  `<dimension ref>` and the cells), .ods (repeated rows/columns, which calamine expands) and
  .xls (DIMENSIONS records, which calamine pre-allocates from, and the cell records);
- OLE compound files: encrypted OOXML (`EncryptionInfo`/`EncryptedPackage`), .xls with a
  FILEPASS record, and other Office documents (Word, PowerPoint) are told apart.

A package small enough to be read into memory is handed to calamine as the scan inflated it
(`PackageInfo.stored`, io/stored_package.py): calamine neither inflates the parts again nor
reads a file that may have changed since it was checked.

Only `InputProblem` leaves `scan`.
"""

from __future__ import annotations

import codecs
import html
import posixpath
import re
import stat
import struct
import sys
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path
from typing import BinaryIO, Literal
from xml.etree import ElementTree as ET

from juesuan.io.problems import InputProblem
from juesuan.io.stored_package import member_bytes, stored_package

Format = Literal["xlsx", "xlsm", "xlsb", "xls", "ods"]


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    max_ratio: int = 200  # uncompressed/compressed per member, over a small floor
    max_rows: int = 200_000
    max_cells: int = 5_000_000  # declared or actual rows × cols per sheet


@dataclass(frozen=True)
class PackageInfo:
    format: Format
    formulas_without_value: dict[str, tuple[str, ...]]  # sheet name → A1 addresses, in order
    sheet_names: tuple[str, ...]  # as the workbook lists them (all sheet types)
    # the package for calamine, its XML parts stored as the scan inflated them
    # (io/stored_package.py); None: calamine reads the file
    stored: bytes | None = field(default=None, compare=False, repr=False)


_CHUNK = 1 << 20  # bytes inflated per read
_RATIO_FLOOR = 1 << 20  # members smaller than this unpacked are never judged by their ratio
_MAX_MEMBERS = 20_000  # zip entries; a workbook has tens, one with many images a few thousand
_MAX_CENTRAL_DIRECTORY = 16 << 20
_MAX_META_PART = 16 << 20  # workbook.xml, its rels, [Content_Types].xml: read whole
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB = 1024 * 1024


def _size(n: int) -> str:
    """Bytes for people: 2.5 MB, 40 MB, 900 KB."""
    if n >= 10 * _MB:
        return f"{n / _MB:.0f} MB"
    if n >= _MB:
        return f"{n / _MB:.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB"


# ----------------------------------------------------------------------------------- problems


class _Damaged(Exception):
    """Internal: a structure is inconsistent; becomes IN102 at the format boundary."""


def _p(code: str, name: str, zh: str, en: str) -> InputProblem:
    return InputProblem(code, f"{name}：{zh}", f"{name}: {en}")


def _damaged(name: str, zh_detail: str, en_detail: str) -> InputProblem:
    return _p(
        "IN102",
        name,
        f"文件已损坏（{zh_detail}），请重新导出或另存一份后再提交",
        f"the file is damaged ({en_detail}); export or save it again and resubmit",
    )


def _not_workbook(name: str, zh_what: str, en_what: str) -> InputProblem:
    return _p(
        "IN101",
        name,
        f"{zh_what}，不是电子表格，请提交 Excel 或 WPS 表格文件（.xlsx / .xls）",
        f"{en_what}, not a spreadsheet; submit an Excel or WPS workbook (.xlsx / .xls)",
    )


def _encrypted(name: str) -> InputProblem:
    return _p(
        "IN103",
        name,
        "文件已加密（设有打开密码），请先取消密码后再提交",
        "the workbook is encrypted (password to open); remove the password and submit again",
    )


def _unsafe_xml(name: str, part: str) -> InputProblem:
    return _p(
        "IN105",
        name,
        f"文件内部的 {part} 含有 DOCTYPE/ENTITY 声明（可被用来攻击的 XML 写法，正常表格文件不会有），已拒绝打开",
        f"the part {part} holds a DOCTYPE/ENTITY declaration (an XML construct used in attacks, "
        "never written by spreadsheet programs); the file was refused",
    )


def _sheet_too_large(
    name: str, sheet: str, rows: int, cols: int, how: str, lim: Limits
) -> InputProblem:
    zh_how = "声明的范围" if how == "declared" else "实际用到的范围"
    en_how = "declares a range" if how == "declared" else "uses a range"
    return _p(
        "IN109",
        name,
        f"工作表「{sheet}」{zh_how}达到 {rows} 行 × {cols} 列，超出可校验的上限"
        f"（{lim.max_rows} 行、{lim.max_cells} 个单元格）；请删除表格下方和右侧多余的行列后再提交",
        f"sheet '{sheet}' {en_how} of {rows} rows × {cols} columns, over the limit "
        f"({lim.max_rows} rows, {lim.max_cells} cells); delete the surplus rows and columns "
        "below and to the right of the table and resubmit",
    )


# --------------------------------------------------------------------------------------- entry


def scan(path: Path, limits: Limits = Limits()) -> PackageInfo:
    """Check `path` cheaply before it is opened; raise `InputProblem` if it must not be."""
    path = Path(path)
    name = path.name or str(path)
    try:
        return _scan(path, name, limits)
    except InputProblem:
        raise
    except _Damaged as exc:
        raise _damaged(name, "内部结构不一致", str(exc) or "inconsistent structure") from exc
    except MemoryError as exc:
        raise _p(
            "IN104",
            name,
            "文件内容太大，超出可处理的范围",
            "the file's content is too large to process",
        ) from exc
    except OSError as exc:
        raise _p(
            "IN108",
            name,
            "文件无法读取（读取时出错，文件可能不存在或被占用）",
            f"the file cannot be read: it may not exist or be in use ({exc.strerror or exc})",
        ) from exc
    except Exception as exc:  # a parser tripped on garbage: still one clear line
        raise _damaged(name, "无法解析", f"{type(exc).__name__}: {exc}") from exc


def _unreachable(name: str, exc: OSError) -> InputProblem:
    """The file exists (or existed) but cannot be read: permissions, a vanished file, I/O."""
    if isinstance(exc, PermissionError):
        return _p(
            "IN108",
            name,
            "文件不存在或没有读取权限",
            "the file is not readable (permission denied)",
        )
    return _p("IN108", name, "文件不存在或无法打开", f"the file cannot be opened ({exc.strerror})")


def _scan(path: Path, name: str, limits: Limits) -> PackageInfo:
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise _p("IN108", name, "文件不存在", "the file does not exist") from exc
    except OSError as exc:
        raise _unreachable(name, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise _p(
            "IN108",
            name,
            "这是一个文件夹，不是文件（该位置不存在工作簿文件）",
            "this is a folder, not a file (no workbook file exists there)",
        )
    if not stat.S_ISREG(st.st_mode):
        raise _p(
            "IN108",
            name,
            "这不是普通文件（该位置不存在可读的工作簿文件）",
            "this is not a regular file (no readable workbook file exists there)",
        )
    size = st.st_size
    if size > limits.max_file_bytes:
        raise _p(
            "IN104",
            name,
            f"文件太大（{_size(size)}，上限 {_size(limits.max_file_bytes)}）",
            f"the file is too large ({_size(size)}; the limit is {_size(limits.max_file_bytes)})",
        )
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise _unreachable(name, exc) from exc
    with fh:
        head = fh.read(8)
        if not head:
            raise _not_workbook(name, "文件是空的（0 字节）", "the file is empty (0 bytes)")
        if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            return _scan_zip(fh, size, name, limits)
        if head == _OLE_MAGIC:
            fh.seek(0)
            return _scan_ole(fh.read(size), name, limits)
        if head.startswith(b"PK"):
            raise _damaged(name, "压缩包结构无法识别", "unrecognised zip structure")
        fh.seek(0)
        raise _sniff_other(fh.read(4096), name)


def _sniff_other(head: bytes, name: str) -> InputProblem:
    """Name what the file is, when it is recognisably something else."""
    if head.startswith(b"%PDF"):
        return _not_workbook(name, "文件实际上是 PDF 文档", "the file is a PDF document")
    if head.startswith(b"{\\rtf"):
        return _not_workbook(name, "文件实际上是 RTF 文字文档", "the file is an RTF document")
    low = head.lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return _not_workbook(
            name,
            "文件是 Excel 2003 XML 格式（请在 Excel 中另存为 .xlsx）",
            "the file is Excel 2003 XML (save it as .xlsx in Excel)",
        )
    if b"<html" in low or b"<table" in low or b"<!doctype html" in low:
        return _not_workbook(
            name,
            "文件实际上是网页（HTML）格式，只是扩展名像表格（请在 Excel 中另存为 .xlsx）",
            "the file is a web page (HTML) with a spreadsheet extension (save it as .xlsx in Excel)",
        )
    if head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04"):
        return _not_workbook(
            name,
            "文件是 Excel 4.0 或更早的旧格式（请另存为 .xlsx）",
            "the file is Excel 4.0 or older (save it as .xlsx)",
        )
    return _not_workbook(
        name,
        "文件内容无法识别（可能是改了扩展名的其他文件）",
        "the content is unrecognised (perhaps another kind of file, renamed)",
    )


# ----------------------------------------------------------------------------------------- zip


def _check_central_directory(fh: BinaryIO, size: int, name: str) -> None:
    """Find the end-of-central-directory record and bound the directory before zipfile reads
    it: zipfile builds one object per entry, so a forged count could exhaust memory."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise _damaged(
            name,
            "文件不完整，可能在下载或复制时被截断",
            "incomplete: it was probably truncated while downloading or copying",
        )
    entries, cd_size, cd_offset = struct.unpack_from("<HII", tail, at + 10)
    if entries == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):
        loc = at - 20
        if loc < 0 or tail[loc : loc + 4] != b"PK\x06\x07":
            raise _damaged(name, "ZIP64 目录定位记录缺失", "the ZIP64 locator is missing")
        (eocd64,) = struct.unpack_from("<Q", tail, loc + 8)
        if eocd64 + 56 > size:
            raise _damaged(name, "ZIP64 目录位置超出文件", "the ZIP64 directory lies past the end")
        fh.seek(eocd64)
        rec = fh.read(56)
        if len(rec) < 56 or rec[:4] != b"PK\x06\x06":
            raise _damaged(name, "ZIP64 目录记录缺失", "the ZIP64 directory record is missing")
        entries, cd_size = struct.unpack_from("<QQ", rec, 32)
    if entries > _MAX_MEMBERS or cd_size > _MAX_CENTRAL_DIRECTORY:
        raise _p(
            "IN104",
            name,
            f"文件内部包含的部件过多（{entries} 个），超出上限，疑似异常文件",
            f"the file holds too many parts ({entries}); over the limit",
        )
    if cd_size > size:
        raise _damaged(name, "压缩包目录超出文件长度", "the zip directory is longer than the file")


def _scan_zip(fh: BinaryIO, size: int, name: str, limits: Limits) -> PackageInfo:
    _check_central_directory(fh, size, name)
    package = None
    if size <= _IN_MEMORY:
        fh.seek(0)
        package = _InMemory(fh.read(size))
    try:
        zf = zipfile.ZipFile(fh)
    except Exception as exc:
        raise _damaged(
            name, "压缩包目录无法读取", f"the zip directory is unreadable: {exc}"
        ) from exc
    with zf:
        members = _check_members(zf, name, limits)
        return _OoxmlScan(zf, members, name, limits, package).run()


def _check_members(zf: zipfile.ZipFile, name: str, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in zf.infolist():
        key = info.filename.replace("\\", "/").lower()
        if key in members:
            raise _damaged(
                name,
                f"内部部件 {info.filename} 重复出现",
                f"the part {info.filename} appears twice",
            )
        members[key] = info
        if info.flag_bits & 0x1:
            raise _encrypted(name)
        unpacked = info.file_size
        if unpacked > _RATIO_FLOOR and unpacked > limits.max_ratio * max(info.compress_size, 1):
            ratio = unpacked // max(info.compress_size, 1)
            raise _p(
                "IN104",
                name,
                f"文件内部的 {info.filename} 解压后会膨胀到 {_size(unpacked)}"
                f"（压缩比 {ratio}:1），疑似恶意构造的“压缩炸弹”，已拒绝打开",
                f"the part {info.filename} would unpack to {_size(unpacked)} "
                f"(ratio {ratio}:1), the mark of a zip bomb; the file was refused",
            )
        total += unpacked
    if total > limits.max_uncompressed_bytes:
        raise _p(
            "IN104",
            name,
            f"文件解压后的内容共 {_size(total)}，超过上限 {_size(limits.max_uncompressed_bytes)}",
            f"the file unpacks to {_size(total)}, over the limit of "
            f"{_size(limits.max_uncompressed_bytes)}",
        )
    return members


def _sniff_encoding(raw: bytes) -> str | None:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if raw[:2] == b"<\x00":
        return "utf-16-le"
    if raw[:2] == b"\x00<":
        return "utf-16-be"
    return None


# A package this small is read into memory whole: its XML parts are all inflated anyway.
_IN_MEMORY = 4 << 20
# what a package in memory keeps of its inflated parts for calamine; the parts past it are
# handed over compressed
_KEEP_INFLATED = 32 << 20
_ZIP_REFUSED_FLAGS = 0x61  # encrypted, compressed patched data, strong encryption


def _inflatable_whole(info: zipfile.ZipInfo) -> bool:
    """A member `_inflate_whole` reads: smaller than one chunk (so that the chunked path
    would read it in one piece too), stored or deflated, with nothing zipfile refuses."""
    return (
        info.file_size < _CHUNK
        and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        and not info.flag_bits & _ZIP_REFUSED_FLAGS
    )


def _inflate_whole(package: bytes, info: zipfile.ZipInfo) -> bytes:
    """One small member out of the package's bytes, with the checks zipfile makes when it
    opens and reads one — the local header's signature and name, the declared size as the
    bound of what is inflated, the data running out (EOFError), the CRC — without its file
    objects, which cost more than inflating a typical workbook's parts (~0.17 ms of 0.75).
    Raises what zipfile raises: BadZipFile, EOFError, zlib.error, UnicodeDecodeError."""
    packed = member_bytes(package, info)
    size = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        if len(packed) < min(size, info.compress_size):
            raise EOFError
        out = packed[:size]
    else:
        if info.compress_size and not packed:
            raise EOFError
        inflater = zlib.decompressobj(-15)
        out = inflater.decompress(packed, size) if size else b""
        if len(out) < size:
            if not inflater.eof and len(packed) < info.compress_size:
                raise EOFError  # zipfile would read on past the end of the file
            out = (out + inflater.flush())[:size]
    if zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.orig_filename!r}")
    return out


class _InMemory:
    """A package read into memory whole, and the members inflated from it so far: calamine
    is handed them (`stored_package`) instead of inflating them again."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.inflated: dict[int, bytes] = {}  # by the member's header offset
        self.kept = 0

    def inflate(self, info: zipfile.ZipInfo) -> bytes:
        out = _inflate_whole(self.data, info)
        if self.kept + len(out) <= _KEEP_INFLATED:
            self.inflated[info.header_offset] = out
            self.kept += len(out)
        return out


def _utf8_chunks(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, package: _InMemory | None = None
) -> Iterator[tuple[bytes, bool]]:
    """Inflate a member in bounded chunks as UTF-8 bytes (UTF-16 parts are transcoded so that
    the byte patterns below see them). Yields (chunk, is_last). `package`: the whole file,
    when it was read into memory."""
    if package is not None and _inflatable_whole(info):
        raw = package.inflate(info)
        enc = _sniff_encoding(raw)
        yield (raw.decode(enc, "replace").encode("utf-8") if enc else raw), True
        return
    with zf.open(info) as fp:
        raw = fp.read(_CHUNK)
        enc = _sniff_encoding(raw)
        decoder = codecs.getincrementaldecoder(enc)("replace") if enc else None
        while True:
            nxt = fp.read(_CHUNK) if len(raw) == _CHUNK else b""
            last = not nxt
            data = raw if decoder is None else decoder.decode(raw, last).encode("utf-8")
            yield data, last
            if last:
                return
            raw = nxt


def _segments(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cut: Callable[[bytes], int],
    package: _InMemory | None = None,
) -> Iterator[bytes]:
    """Whole-markup segments of a member: each chunk is cut where `cut` says (at a tag start),
    the remainder is carried into the next one."""
    carry = b""
    for data, last in _utf8_chunks(zf, info, package):
        buf = carry + data if carry else data
        if last:
            if buf:
                yield buf
            return
        at = cut(buf)
        if at <= 0:
            at = len(buf)
        yield buf[:at]
        carry = buf[at:]


def _cut_at_tag(buf: bytes) -> int:
    return buf.rfind(b"<")


_DTD_RE = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)


def _refuse_dtd(seg: bytes, name: str, part: str) -> None:
    # "!" first: a one-byte search (memchr) that most parts fail, where "<!" is slowed by
    # every "<" of the markup (~0.2 ms a typical workbook); no "!", no "<!"
    if b"!" in seg and b"<!" in seg and _DTD_RE.search(seg):
        raise _unsafe_xml(name, part)


def _looks_like_xml(key: str) -> bool:
    return key.endswith((".xml", ".rels", ".vml")) or key == "mimetype"


# namespace prefix, as in <x:c ...>; calamine matches local names
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEETDATA_RE = re.compile(rb"<" + _NS + rb"sheetData(?=[\s/>])[^<>]*?(/?)>")
_SHEETDATA_END_RE = re.compile(rb"</" + _NS + rb"sheetData\s*>")
_DIMENSION_RE = re.compile(rb"<" + _NS + rb"dimension\s[^<>]*?\bref\s*=\s*[\"']([^\"'<>]*)[\"']")
_CELL_START_RE = re.compile(rb"<" + _NS + rb"c[\s/>]")
_LAST_CELL_RE = re.compile(rb"(?s:.*)(<" + _NS + rb"c[\s/>])")
_REF = rb"\s*=\s*[\"']\$?([A-Za-z]{1,7})\$?([0-9]{1,10})[\"']"
# a cell with an r attribute, whatever its content
_CELL_REF_RE = re.compile(rb"<" + _NS + rb"c(?=\s)[^<>]*?\sr" + _REF)
# a cell that is not self-closing (may hold a value): these extend calamine's grid
_CELL_OPEN_REF_RE = re.compile(rb"<" + _NS + rb"c(?=\s)[^<>]*?\sr" + _REF + rb"[^<>]*(?<!/)>")
_ROW_START_RE = re.compile(rb"<" + _NS + rb"row[\s/>]")
_ROW_R_RE = re.compile(rb"<" + _NS + rb"row(?=\s)[^<>]*?\sr\s*=\s*[\"']([0-9]{1,10})[\"']")
_F_RE = re.compile(rb"<" + _NS + rb"f[\s/>]")
_ATTR_R_RE = re.compile(rb"\sr" + _REF)
_ATTR_T_RE = re.compile(rb"\st\s*=\s*[\"']([^\"']*)[\"']")
# the <f> element itself, then what follows it in the cell: <v> (value text) or <is>
_F_ELEM_RE = re.compile(rb"<" + _NS + rb"f(?:\s[^<>]*)?(?:/>|>[^<]*</" + _NS + rb"f\s*>)")
_AFTER_F_RE = re.compile(
    rb"\s*(?:(<" + _NS + rb"v)(?:\s[^<>]*)?(?:/>|>([^<]*)<)|(<" + _NS + rb"is)[\s/>])?"
)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _cut_at_cell(buf: bytes) -> int:
    m = _LAST_CELL_RE.match(buf, 1)
    return m.start(1) if m else buf.rfind(b"<")


_ROOT_RE = re.compile(rb"<(?:([A-Za-z_][\w.-]*:))?worksheet[\s/>]")

# The canonical layout every mainstream writer uses (Excel, WPS, openpyxl, xlsxwriter): no
# namespace prefix, each cell opens as <c r="A1"...>, formulas and values written compactly.
# Verified per sheet with two searches (prefixed cells; odd, wide or long cells), which for the
# usual sheet also bound its extent; then a few literal-prefix searches answer the questions.
_ODD_CELL_RE = re.compile(rb'<c(?! r="[A-Z]{1,3}[0-9]{1,7}")[\s/>]')
_PREFIXED_CELL_RE = re.compile(rb":c[\s/>]")
_REF_CANON_RE = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
# a cell that is odd, wide or long: not <c r="A1"… with one letter and at most three digits.
# One pass answers both "canonical?" and "within 999 × 26?" for the usual sheet; ODD and the
# probes then run only from the first such cell on (a pass over the typical workbook's sheets
# costs ~0.23 ms).
_ODD_WIDE_OR_LONG_RE = re.compile(rb'<c(?! r="[A-Z][0-9]{1,3}")[\s/>]')
# "some row number has at least 4 (5, 6, 7) digits", "some column at least 2 (3) letters"
_ROW_PROBES = [re.compile(rb'<c r="[A-Z]{1,3}[0-9]{%d}' % d) for d in (4, 5, 6, 7)]
_COL_PROBES = [re.compile(rb'<c r="[A-Z]{%d}' % n) for n in (2, 3)]
_MAX_COL = {1: 26, 2: 702, 3: 18278}  # the last column with that many letters
# a formula followed by a non-empty cached value
_F_VALUED_RE = re.compile(rb"(?:</f>|<f [^<>]*/>)<v>[^<\s]")
# a whole formula cell with no value or an empty one: (ref, other attributes, the empty <v>)
_F_MISSING_RE = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"([^<>]*)>(?:<f>[^<]*</f>|<f [^<>]*?(?:/>|>[^<]*</f>))'
    rb"(<v */>|<v></v>)?</c>"
)


@dataclass
class _Sheet:
    name: str
    phase: int = 0  # 0 before <sheetData>, 1 inside, 2 after
    max_row: int = 0  # from the r of cells that may hold a value
    max_col: int = 0
    cells: int = 0  # every <c> element
    refless: bool = False  # some cells have no r: calamine numbers them by position
    row_tags: int = 0
    max_row_tag: int = 0
    widest_row: int = 0
    formulas: list[str] = field(default_factory=list)
    plain: bool | None = None  # root element without a namespace prefix
    single: bool = False  # the whole part fits one segment


class _OoxmlScan:
    """One zip package: format, safety of every XML part, and the worksheets' extents."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        members: dict[str, zipfile.ZipInfo],
        name: str,
        limits: Limits,
        package: _InMemory | None = None,
    ) -> None:
        self.zf = zf
        self.package = package  # the whole file, when small enough to read at once
        self.members = members
        self.name = name
        self.limits = limits
        self.checked: set[str] = set()

    # -- format ---------------------------------------------------------------------------

    def run(self) -> PackageInfo:
        m = self.members
        if "mimetype" in m:
            mime = self.read_small("mimetype", cap=4096).strip()
            if mime.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                return self.run_ods()
            if mime.startswith(b"application/vnd.oasis.opendocument"):
                raise _not_workbook(
                    self.name,
                    "文件是 OpenDocument 文字或演示文档",
                    "the file is an OpenDocument text or presentation",
                )
        if "xl/workbook.xml" in m:
            return self.run_xlsx()
        if "xl/workbook.bin" in m:
            return self.run_xlsb()
        if "word/document.xml" in m:
            raise _not_workbook(self.name, "文件是 Word 文档", "the file is a Word document")
        if "ppt/presentation.xml" in m:
            raise _not_workbook(
                self.name, "文件是 PowerPoint 演示文稿", "the file is a PowerPoint presentation"
            )
        if any(k.startswith("xl/") for k in m):
            raise _damaged(
                self.name,
                "缺少工作簿的主体部件 xl/workbook.xml",
                "the workbook part xl/workbook.xml is missing",
            )
        if "[content_types].xml" in m:
            raise _not_workbook(
                self.name,
                "文件是其他类型的 Office 文档",
                "the file is an Office document of another kind",
            )
        if "content.xml" in m:
            raise _damaged(
                self.name, "缺少 OpenDocument 的 mimetype 部件", "the ODF mimetype part is missing"
            )
        raise _not_workbook(
            self.name,
            "文件是普通压缩包（里面没有工作簿）",
            "the file is a plain zip archive (it holds no workbook)",
        )

    # -- reading --------------------------------------------------------------------------

    def info(self, key: str) -> zipfile.ZipInfo:
        try:
            return self.members[key]
        except KeyError:
            raise _damaged(self.name, f"缺少内部部件 {key}", f"the part {key} is missing") from None

    def read_small(self, key: str, cap: int = _MAX_META_PART) -> bytes:
        """A small part, whole, with its DTD check. Returns the raw bytes (for ElementTree)."""
        info = self.info(key)
        if info.file_size > cap:
            raise _p(
                "IN104",
                self.name,
                f"文件内部的 {info.filename} 异常庞大（{_size(info.file_size)}）",
                f"the part {info.filename} is abnormally large ({_size(info.file_size)})",
            )
        with self.reading(info.filename):
            if self.package is not None and _inflatable_whole(info):
                raw = self.package.inflate(info)
            else:
                with self.zf.open(info) as fp:
                    raw = fp.read(cap + 1)
            enc = _sniff_encoding(raw)
            text = raw.decode(enc, "replace").encode("utf-8") if enc else raw
        _refuse_dtd(text, self.name, info.filename)
        self.checked.add(key)
        return raw

    def parse_small(self, key: str) -> ET.Element:
        raw = _for_expat(self.read_small(key))
        try:
            return ET.fromstring(raw)  # no DTD (refused above), hence no entities
        except ET.ParseError as exc:
            raise _damaged(
                self.name,
                f"内部部件 {key} 的 XML 无法读取",
                f"the XML of {key} is unreadable: {exc}",
            ) from exc

    def reading(self, part: str) -> _Reading:
        return _Reading(self.name, part)

    def check_rest(self, skip: set[str]) -> None:
        """DTD check of every XML part not otherwise read."""
        for key, info in self.members.items():
            if key in self.checked or key in skip or not _looks_like_xml(key):
                continue
            with self.reading(info.filename):
                for seg in _segments(self.zf, info, _cut_at_tag, self.package):
                    _refuse_dtd(seg, self.name, info.filename)
            self.checked.add(key)

    # -- xlsx / xlsm ----------------------------------------------------------------------

    def run_xlsx(self) -> PackageInfo:
        m = self.members
        macro = "xl/vbaproject.bin" in m
        if "[content_types].xml" in m:
            for el in self.parse_small("[content_types].xml").iter():
                if (
                    _local(el.tag) == "Override"
                    and el.get("PartName", "").lower() == "/xl/workbook.xml"
                ):
                    macro = macro or "macroenabled" in el.get("ContentType", "").lower()
        fmt: Format = "xlsm" if macro else "xlsx"
        rels: dict[str, str] = {}
        for el in self.parse_small("xl/_rels/workbook.xml.rels").iter():
            if _local(el.tag) == "Relationship" and el.get("Id") is not None:
                rels[el.get("Id", "")] = el.get("Target", "")
        sheets: list[tuple[str, str | None]] = []  # name, part key if a worksheet
        for el in self.parse_small("xl/workbook.xml").iter():
            if _local(el.tag) != "sheet":
                continue
            sheet_name = el.get("name", "")
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            if rid is None or rid not in rels:
                raise _damaged(
                    self.name,
                    f"工作表「{sheet_name}」找不到对应的内部部件",
                    f"sheet '{sheet_name}' has no part behind it",
                )
            part = _sheet_part(rels[rid])
            is_worksheet = part.split("/")[1:2] == ["worksheets"]
            sheets.append((sheet_name, part if is_worksheet else None))
        part_sheet: dict[str, str] = {}
        for listed, target in sheets:
            if target is not None:
                self.info(target)  # missing → damaged
                part_sheet[target] = listed
        found: dict[str, tuple[str, ...]] = {}
        for part, sheet_name in part_sheet.items():
            found[sheet_name] = self.scan_worksheet(self.members[part], sheet_name)
        self.check_rest(set(part_sheet))
        formulas = {n: found[n] for n, p in sheets if p is not None and found.get(n)}
        stored = None
        if self.package is not None:
            stored = stored_package(self.package.data, self.zf.infolist(), self.package.inflated)
        return PackageInfo(fmt, formulas, tuple(n for n, _ in sheets), stored)

    def scan_worksheet(self, info: zipfile.ZipInfo, sheet_name: str) -> tuple[str, ...]:
        st = _Sheet(sheet_name, single=info.file_size <= _CHUNK)
        with self.reading(info.filename):
            for seg in _segments(self.zf, info, _cut_at_cell, self.package):
                _refuse_dtd(seg, self.name, info.filename)
                self.sheet_segment(seg, st)
        return tuple(st.formulas)

    def sheet_segment(self, seg: bytes, st: _Sheet) -> None:
        if st.phase == 0:
            if st.plain is None:
                root = _ROOT_RE.search(seg)
                st.plain = root is not None and not root.group(1)
            m = _SHEETDATA_RE.search(seg)
            dim = _DIMENSION_RE.search(seg if m is None else seg[: m.start()])
            if dim is not None:
                self.check_dimension(dim.group(1), st)
            if m is None:
                return
            st.phase = 2 if m.group(1) else 1
            seg = seg[m.end() :]
        if st.phase != 1:
            return
        at = seg.find(b"</sheetData>") if st.plain else -1
        end = _SHEETDATA_END_RE.search(seg) if at < 0 else None
        if end is not None:
            at = end.start()
        if at >= 0:
            seg = seg[:at]
            st.phase = 2
        if not (st.plain and self.cells_fast(seg, st)):
            self.cells_general(seg, st)
            if b"<f" in seg or b":f" in seg:
                self.formulas(seg, st)

    def check_dimension(self, ref: bytes, st: _Sheet) -> None:
        last = ref.split(b":")[-1]
        m = re.fullmatch(rb"\s*\$?([A-Za-z]{1,7})\$?([0-9]{1,10})\s*", last)
        if m is None:
            return  # calamine reports a malformed dimension itself
        rows, cols = int(m.group(2)), _col_number(m.group(1))
        if rows > self.limits.max_rows or rows * cols > self.limits.max_cells:
            raise _sheet_too_large(self.name, st.name, rows, cols, "declared", self.limits)

    def cells_fast(self, seg: bytes, st: _Sheet) -> bool:
        """The canonical layout, answered with literal-prefix searches instead of cell by cell.
        False → not canonical, or near a limit: the general path decides."""
        if _PREFIXED_CELL_RE.search(seg):
            return False
        # cells before the first odd, wide or long one are canonical and within 999 × 26
        first = _ODD_WIDE_OR_LONG_RE.search(seg)
        if first is not None and _ODD_CELL_RE.search(seg, first.start()):
            return False
        lim = self.limits
        bounded = False
        if st.single:
            # upper bounds from the longest row number and column name present: typically the
            # search above settles it (no 4-digit row, no 2-letter column)
            rows_n, cols_n = 999, 26
            if first is not None:  # canonical, hence wide or long
                at = first.start()
                digits = 3 + sum(1 for _ in takewhile(lambda r: r.search(seg, at), _ROW_PROBES))
                letters = 1 + sum(1 for _ in takewhile(lambda r: r.search(seg, at), _COL_PROBES))
                rows_n, cols_n = 10**digits - 1, _MAX_COL[letters]
            bounded = rows_n <= lim.max_rows and rows_n * cols_n <= lim.max_cells
        if not bounded:  # exact, from every cell reference
            pairs = _REF_CANON_RE.findall(seg)
            rows_n, cols_n = st.max_row, st.max_col
            if pairs:
                cols, rows = zip(*pairs, strict=True)
                cols_n = max(cols_n, max(map(_col_number, set(cols))))
                rows_n = max(rows_n, max(map(int, set(rows))))
            cells = st.cells + len(pairs)
            if rows_n > lim.max_rows or rows_n * cols_n > lim.max_cells or cells > lim.max_cells:
                return False  # the general path decides, leaving out empty (self-closing) cells
            st.cells, st.max_row, st.max_col = cells, rows_n, cols_n
        # "f" first: a one-byte search (memchr) that a sheet without formulas usually fails
        # (lower-case f is rare in sheetData), where "<f" is slowed by every "<" (~0.18 ms)
        if b"f" not in seg or b"<f" not in seg:
            return True
        n_f = seg.count(b"<f")
        n_valued = len(_F_VALUED_RE.findall(seg))
        if n_valued == n_f:
            return True
        flagged = _F_MISSING_RE.findall(seg)
        if len(flagged) + n_valued != n_f:
            self.formulas(seg, st)  # an unusual formula layout: cell by cell
            return True
        st.formulas.extend(
            ref.decode("ascii") for ref, attrs, v in flagged if not (v and b't="str"' in attrs)
        )
        return True

    def cells_general(self, seg: bytes, st: _Sheet) -> None:
        n_cells = len(_CELL_START_RE.findall(seg))
        st.cells += n_cells
        valued = _CELL_OPEN_REF_RE.findall(seg)
        if valued:
            cols, rows = zip(*valued, strict=True)
            st.max_col = max(st.max_col, max(map(_col_number, set(cols))))
            st.max_row = max(st.max_row, max(map(int, set(rows))))
        st.row_tags += len(_ROW_START_RE.findall(seg))
        if n_cells and len(_CELL_REF_RE.findall(seg)) < n_cells:
            # calamine places cells without r by position: the row's r (or the row count),
            # and the column by order within the row
            st.refless = True
            row_rs = _ROW_R_RE.findall(seg)
            if row_rs:
                st.max_row_tag = max(st.max_row_tag, max(map(int, set(row_rs))))
            per_row = (len(_CELL_START_RE.findall(part)) for part in _ROW_START_RE.split(seg))
            st.widest_row = max(st.widest_row, max(per_row, default=0))
        rows_n, cols_n = st.max_row, st.max_col
        if st.refless:
            rows_n = max(rows_n, st.max_row_tag, st.row_tags)
            cols_n = max(cols_n, st.widest_row)
        lim = self.limits
        if rows_n > lim.max_rows or rows_n * cols_n > lim.max_cells:
            raise _sheet_too_large(self.name, st.name, rows_n, cols_n, "used", lim)
        if st.cells > lim.max_cells:
            rows_n = max(rows_n, 1)
            raise _sheet_too_large(
                self.name, st.name, rows_n, max(cols_n, st.cells // rows_n), "used", lim
            )

    @staticmethod
    def formulas(seg: bytes, st: _Sheet) -> None:
        """Cells whose <f> has no cached <v> (or an empty one, unless the result is a string)."""
        for fm in _F_RE.finditer(seg):
            at = fm.start()
            start = seg.rfind(b"<", 0, at)  # <f> is the first child of <c>
            if start < 0 or _CELL_START_RE.match(seg, start) is None:
                continue  # an <f> outside a cell
            tag = seg[start:at]
            ref = _ATTR_R_RE.search(tag)
            f_elem = _F_ELEM_RE.match(seg, at)
            if ref is None or f_elem is None:
                continue
            # every pattern is anchored or stops at the next "<": linear in the segment
            after = _AFTER_F_RE.match(seg, f_elem.end())
            v_tag, v_text, inline = after.groups() if after else (None, None, None)
            typ = _ATTR_T_RE.search(tag)
            is_str = typ is not None and typ.group(1) == b"str"
            has_value = inline is not None or (
                v_tag is not None and (is_str or bool((v_text or b"").strip()))
            )
            if not has_value:
                st.formulas.append((ref.group(1).upper() + ref.group(2)).decode("ascii"))

    # -- xlsb -----------------------------------------------------------------------------

    def run_xlsb(self) -> PackageInfo:
        info = self.info("xl/workbook.bin")
        if info.file_size > _MAX_META_PART:
            raise _p(
                "IN104",
                self.name,
                f"文件内部的 {info.filename} 异常庞大",
                f"the part {info.filename} is abnormally large",
            )
        with self.reading(info.filename):
            data = self.zf.read(info)
        self.check_rest(set())
        return PackageInfo("xlsb", {}, _xlsb_sheet_names(data))

    # -- ods ------------------------------------------------------------------------------

    def run_ods(self) -> PackageInfo:
        info = self.info("content.xml")
        scan = _OdsContent(self.name, self.limits)
        with self.reading(info.filename):
            for seg in _segments(self.zf, info, _cut_at_tag, self.package):
                _refuse_dtd(seg, self.name, info.filename)
                scan.feed(seg)
        self.checked.add("content.xml")
        self.check_rest(set())
        return PackageInfo("ods", {}, tuple(scan.names))


class _Reading:
    """Context: errors while inflating one part become IN102 naming the part."""

    def __init__(self, name: str, part: str) -> None:
        self.name = name
        self.part = part

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, typ: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> Literal[False]:
        if exc is None or isinstance(exc, InputProblem):
            return False
        if isinstance(exc, NotImplementedError):
            raise _damaged(
                self.name,
                f"内部部件 {self.part} 使用了不支持的压缩方式",
                f"the part {self.part} uses an unsupported compression method",
            ) from exc
        if isinstance(
            exc, RuntimeError | zipfile.BadZipFile | zlib.error | EOFError | OSError | ValueError
        ):
            raise _damaged(
                self.name,
                f"内部部件 {self.part} 无法解压或校验失败",
                f"the part {self.part} cannot be unpacked or fails its checksum",
            ) from exc
        return False


_XML_DECL_ENCODING_RE = re.compile(
    rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']"""
)
_EXPAT_ENCODINGS = {
    "utf-8",
    "utf8",
    "utf-16",
    "utf16",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin-1",
}


def _for_expat(raw: bytes) -> bytes:
    """expat knows only UTF-8/16 and Latin-1; a part declared in another encoding (GBK, say,
    which calamine reads) is transcoded to UTF-8 and its declaration dropped."""
    m = _XML_DECL_ENCODING_RE.match(raw)
    if m is None or m.group(1).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return raw
    try:
        text = raw.decode(m.group(1).decode("ascii"), "replace")
    except LookupError:
        return raw
    end = text.find("?>")
    return text[end + 2 if end >= 0 else 0 :].encode("utf-8")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(target: str) -> str:
    """A worksheet relationship target → zip member key, resolved as calamine does."""
    t = target.replace("\\", "/")
    if t.startswith("/"):
        t = t[1:]
    elif not t.lower().startswith("xl/"):
        t = "xl/" + t
    return posixpath.normpath(t).lower()


def _xlsb_sheet_names(data: bytes) -> tuple[str, ...]:
    """Sheet names from BrtBundleSh records of xl/workbook.bin (BIFF12); best effort."""
    names: list[str] = []
    pos, n = 0, len(data)
    try:
        while pos < n:
            typ = 0
            for i in range(2):
                b = data[pos]
                pos += 1
                typ |= (b & 0x7F) << (7 * i)
                if not b & 0x80:
                    break
            size = 0
            for i in range(4):
                b = data[pos]
                pos += 1
                size |= (b & 0x7F) << (7 * i)
                if not b & 0x80:
                    break
            body, pos = pos, pos + size
            if pos > n:
                break
            if typ == 0x9C and size >= 16:  # BrtBundleSh
                (cch,) = struct.unpack_from("<I", data, body + 8)
                at = body + 12 + (0 if cch == 0xFFFFFFFF else 2 * cch)
                (cch,) = struct.unpack_from("<I", data, at)
                names.append(data[at + 4 : at + 4 + 2 * cch].decode("utf-16-le", "replace"))
    except (IndexError, struct.error):
        pass
    return tuple(names)


# ----------------------------------------------------------------------------------------- ods

_ODS_TAG_RE = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^<>]*?)(/?)>"
)
_ODS_ROWS_REP_RE = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']([0-9]{1,12})")
_ODS_COLS_REP_RE = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']([0-9]{1,12})")
_ODS_NAME_RE = re.compile(rb"table:name\s*=\s*\"([^\"]*)\"|table:name\s*=\s*'([^']*)'")


class _OdsContent:
    """content.xml of an .ods: table names, and the extent calamine will expand each table to
    (rows and cells with content are repeated as `number-*-repeated` says; trailing empty
    repeats, which LibreOffice always writes, are not)."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.names: list[str] = []
        self.depth = 0
        self.rows = 0  # rows so far in the current table
        self.used_rows = 0  # up to the last row with content
        self.width = 0  # widest content so far
        self.row_rep = 1
        self.col = 0
        self.row_used = 0

    def feed(self, seg: bytes) -> None:
        for m in _ODS_TAG_RE.finditer(seg):
            closing, kind, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
            if kind == b"table":
                if closing:
                    self.depth = max(0, self.depth - 1)
                else:
                    nm = _ODS_NAME_RE.search(attrs)
                    raw = (nm.group(1) or nm.group(2)) if nm else b""
                    if self.depth == 0:
                        self.names.append(html.unescape(raw.decode("utf-8", "replace")))
                        self.rows = self.used_rows = self.width = 0
                    self.depth += 0 if empty else 1
            elif kind == b"table-row":
                if closing:
                    self.end_row()
                else:
                    rep = _ODS_ROWS_REP_RE.search(attrs)
                    self.row_rep = int(rep.group(1)) if rep else 1
                    self.col = self.row_used = 0
                    if empty:
                        self.end_row()
            elif not closing:
                rep = _ODS_COLS_REP_RE.search(attrs)
                self.col += int(rep.group(1)) if rep else 1
                if b"office:" in attrs or b"table:formula" in attrs:
                    self.row_used = self.col
                    if self.col > self.limits.max_cells:  # calamine pushes these as it reads
                        self.end_row()

    def end_row(self) -> None:
        self.rows += self.row_rep
        if self.row_used:
            self.used_rows = self.rows
            self.width = max(self.width, self.row_used)
        lim = self.limits
        if self.used_rows > lim.max_rows or self.used_rows * self.width > lim.max_cells:
            sheet = self.names[-1] if self.names else "?"
            raise _sheet_too_large(self.name, sheet, self.used_rows, self.width, "used", lim)
        self.row_rep = 1
        self.col = self.row_used = 0


# ----------------------------------------------------------------------------------------- ole

_ENDOFCHAIN = 0xFFFFFFFE
_NOSTREAM = 0xFFFFFFFF


@dataclass(frozen=True)
class _DirEntry:
    name: str
    kind: int
    left: int
    right: int
    child: int
    start: int
    size: int


class _Cfb:
    """Just enough of [MS-CFB] to list the root storage and read one stream. Every pointer is
    bounds-checked and every chain length-capped; inconsistencies raise `_Damaged`."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise _Damaged("compound file header truncated")
        self.data = data
        major, order, sshift, mshift = struct.unpack_from("<HHHH", data, 0x1A)
        if order != 0xFFFE or sshift not in (9, 12) or mshift != 6:
            raise _Damaged("compound file header invalid")
        self.ss = 1 << sshift
        self.major = major
        (n_fat, first_dir, _, cutoff, first_minifat, _, first_difat, n_difat) = struct.unpack_from(
            "<8I", data, 0x2C
        )
        self.cutoff = cutoff
        self.first_minifat = first_minifat
        self.n_sectors = max(0, (len(data) + self.ss - 1) // self.ss - 1)
        if n_fat > self.n_sectors:
            raise _Damaged("FAT larger than the file")
        fat_ids = list(struct.unpack_from("<109I", data, 0x4C))[: min(n_fat, 109)]
        per = self.ss // 4 - 1
        sid, hops = first_difat, 0
        while len(fat_ids) < n_fat:
            hops += 1
            if hops > n_difat + 1 or hops > self.n_sectors:
                raise _Damaged("DIFAT chain broken")
            vals = struct.unpack_from(f"<{per + 1}I", self.sector(sid))
            fat_ids.extend(vals[:per])
            sid = vals[per]
        self.fat = self._table(fat_ids[:n_fat])
        directory = self.chain_bytes(first_dir, self.fat)
        self.entries = [self._entry(directory, off) for off in range(0, len(directory) - 127, 128)]
        if not self.entries or self.entries[0].kind != 5:
            raise _Damaged("no root storage")

    def sector(self, sid: int) -> bytes:
        if sid >= self.n_sectors:
            raise _Damaged("sector pointer past the end")
        off = (sid + 1) * self.ss
        return self.data[off : off + self.ss].ljust(self.ss, b"\0")

    def _table(self, sids: list[int]) -> array[int]:
        table = array("I")
        for sid in sids:
            table.frombytes(self.sector(sid))
        if sys.byteorder == "big":
            table.byteswap()
        return table

    def chain(self, start: int, table: array[int]) -> list[int]:
        out: list[int] = []
        sid = start
        while sid != _ENDOFCHAIN:
            if sid >= len(table) or len(out) >= len(table):
                raise _Damaged("sector chain broken")
            out.append(sid)
            sid = table[sid]
        return out

    def chain_bytes(self, start: int, table: array[int]) -> bytes:
        return b"".join(self.sector(s) for s in self.chain(start, table))

    def _entry(self, d: bytes, off: int) -> _DirEntry:
        (name_len,) = struct.unpack_from("<H", d, off + 64)
        name = d[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        kind = d[off + 66]
        left, right, child = struct.unpack_from("<III", d, off + 68)
        start, size = struct.unpack_from("<IQ", d, off + 116)
        if self.major == 3:
            size &= 0xFFFFFFFF
        return _DirEntry(name, kind, left, right, child, start, size)

    def root_children(self) -> dict[str, _DirEntry]:
        out: dict[str, _DirEntry] = {}
        stack, seen = [self.entries[0].child], set()
        while stack:
            i = stack.pop()
            if i == _NOSTREAM or i >= len(self.entries) or i in seen:
                continue
            seen.add(i)
            e = self.entries[i]
            out[e.name.lower()] = e
            stack += [e.left, e.right]
        return out

    def read(self, entry: _DirEntry) -> bytes:
        if entry.size > len(self.data):
            raise _Damaged("stream larger than the file")
        if entry.size < self.cutoff:
            root = self.entries[0]
            mini = self.chain_bytes(root.start, self.fat)[: root.size]
            minifat = self._table(self.chain(self.first_minifat, self.fat))
            parts = [mini[s * 64 : s * 64 + 64] for s in self.chain(entry.start, minifat)]
            out = b"".join(parts)
        else:
            out = self.chain_bytes(entry.start, self.fat)
        if len(out) < entry.size:
            raise _Damaged("stream shorter than declared")
        return out[: entry.size]


def _scan_ole(data: bytes, name: str, limits: Limits) -> PackageInfo:
    try:
        cfb = _Cfb(data)
        root = cfb.root_children()
    except (_Damaged, struct.error, IndexError) as exc:
        raise _damaged(
            name, "复合文档结构损坏", f"the compound-file structure is broken: {exc}"
        ) from exc
    if "encryptioninfo" in root or "encryptedpackage" in root:
        raise _encrypted(name)
    book = root.get("workbook") or root.get("book")
    if book is None:
        if "worddocument" in root:
            raise _not_workbook(
                name, "文件是 Word 文档（.doc）", "the file is a Word document (.doc)"
            )
        if "powerpoint document" in root:
            raise _not_workbook(
                name, "文件是 PowerPoint 演示文稿（.ppt）", "the file is a PowerPoint presentation"
            )
        raise _not_workbook(
            name,
            "文件是其他 Office 复合文档",
            "the file is an Office compound document of another kind",
        )
    try:
        stream = cfb.read(book)
        names = _scan_biff(stream, book.name.lower() == "workbook", name, limits)
    except (_Damaged, struct.error, IndexError) as exc:
        raise _damaged(name, "工作簿数据流损坏", f"the workbook stream is broken: {exc}") from exc
    return PackageInfo("xls", {}, names)


# BIFF cell records calamine turns into cells: Number, Label, BoolErr, RK, LabelSst, RString,
# Formula, MulRk (Blank and MulBlank are skipped by calamine)
_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x0006, 0x00BD})


def _scan_biff(s: bytes, biff8: bool, name: str, limits: Limits) -> tuple[str, ...]:
    """Walk the globals substream (FILEPASS, SST header, BoundSheet) and each sheet substream
    from its BoundSheet offset, as calamine does."""
    n = len(s)
    pos = 0
    codepage = 1200 if biff8 else 1252
    bound: list[tuple[int, bytes, int]] = []
    while pos + 4 <= n:
        typ, ln = struct.unpack_from("<HH", s, pos)
        body, pos = pos + 4, pos + 4 + ln
        if pos > n:
            raise _Damaged("record runs past the end of the stream")
        if typ == 0x002F:  # FILEPASS
            raise _encrypted(name)
        if typ == 0x0042 and ln >= 2:
            (codepage,) = struct.unpack_from("<H", s, body)
        elif typ == 0x00FC and ln >= 8:  # SST: calamine pre-allocates cstUnique strings
            (unique,) = struct.unpack_from("<i", s, body + 4)
            if unique < 0 or unique > n // 3:  # each string takes 3 bytes at least
                raise _Damaged("shared-string count impossible")
        elif typ == 0x0085 and ln >= 8:  # BoundSheet8
            (at,) = struct.unpack_from("<I", s, body)
            bound.append((at, s[body + 6 : pos], codepage))
        elif typ == 0x000A:  # EOF
            break
    names: list[str] = []
    for at, raw, cp in bound:
        sheet = _biff_sheet_name(raw, biff8, cp)
        names.append(sheet)
        if at > n:
            raise _Damaged("sheet offset past the end of the stream")
        _scan_biff_sheet(s, at, sheet, name, limits)
    return tuple(names)


def _biff_sheet_name(raw: bytes, biff8: bool, codepage: int) -> str:
    if not raw:
        return ""
    cch = raw[0]
    if biff8 and len(raw) >= 2:
        if raw[1] & 1:
            return raw[2 : 2 + 2 * cch].decode("utf-16-le", "replace")
        return raw[2 : 2 + cch].decode("latin-1")
    enc = "utf-16-le" if codepage == 1200 else f"cp{codepage}"
    try:
        return raw[1 : 1 + cch].decode(enc, "replace")
    except LookupError:
        return raw[1 : 1 + cch].decode("latin-1")


def _scan_biff_sheet(s: bytes, pos: int, sheet: str, name: str, limits: Limits) -> None:
    n = len(s)
    max_row = max_col = -1
    unpack = struct.unpack_from
    cells = _BIFF_CELLS
    while pos + 4 <= n:
        typ, ln = unpack("<HH", s, pos)
        body, pos = pos + 4, pos + 4 + ln
        if pos > n:
            raise _Damaged("record runs past the end of the stream")
        if typ in cells:
            if ln < 4:
                continue
            row, col = unpack("<HH", s, body)
            if typ == 0x00BD and ln >= 6:  # MulRk: the last column closes the record
                (col,) = unpack("<H", s, pos - 2)
            max_row = max(max_row, row)
            max_col = max(max_col, col)
        elif typ == 0x0200:  # DIMENSIONS: calamine reserves rows × cols from it
            if ln == 14:
                rf, rl, cf, cl = unpack("<IIHH", s, body)
            elif ln == 10:
                rf, rl, cf, cl = unpack("<HHHH", s, body)
            else:
                continue
            if rl >= 1 and cl >= 1:
                if rl - 1 < rf or cl - 1 < cf:
                    raise _Damaged("sheet dimensions inverted")
                if rl > limits.max_rows or rl * cl > limits.max_cells:
                    raise _sheet_too_large(name, sheet, rl, cl, "declared", limits)
        elif typ == 0x000A:
            break
    rows, cols = max_row + 1, max_col + 1
    if rows > limits.max_rows or rows * cols > limits.max_cells:
        raise _sheet_too_large(name, sheet, rows, cols, "used", limits)
