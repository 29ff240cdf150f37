"""What discovery yields: submissions to validate and files ignored with the reason."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from juesuan.io.problems import InputProblem

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
ARCHIVE_SUFFIXES = frozenset({".zip"})
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Submission:
    """One workbook to validate.

    `key` names it in every output (stable, unique); `path` is where it can be read (the
    original, or its copy extracted from an archive); `name` is its original file name.
    `problem` is set when it could not even be taken out of its archive. Its content hash is
    the worker's business (`Checked.sha256`), so that hashing runs in parallel.
    """

    key: str
    path: Path
    name: str
    problem: InputProblem | None = None


@dataclass(frozen=True)
class Ignored:
    """A file that is not a submission, and why."""

    key: str
    reason: str
    reason_en: str

    def text(self, lang: str) -> str:
        return self.reason_en if lang == "en" else self.reason


@dataclass
class Found:
    submissions: list[Submission]
    ignored: list[Ignored]


def sha256_of(path: Path, limit: int) -> str | None:
    """Content hash for duplicate detection; None for a file over `limit` bytes or unreadable
    (the worker reports why)."""
    try:
        if path.stat().st_size > limit:
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def display(path: Path) -> str:
    """A path as the user gave it, with forward slashes (the same key on every platform)."""
    return os.path.normpath(str(path)).replace(os.sep, "/")


def classify(name: str) -> tuple[str, str] | None:
    """Why a file of this name is not a submission (zh, en), or None if it is one."""
    suffix = Path(name).suffix.lower()
    if name.startswith("~$"):
        return (
            "Excel 打开文件时生成的临时锁文件，不是报送文件",
            "a lock file Excel leaves while a workbook is open, not a submission",
        )
    if name.startswith("._") or name == ".DS_Store":
        return ("macOS 附带的元数据文件，不是报送文件", "macOS metadata, not a submission")
    if suffix in WORKBOOK_SUFFIXES:
        return None
    what = suffix or "（无扩展名）"
    return (
        f"不是工作簿文件（扩展名 {what}），只校验 .xlsx、.xlsm、.xls、.xlsb、.ods",
        f"not a workbook file ({suffix or 'no extension'}); only .xlsx, .xlsm, .xls, .xlsb and "
        ".ods are checked",
    )


def not_found(key: str, name: str) -> Submission:
    problem = InputProblem(
        "IN108",
        f"{name}：文件或文件夹不存在",
        f"{name}: no such file or folder",
    )
    return Submission(key=key, path=Path(key), name=name, problem=problem)
