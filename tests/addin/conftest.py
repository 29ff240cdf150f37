"""The add-in tests run xlwings' remote engine, which is xlwings PRO: its noncommercial
licence key is set here, for the tests only (the add-in itself uses only BSD xlwings)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _remote_engine_licence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv("JUESUAN_LOG_DIR", str(tmp_path / "logs"))
