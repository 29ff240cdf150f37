"""What a worker process does with one submission: hash it, validate it under the batch's limits
and write its annotated copy under the name a clerk looks for. Runs in the pool's children;
everything it returns is picklable. The parent imports this module to start the workers, so
nothing heavy is imported at module level."""

from __future__ import annotations

import functools
import gc
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parent imports this module to start the workers: nothing heavy here
    from juesuan.findings import Report
    from juesuan.io.package_scan import Limits
    from juesuan.validators.extra import ExtraRules

# Test-only fault injection, so the tests can prove that a crashing or hanging worker costs
# only its file: "crash:NAME;hang:NAME;memory:NAME" makes the worker die, spin, or allocate
# 1 GiB (over a --max-memory cap) on a file of that name.
FAULT_ENV = "JUESUAN_INTAKE_TEST_FAULT"


@dataclass(frozen=True)
class Task:
    key: str  # the submission's name in every output
    path: Path  # where to read it
    name: str  # its original file name
    copy_to: Path  # where to write the annotated copy, less the suffix (the kind of copy picks it)
    lang: str
    now: datetime
    limits: Limits
    rules: tuple[Path, ...] = ()  # a bureau's own rule files (--rules)


@dataclass(frozen=True)
class Checked:
    report: Report
    sha256: str | None = None  # of the submitted bytes, for duplicate detection
    copy: Path | None = None
    copy_name: str | None = None  # the copy's name in the output folder, before de-duplication
    copy_format: str | None = None  # "graft" or "report-workbook"
    note: str | None = None  # why the copy is a report workbook, or could not be written
    seconds: float = 0.0


def warm_up() -> None:
    """Pay the imports and first-call costs (catalogues, schemas) before the first deadline."""
    from juesuan.io import annotate  # noqa: F401  (imported for its cost)
    from juesuan.io.package_scan import Limits

    template = resources.files("juesuan") / "workbook_templates" / "template_2023.xlsx"
    with resources.as_file(template) as path:
        validate(path, "template", Limits())
    # The modules, catalogues and schemas loaded by now (~90,000 objects) live as long as the
    # worker: frozen, the cycle collector stops walking them at every collection between files
    # (200 typical workbooks: 26-65 ms of collections -> 0.5 ms)
    gc.freeze()


@functools.cache
def bureau_rules(files: tuple[Path, ...]) -> ExtraRules | None:
    """The bureau rules, loaded and registered once per worker (the parent has checked them)."""
    if not files:
        return None
    from juesuan.validators.extra import load_extra

    extra = load_extra(files)
    extra.register()
    return extra


def validate(path: Path, key: str, limits: Limits, extra: ExtraRules | None = None) -> Report:
    """`juesuan.validate.validate_path` with the batch's limits, reported under its key."""
    from juesuan.validate import validate_path

    return validate_path(path, extra, limits=limits, file=key)


def handle(task: Task) -> Checked:
    from juesuan.intake.entries import sha256_of
    from juesuan.io.annotate import annotated_path, write_annotated_copy

    started = time.perf_counter()
    _inject_fault(task.name)
    # hashed here rather than while the parent finds the files: in parallel, and off the
    # serial start of the run
    sha256 = sha256_of(task.path, task.limits.max_file_bytes)
    report = validate(task.path, task.key, task.limits, bureau_rules(task.rules))
    if report.unreadable:
        return Checked(report, sha256, seconds=time.perf_counter() - started)
    dst = task.copy_to.with_name(task.copy_to.name + annotated_path(Path(task.name)).suffix)
    try:
        result = write_annotated_copy(
            task.path, dst, report, lang=task.lang, now=task.now, overwrite=True
        )
    except Exception as exc:  # the report stands even if its copy cannot be written
        note = f"无法写出带注释的副本：{exc}" if task.lang != "en" else f"no annotated copy: {exc}"
        return Checked(report, sha256, note=note, seconds=time.perf_counter() - started)
    return Checked(
        report,
        sha256,
        copy=result.path,
        copy_name=copy_name(report.unit_name, task.name, result.format),
        copy_format=result.format,
        note=result.note,
        seconds=time.perf_counter() - started,
    )


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_safe(text: str, limit: int = 40) -> str:
    """A unit name usable in a file name on every system."""
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return _UNSAFE.sub("_", text).strip("._")[:limit]


def copy_name(unit_name: str | None, name: str, copy_format: str) -> str:
    """Unit name and original file name: what a clerk looks for."""
    from juesuan.io.annotate import annotated_path

    unit = file_safe(unit_name or "")
    base = Path(f"{unit}_{name}" if unit else name)
    if copy_format == "report-workbook":
        return f"{base.stem}.校验结果.xlsx"
    return annotated_path(base).name


def _inject_fault(name: str) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    for item in spec.split(";"):
        kind, _, target = item.partition(":")
        if target != name:
            continue
        if kind == "crash":
            os.abort()  # dies by a signal, like a crash in native code
        if kind == "memory":
            bytearray(1 << 30)
        if kind == "hang":
            while True:  # spins like a parser caught in a loop
                pass
