"""An amount with more than two decimals (VA104) is shown in full in our outputs, not through
"#,##0.00": in the 校验结果 sheet of an annotated copy and in the intake summary's 全部问题, as
LibreOffice displays them. 340.7549 shown as 340.75 would hide what the finding is about."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES, juesuan

# C9 of 支出决算表 (2010301 行政运行, 本年支出合计) is 340.75 in the sample
_ROW = re.compile(r"340\.7549\s+340\.75\s+0\.0049")  # 报表数, 计算数, 差额 of SM121


def _shown(soffice: str, workbook: Path, tmp: Path) -> str:
    """The workbook's cells as LibreOffice displays them, all sheets, tags dropped."""
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
         "--convert-to", "html", "--outdir", str(tmp), str(workbook)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    page = (tmp / f"{workbook.stem}.html").read_text(encoding="utf-8", errors="replace")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def four_decimals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = openpyxl.load_workbook(SAMPLES / "sample_2023.xlsx")
    wb["支出决算表"]["C9"] = 340.7549
    path = tmp_path_factory.mktemp("in") / "四位小数.xlsx"
    wb.save(path)
    return path


def test_annotated_copy_shows_every_decimal(
    four_decimals: Path, soffice: str, tmp_path: Path
) -> None:
    out = tmp_path / "副本.xlsx"
    result = juesuan("validate", four_decimals, "--annotate", out)
    assert "VA104" in result.stdout and "SM121" in result.stdout
    shown = _shown(soffice, out, tmp_path)
    assert _ROW.search(shown), shown[shown.find("SM121") :][:400]
    # amounts in cents keep the two places of the workbook's own format
    assert re.search(r"580\.93\s+580\.94\s+-0\.01", shown)


def test_intake_summary_shows_every_decimal(
    four_decimals: Path, soffice: str, tmp_path: Path
) -> None:
    juesuan("intake", four_decimals, "--out", tmp_path / "out")
    shown = _shown(soffice, tmp_path / "out" / "汇总.xlsx", tmp_path)
    assert _ROW.search(shown), shown[shown.find("SM121") :][:400]
    assert re.search(r"580\.93\s+580\.94\s+-0\.01", shown)
