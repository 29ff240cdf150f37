"""The package as python-calamine reads it after the package scan: the same members, those the
scan inflated stored uncompressed, every other one copied as it was.

The scan (io/package_scan.py) inflates every XML part of a workbook to check it; calamine
would inflate the same parts again (~0.5 ms of its ~2.9 ms read of a typical workbook).
Handing calamine the parts already inflated saves that, and calamine reads exactly the bytes
that were checked, not the file again (which could have changed in between).

Only a package held in memory is rebuilt. A member is written stored when the scan inflated it
whole (its bytes passed the CRC of the central directory); any other member (a picture, the VBA
project, a part too large to inflate at once) keeps its compressed bytes, method and CRC. The
result is a plain zip: no ZIP64, no data descriptors, one local header per member. Anything
unexpected gives None, and calamine then reads the file itself, as it always did.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Mapping, Sequence

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_UTF8_NAME = 0x800
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01: calamine reads no dates from the directory
_VERSION = 20  # 2.0: deflate, the plain format
_LIMIT = 0xFFFFFFFF  # sizes and offsets past this need ZIP64


def member_bytes(package: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as they stand in the package after its local header (short if the
    package ends first), with the checks zipfile makes of that header: its signature and the
    name the directory gives. Raises zipfile.BadZipFile (UnicodeDecodeError for a name that is
    not in its declared encoding)."""
    at = info.header_offset
    head = package[at : at + 30]
    if len(head) != 30:
        raise zipfile.BadZipFile("Truncated file header")
    if head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("Bad magic number for file header")
    (flags,) = struct.unpack_from("<H", head, 6)
    name_len, extra_len = struct.unpack_from("<HH", head, 26)
    name = package[at + 30 : at + 30 + name_len].decode("utf-8" if flags & _UTF8_NAME else "cp437")
    if name != info.orig_filename:
        raise zipfile.BadZipFile(f"File name in directory {info.orig_filename!r} and header differ")
    start = at + 30 + name_len + extra_len
    return package[start : start + info.compress_size]


def _compressed(package: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A member's compressed bytes, or None when its local header or its data are not where
    and what the directory says."""
    try:
        body = member_bytes(package, info)
    except (zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return body if len(body) == info.compress_size else None


def stored_package(
    package: bytes, members: Sequence[zipfile.ZipInfo], inflated: Mapping[int, bytes]
) -> bytes | None:
    """`package` rebuilt with the members in `inflated` (by header offset, their bytes as
    inflated and CRC-checked) stored uncompressed, in the directory's order; None when some
    member cannot be carried over exactly."""
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for info in members:
        flags = _UTF8_NAME if info.flag_bits & _UTF8_NAME else 0
        try:
            name = info.orig_filename.encode("utf-8" if flags else "cp437")
        except UnicodeEncodeError:
            return None
        body = inflated.get(info.header_offset)
        if body is not None:
            method, size, packed = zipfile.ZIP_STORED, len(body), len(body)
        else:
            copied = _compressed(package, info)
            if copied is None:
                return None
            body, method, size, packed = copied, info.compress_type, info.file_size, len(copied)
        if max(size, packed, offset) >= _LIMIT:
            return None
        local = _LOCAL.pack(
            _LOCAL_SIG, _VERSION, flags, method, 0, _DOS_DATE, info.CRC, packed, size, len(name), 0
        )
        parts += (local, name, body)
        central.append(
            _CENTRAL.pack(
                _CENTRAL_SIG,
                _VERSION,
                _VERSION,
                flags,
                method,
                0,
                _DOS_DATE,
                info.CRC,
                packed,
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += len(local) + len(name) + len(body)
    directory = b"".join(central)
    if len(members) > 0xFFFF or offset + len(directory) >= _LIMIT:
        return None
    end = _END.pack(_END_SIG, 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join((*parts, directory, end))
