"""Finding the submissions: files, folders (recursively) and .zip archives.

Every file met is either a submission (a workbook by its extension; whether it really is one is
the package scan's business, in a worker) or an `Ignored` entry with the reason, so the summary
can list it. Each submission gets a stable key — the path as given, or `archive.zip/member` —
by which every output is ordered, so the order in which files are found never matters.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from juesuan.intake.archive import expand
from juesuan.intake.entries import (
    ARCHIVE_SUFFIXES,
    Found,
    Ignored,
    Submission,
    classify,
    display,
    not_found,
)
from juesuan.io.package_scan import Limits


def walk(root: Path, exclude: Iterable[Path]) -> Iterator[Path]:
    """Files under `root` in a stable order, not following directory links (no loops), and
    never entering `exclude` (the output folder, when it lies inside an input folder)."""
    skip = {p.resolve() for p in exclude}
    for here, dirs, files in os.walk(root):
        if Path(here).resolve() in skip:
            dirs[:] = []
            continue
        dirs.sort()
        for name in sorted(files):
            yield Path(here) / name


def discover(paths: Iterable[Path], out_dir: Path, workdir: Path, limits: Limits) -> Found:
    """Every submission and ignored file under `paths`, sorted by key. The same file named
    twice (two arguments, or a folder and a file in it) is taken once. Archives are expanded
    into `workdir`."""
    found = Found([], [])
    seen: set[Path] = set()
    for i, given in enumerate(paths):
        if given.is_dir():
            files = [
                (p, display(given) + "/" + p.relative_to(given).as_posix())
                for p in walk(given, [out_dir])
            ]
        elif given.exists():
            files = [(given, display(given))]
        else:
            found.submissions.append(not_found(display(given), given.name or str(given)))
            continue
        for path, key in files:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            _add(path, key, workdir / f"{i:03d}-{len(seen):05d}", limits, found)
    found.submissions.sort(key=lambda s: s.key)
    found.ignored.sort(key=lambda s: s.key)
    return found


def _add(path: Path, key: str, workdir: Path, limits: Limits, found: Found) -> None:
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        inner = expand(path, key, workdir, limits)
        found.submissions += inner.submissions
        found.ignored += inner.ignored
        return
    why = classify(path.name)
    if why is not None:
        found.ignored.append(Ignored(key, *why))
        return
    found.submissions.append(Submission(key, path, path.name))
