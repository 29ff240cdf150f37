"""The built wheel carries every data file the package reads at run time (spec, catalogues,
rule docs, template): an editable install would hide a missing package-data entry."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_contains_every_data_file(tmp_path: Path) -> None:
    # Build from a clean copy: setuptools would reuse a stale build/ directory in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("juesuan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "src"
    data = [
        p.relative_to(package).as_posix()
        for p in (package / "juesuan").rglob("*")
        if p.is_file() and p.suffix in {".toml", ".xlsx", ".typed"}
    ]
    assert len(data) >= 12
    missing = sorted(d for d in data if d not in names)
    assert not missing, f"not in the wheel (add to package-data): {missing}"
