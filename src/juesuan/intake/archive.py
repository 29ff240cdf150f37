"""Taking submissions out of a .zip archive, safely.

A member's name is never used as a path: each workbook is copied to `workdir/<n>/<base name>`
(the base name cleaned of separators and control characters), so `../../etc/x.xlsx`, absolute
names and links cannot write outside `workdir`. Before a byte is inflated the archive's
directory is checked — member count, each workbook's declared size against the file-size
limit, its compression ratio, the declared total — and a member is then copied in bounded
chunks; `zipfile` stops at the declared size and checks the CRC, so a lying header cannot
grow the copy. Names written by Chinese Windows zip tools (GBK without the UTF-8 flag) are
decoded as GBK.

A .zip inside the archive (a district sends the zips of its units in one zip) is opened too,
one level deep, by the same code and under the same checks; its workbooks are keyed
`outer.zip/district.zip/unit.xlsx`. The member count and the declared unpacked total are one
budget for the archive and everything nested in it (a nested zip counts with its own size and
again with its workbooks, since both are on disk at once), so nesting cannot multiply the bounds.
A zip inside a nested zip is listed as not processed.
"""

from __future__ import annotations

import contextlib
import posixpath
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, replace
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
_WITH_OUTER = ("连同外层压缩包中的其他内容，", "with the rest of the outer archive, ")


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


@dataclass
class _Budget:
    """What an archive and the archives nested in it may still declare, all together."""

    members: int
    unpacked: int


def expand(archive: Path, key: str, workdir: Path, limits: Limits) -> Found:
    """Submissions and ignored entries of one archive, and of the archives in it (one level).
    An archive that cannot be opened at all is one unreadable submission under its own key."""
    budget = _Budget(MAX_MEMBERS, MAX_ARCHIVE_UNPACKED)
    return _expand(archive, key, workdir, limits, budget, nested=False)


def _expand(
    archive: Path, key: str, workdir: Path, limits: Limits, budget: _Budget, *, nested: bool
) -> Found:
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
        if len(infos) > budget.members:
            problem = _problem(
                "IN104",
                archive.name,
                f"压缩包中有 {len(infos)} 个文件，{_WITH_OUTER[0] if nested else ''}"
                f"超过上限 {MAX_MEMBERS}",
                f"the archive holds {len(infos)} entries, {_WITH_OUTER[1] if nested else ''}"
                f"over the limit of {MAX_MEMBERS}",
            )
            found.submissions.append(Submission(key, archive, archive.name, problem=problem))
            return found
        wanted = [i for i in infos if not i.is_dir()]
        declared = sum(i.file_size for i in wanted if _unpacked(member_name(i), nested))
        if declared > budget.unpacked:
            problem = _problem(
                "IN104",
                archive.name,
                f"压缩包中的工作簿解压后共 {declared // _MB} MB，{_WITH_OUTER[0] if nested else ''}"
                f"超过上限 {MAX_ARCHIVE_UNPACKED // _MB} MB，请分批提交",
                f"the archive's workbooks unpack to {declared // _MB} MB, "
                f"{_WITH_OUTER[1] if nested else ''}over the limit of "
                f"{MAX_ARCHIVE_UNPACKED // _MB} MB; submit them in parts",
            )
            found.submissions.append(Submission(key, archive, archive.name, problem=problem))
            return found
        budget.members -= len(infos)
        budget.unpacked -= declared
        for n, info in enumerate(wanted):
            name = member_name(info)
            m = _Member(zf, info, name, f"{key}/{name.lstrip('/')}", workdir / f"{n:05d}")
            if _is_archive(name) and not nested and _plain_file(info):
                _take_archive(m, limits, budget, found)
            else:
                _take(m, limits, found)
    return found


def _is_archive(name: str) -> bool:
    return Path(posixpath.basename(name)).suffix.lower() in ARCHIVE_SUFFIXES


def _unpacked(name: str, nested: bool) -> bool:
    """Whether a member will be taken out: a workbook, or at the top level an archive."""
    return classify(posixpath.basename(name)) is None or (_is_archive(name) and not nested)


def _plain_file(info: zipfile.ZipInfo) -> bool:
    return not stat.S_ISLNK(info.external_attr >> 16)


@dataclass(frozen=True)
class _Member:
    zf: zipfile.ZipFile
    info: zipfile.ZipInfo
    name: str  # as its author wrote it, never used as a path
    key: str
    into: Path  # a folder of its own under the work folder

    @property
    def base(self) -> str:
        return posixpath.basename(self.name)

    def take_out(self, limits: Limits) -> tuple[Path, InputProblem | None]:
        """Checked against `limits` from the archive's directory, then copied out."""
        dst = self.into / safe_base_name(self.name, Path(self.base).suffix)
        problem = _check(self.info, self.base, limits)
        if problem is None:
            problem = _copy(self.zf, self.info, self.base, dst)
        return dst, problem


def _take_archive(m: _Member, limits: Limits, budget: _Budget, found: Found) -> None:
    """A zip inside the archive: checked and copied out like a workbook (its own size within
    the budget rather than a workbook's limit), then opened; the copy goes once it is read."""
    dst, problem = m.take_out(replace(limits, max_file_bytes=MAX_ARCHIVE_UNPACKED))
    if problem is not None:
        found.submissions.append(Submission(m.key, dst, m.base, problem=problem))
        return
    inner = _expand(dst, m.key, m.into / "unpacked", limits, budget, nested=True)
    found.submissions += inner.submissions
    found.ignored += inner.ignored
    dst.unlink()  # what it held is out; a damaged one is already reported (never read again)


def _take(m: _Member, limits: Limits, found: Found) -> None:
    why = classify(m.base)
    if _is_archive(m.base):
        why = (
            "压缩包中的压缩包只展开一层，这一层中的压缩包不会展开，请解压后单独提交",
            "archives inside an archive are opened one level deep; this one, a level deeper, "
            "is not opened: extract it and submit it separately",
        )
    if not _plain_file(m.info):
        why = ("压缩包中的符号链接，不是文件", "a symbolic link inside the archive, not a file")
    if why is not None:
        found.ignored.append(Ignored(m.key, *why))
        return
    dst, problem = m.take_out(limits)
    found.submissions.append(Submission(m.key, dst, m.base, problem=problem))


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
