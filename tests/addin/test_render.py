"""Two clicks replayed onto the workbook file, opened by LibreOffice: what the accountant sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.addin.render import EXPLANATION, scenario
from tests.conftest import pdf_text


def test_libreoffice_shows_the_result_sheet_and_the_marked_cells(
    tmp_path: Path, to_pdf: Callable[[Path], Path]
) -> None:
    final, second = scenario(tmp_path)
    assert second.alerts[0].startswith("发现 1 个错误、0 个警告、2 个提示（另有 1 个警告已说明）")
    text = pdf_text(to_pdf(final))
    for words in (
        "部门决算校验结果",
        "已说明的警告",
        "SM122",
        "支出决算表!E6",  # the HYPERLINK formula's text, computed by LibreOffice
        "收入支出决算总表!B17",
        "已说明",
        EXPLANATION[:12],
        "支出决算表",
    ):
        assert words in text, words
    assert "juesuan:mark" not in text  # the record's columns are hidden
    assert "#NAME" not in text and "Err:" not in text
