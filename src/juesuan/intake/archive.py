"""Taking submissions out of a .zip archive, safely.

A member's name is never used as a path: each workbook is copied to `workdir/<n>/<base name>`
(the base name cleaned of separators and control characters), so `../../etc/x.xlsx`, absolute
names and links cannot write outside `workdir`. Before a byte is inflated the archive's
directory is checked — member count, each workbook's declared size against the file-size
limit, its compression ratio, the declared total — and a member is then copied in bounded
chunks; `zipfile` stops at the declared size and checks the CRC, so a lying header cannot
grow the copy. Names written by Chinese Windows zip tools (GBK without the UTF-8 flag) are
decoded as GBK.

Archives inside the archive are listed as ignored rather than opened: one level of unpacking
keeps the bounds simple to state.
"""

from __future__ import annotations

import contextlib
import posixpath
import stat
import unicodedata
import zipfile
from pathlib import Path

from juesuan.intake.entries import (
    ARCHIVE_SUFFIXES,
    Found,
    Ignored,
    Submission,
    classify,
)
from juesuan.io.package_scan import Limits
from juesuan.io.problems import InputProblem

MAX_MEMBERS = 20_000
MAX_ARCHIVE_UNPACKED = 8 << 30  # every workbook of the archive together, as declared
_CHUNK = 1 << 20
_RATIO_FLOOR = 1 << 20
_MB = 1 << 20


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: without the UTF-8 flag, zipfile decodes names
    as cp437, but Chinese Windows zip tools write GBK and many others UTF-8 without the flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError):
            raw = name.encode("cp437")
            for encoding in ("utf-8", "gbk"):  # UTF-8 first: GBK bytes are rarely valid UTF-8
                with contextlib.suppress(UnicodeDecodeError):
                    name = raw.decode(encoding)
                    break
    return name.replace("\\", "/")


def safe_base_name(name: str, suffix: str) -> str:
    """The last path component without separators, control characters or dot-only names."""
    base = posixpath.basename(name.rstrip("/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in "/\\:")
    base = base.strip().lstrip(".")
    return base[:150] or f"member{suffix}"


def _problem(code: str, name: str, zh: str, en: str) -> InputProblem:
    return InputProblem(code, f"{name}：{zh}", f"{name}: {en}")


def expand(archive: Path, key: str, workdir: Path, limits: Limits) -> Found:
    """Submissions and ignored entries of one archive. An archive that cannot be opened at all
    is one unreadable submission under the archive's own key."""
    found = Found([], [])
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        problem = _problem(
            "IN102",
            archive.name,
            "压缩包已损坏或不完整，其中的报送文件无法取出，请重新打包后提交",
            f"the zip archive is damaged or incomplete; its submissions cannot be taken out ({exc})",
        )
        found.submissions.append(Submission(key, archive, archive.name, problem=problem))
        return found
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            problem = _problem(
                "IN104",
                archive.name,
                f"压缩包中有 {len(infos)} 个文件，超过上限 {MAX_MEMBERS}",
                f"the archive holds {len(infos)} entries, over the limit of {MAX_MEMBERS}",
            )
            found.submissions.append(Submission(key, archive, archive.name, problem=problem))
            return found
        wanted = [i for i in infos if not i.is_dir()]
        declared = sum(i.file_size for i in wanted if classify(member_name(i)) is None)
        if declared > MAX_ARCHIVE_UNPACKED:
            problem = _problem(
                "IN104",
                archive.name,
                f"压缩包中的工作簿解压后共 {declared // _MB} MB，超过上限 "
                f"{MAX_ARCHIVE_UNPACKED // _MB} MB，请分批提交",
                f"the archive's workbooks unpack to {declared // _MB} MB, over the limit of "
                f"{MAX_ARCHIVE_UNPACKED // _MB} MB; submit them in parts",
            )
            found.submissions.append(Submission(key, archive, archive.name, problem=problem))
            return found
        for n, info in enumerate(wanted):
            name = member_name(info)
            member_key = f"{key}/{name.lstrip('/')}"
            _take(zf, info, name, member_key, workdir / f"{n:05d}", limits, found)
    return found


def _take(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    key: str,
    into: Path,
    limits: Limits,
    found: Found,
) -> None:
    base = posixpath.basename(name)
    why = classify(base)
    if Path(base).suffix.lower() in ARCHIVE_SUFFIXES:
        why = (
            "压缩包中的压缩包不会展开，请解压后单独提交",
            "an archive inside the archive is not opened; extract it and submit it separately",
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        why = ("压缩包中的符号链接，不是文件", "a symbolic link inside the archive, not a file")
    if why is not None:
        found.ignored.append(Ignored(key, *why))
        return
    problem = _check(info, base, limits)
    dst = into / safe_base_name(name, Path(base).suffix)
    if problem is None:
        problem = _copy(zf, info, base, dst)
    found.submissions.append(Submission(key, dst, base, problem=problem))


def _check(info: zipfile.ZipInfo, base: str, limits: Limits) -> InputProblem | None:
    if info.flag_bits & 0x1:
        return _problem(
            "IN103",
            base,
            "压缩包中的这个文件设有密码，无法取出，请不加密码重新打包",
            "this archive member is password-protected and cannot be taken out; "
            "pack it again without a password",
        )
    size = info.file_size
    if size > limits.max_file_bytes:
        return _problem(
            "IN104",
            base,
            f"文件太大（解压后 {size // _MB} MB，上限 {limits.max_file_bytes // _MB} MB）",
            f"the file is too large ({size // _MB} MB unpacked; the limit is "
            f"{limits.max_file_bytes // _MB} MB)",
        )
    if size > _RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
        return _problem(
            "IN104",
            base,
            f"在压缩包中的压缩比为 {size // max(info.compress_size, 1)}:1，"
            "疑似恶意构造的“压缩炸弹”，未取出",
            f"its compression ratio in the archive is {size // max(info.compress_size, 1)}:1, "
            "the mark of a zip bomb; it was not taken out",
        )
    return None


def _copy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, base: str, dst: Path) -> InputProblem | None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(info) as src, dst.open("wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:  # zipfile stops at the declared size; belt and braces
                    raise zipfile.BadZipFile("member longer than declared")
                out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        return _problem(
            "IN102",
            base,
            "在压缩包中已损坏，无法取出，请重新打包后提交",
            f"it is damaged inside the archive and cannot be taken out ({exc})",
        )
    except NotImplementedError as exc:  # compression methods zipfile lacks (e.g. deflate64)
        return _problem(
            "IN102",
            base,
            "在压缩包中使用了不支持的压缩方式，请用常见的 zip 压缩方式重新打包",
            f"it uses an unsupported compression method; pack it again as a plain zip ({exc})",
        )
    return None
