"""Shared helpers of the intake tests: the CLI in a subprocess and readers of its outputs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl


def intake(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m juesuan intake ...`: stderr is a pipe, so progress comes as plain lines."""
    return subprocess.run(
        [sys.executable, "-m", "juesuan", "intake", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def results(out: Path) -> list[dict[str, Any]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def by_file(out: Path) -> dict[str, dict[str, Any]]:
    return {r["file"]: r for r in results(out)}


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in wb[sheet].iter_rows()]


def submissions(out: Path) -> dict[str, list[Any]]:
    """The 提交情况 sheet's rows by file (the header is the row starting with 序号)."""
    rows = sheet_rows(out / "汇总.xlsx", "提交情况")
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    return {r[1]: r for r in rows[head + 1 :] if r[1]}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}
