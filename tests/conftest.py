"""Shared fixtures: paths of the sample workbooks, and LibreOffice for opening our outputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"


def juesuan(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "juesuan", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary. In CI (CI=true) its absence fails the run; on a developer machine
    without LibreOffice the tests that need it are skipped with the command that installs it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        message = (
            "LibreOffice is required to open juesuan's outputs in tests: "
            "apt-get install libreoffice-calc-nogui fonts-noto-cjk poppler-utils"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return exe


def convert_to_pdf(soffice: str, profile: Path, workbook: Path, outdir: Path) -> Path:
    """Convert a workbook to PDF with headless LibreOffice (also used by tools outside pytest)."""
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = outdir / (workbook.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {workbook.name}"
    return pdf


@pytest.fixture(scope="session")
def to_pdf(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Convert a workbook to PDF with headless LibreOffice; returns the PDF path."""
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(workbook: Path) -> Path:
        return convert_to_pdf(soffice, profile, workbook, tmp_path_factory.mktemp("pdf"))

    return convert


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
