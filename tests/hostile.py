"""Builders of hostile and unusual workbook files for tests: real bytes, no mocks.

A minimal OLE compound-file writer (for encrypted OOXML, legacy .xls and Word files), raw zip
members with lying headers, zip bombs that stay small on disk, and a minimal .ods.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written byte by byte: (name, deflated bytes, crc32, declared unpacked size).
    Lets a test declare sizes zipfile would never write, without inflating anything."""
    out = bytearray()
    central = bytearray()
    for name, packed, crc, size in members:
        fn = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(fn), 0
        )
        out += fn + packed
        # version made/needed, flags, method 8, time, date, crc, sizes, name/extra/comment
        # lengths, disk, attributes, offset of the local header
        fields = (20, 20, 0, 8, 0, 0, crc, len(packed), size, len(fn), 0, 0, 0, 0, 0, offset)
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *fields) + fn
    eocd = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0
    )
    path.write_bytes(bytes(out + central + eocd))
    return path


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_deflated(mib: int) -> tuple[bytes, int]:
    """`mib` MiB of zeros as one raw deflate stream, built from a repeated flushed block so
    nothing of that size is ever held or compressed. Returns (stream, crc32)."""
    chunk = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    assert c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH) == again  # steady state reached
    stream = first + again * (mib - 1) + c.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return stream, crc


def zip_bomb(base: Path, out: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """`base` with `member` replaced by 1 GiB of zeros that packs into about 1 MB."""
    bomb, crc = zeros_deflated(1024)
    members = []
    with zipfile.ZipFile(base) as z:
        for info in z.infolist():
            if info.filename == member:
                members.append((member, bomb, crc, 1 << 30))
            else:
                data = z.read(info)
                members.append((info.filename, deflate(data), zlib.crc32(data), len(data)))
    return raw_zip(out, members)


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal, valid OLE compound file (MS-CFB v3, 512-byte sectors) holding root-level
    streams; streams under 4096 bytes go to the mini stream, as the format requires."""
    ss, endc, free, fatsect, nostream = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    sectors: list[bytes] = []
    fat: list[int] = []

    def put(data: bytes) -> int:
        if not data:
            return endc
        start, n = len(sectors), -(-len(data) // ss)
        for i in range(n):
            sectors.append(data[i * ss : (i + 1) * ss].ljust(ss, b"\0"))
            fat.append(start + i + 1 if i < n - 1 else endc)
        return start

    mini = bytearray()
    minifat: list[int] = []
    entries: list[tuple[str, int, int]] = []
    for name, data in sorted(streams.items(), key=lambda kv: (len(kv[0]), kv[0].upper())):
        if len(data) < 4096:
            start, n = len(mini) // 64, -(-len(data) // 64)
            minifat += [start + i + 1 if i < n - 1 else endc for i in range(n)]
            mini += data.ljust(n * 64, b"\0")
        else:
            start = put(data)
        entries.append((name, start, len(data)))
    root_start = put(bytes(mini))
    minifat_raw = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_raw += b"\xff" * (-len(minifat_raw) % ss)
    minifat_start = put(minifat_raw)

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(raw) + 2 if name else 0, kind, 1, nostream, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, nostream, 1 if entries else nostream, root_start, len(mini))
    for i, (name, start, size) in enumerate(entries, start=1):
        directory += entry(name, 2, i + 1 if i < len(entries) else nostream, nostream, start, size)
    while len(directory) % ss:
        directory += entry("", 0, nostream, nostream, 0, 0)
    dir_start = put(directory)
    n_fat = 1
    while 128 * n_fat < len(sectors) + n_fat:
        n_fat += 1
    fat_start = len(sectors)
    fat += [fatsect] * n_fat
    fat += [free] * (128 * n_fat - len(fat))
    sectors += [struct.pack("<128I", *fat[i * 128 : (i + 1) * 128]) for i in range(n_fat)]
    difat = list(range(fat_start, fat_start + n_fat)) + [free] * (109 - n_fat)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<9I", 0, n_fat, dir_start, 0, 4096, minifat_start, -(-len(minifat_raw) // ss), endc, 0
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    return header + b"".join(sectors)


def biff_record(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def biff8_workbook(*, filepass: bool = False, dims: tuple[int, int] = (3, 2)) -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, [FILEPASS], CODEPAGE, BOUNDSHEET, EOF) and one
    sheet (BOF, DIMENSIONS, a LABEL and a NUMBER, EOF) — what calamine needs to read it."""
    bof_globals = biff_record(0x0809, struct.pack("<4H2I", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    name = "收入支出决算总表".encode("utf-16-le")
    globals_ = bof_globals
    if filepass:
        globals_ += biff_record(0x002F, struct.pack("<3H", 1, 1, 1) + bytes(48))
    globals_ += biff_record(0x0042, struct.pack("<H", 1200))
    sheet_at = len(globals_) + 4 + 8 + len(name) + 4  # after BOUNDSHEET and EOF
    globals_ += biff_record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name) // 2, 1) + name)
    globals_ += biff_record(0x000A, b"")
    assert len(globals_) == sheet_at
    label = "合计".encode("utf-16-le")
    sheet = (
        biff_record(0x0809, struct.pack("<4H2I", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
        + biff_record(0x0200, struct.pack("<IIHHH", 0, dims[0], 0, dims[1], 0))
        + biff_record(0x0204, struct.pack("<4HB", 2, 0, 0, len(label) // 2, 1) + label)
        + biff_record(0x0203, struct.pack("<3Hd", 2, 1, 0, 1234.5))
        + biff_record(0x000A, b"")
    )
    return globals_ + sheet


def ods(path: Path, tables: str) -> Path:
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content xmlns:office="{office}" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:  # mimetype first and stored, as ODF requires
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def encrypted_ooxml() -> bytes:
    """What Excel writes when a password to open is set: an OLE compound file holding
    EncryptionInfo (small, in the mini stream) and EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>" + bytes(100)
    package = struct.pack("<Q", 9000) + bytes(9000)
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})
