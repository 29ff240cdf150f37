"""汇总.xlsx opened by a real spreadsheet program (LibreOffice headless): its text is there in
Chinese, and its links lead to the annotated copies. An .xls submission (LibreOffice writes
it from the sample) gets a separate report workbook named for the clerk."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import openpyxl
import pytest

from conftest import SAMPLES, pdf_text

from .helpers import by_file, intake

UNIT = "乌鲁木齐市政务服务管理局"


@pytest.fixture(scope="module")
def run(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
         "--outdir", str(inbox), str(SAMPLES / "sample_2023.xlsx")],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    shutil.copy(SAMPLES / "defect_01_wrong_total.xlsx", inbox / "合计错误.xlsx")
    (inbox / "损坏.xlsx").write_bytes((SAMPLES / "sample_2023.xlsx").read_bytes()[:5000])
    out = tmp_path_factory.mktemp("run") / "out"
    result = intake(inbox, "--out", out, "--jobs", "2")
    assert result.returncode == 2, result.stderr
    return out


def test_xls_submission_gets_a_report_workbook_named_for_the_clerk(run: Path) -> None:
    [xls] = [r for r in by_file(run).values() if r["file"].endswith(".xls")]
    assert xls["summary"]["status"] == "pass" and xls["unit_name"] == UNIT
    copy = run / xls["intake"]["annotated_copy"]
    assert copy.name == f"{UNIT}_sample_2023.校验结果.xlsx"
    assert openpyxl.load_workbook(copy).sheetnames == ["校验结果"]


def test_summary_renders_in_libreoffice_with_its_chinese_text(
    run: Path, to_pdf: Callable[[Path], Path]
) -> None:
    text = pdf_text(to_pdf(run / "汇总.xlsx"))
    for words in (
        "部门决算报送校验汇总",
        "主要问题（前三条）",
        "带注释副本",
        UNIT,
        "未通过",
        "无法读取",
        "通过",
        "文件已损坏",
        "打开副本",
        "SM122",
        "按规则统计",
        "按单位统计",
    ):
        assert words in text, words
    # the 全部问题 sheet prints its amounts as numbers with two places
    assert re.search(r"184\.58\s+184\.48\s+0\.10", text)


def test_links_resolve_to_the_annotated_copies_in_libreoffice(
    run: Path, soffice: str, tmp_path: Path
) -> None:
    """LibreOffice's HTML export writes each hyperlink as it resolved it."""
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "html", "--outdir", str(tmp_path), str(run / "汇总.xlsx")],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    html = (tmp_path / "汇总.html").read_text(encoding="utf-8", errors="replace")
    targets = {unquote(urlparse(h).path) for h in re.findall(r'href="(file:[^"#]+)', html)}
    assert len(targets) == 2  # the .xls's report workbook and the defect's copy
    for target in targets:
        assert Path(target).is_file(), target
        assert Path(target).parent == run / "带注释副本"
