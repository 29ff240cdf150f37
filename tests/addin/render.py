"""Two clicks of 校验 on a sample, replayed onto a file and opened by LibreOffice.

Used by test_render.py (PDF text) and, by hand, to regenerate the images in docs/:

    .venv/bin/python -m tests.addin.render docs/images

The workbook is defect_01 (two wrong totals) with defect_05's code-name mismatch added (a
warning); between the clicks the accountant explains the warning in the 说明 column.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from tests.addin.actions import Run, run
from tests.addin.remote import replay
from tests.conftest import SAMPLES, convert_to_pdf

RESULT = "校验结果"
DATA = "支出决算表"
EXPLANATION = "科目名称按财政部 2023 年科目表核对无误，系打印简称"


def scenario(folder: Path) -> tuple[Path, Run]:
    """The file after the second click, and that click's run."""
    src, state, final = (folder / step / "2023决算.xlsx" for step in ("0", "1", "2"))
    for path in (src, state, final):
        path.parent.mkdir()
    shutil.copyfile(SAMPLES / "defect_01_wrong_total.xlsx", src)
    wb = openpyxl.load_workbook(src)  # a test copy
    wb[DATA]["B10"] = "行政运行"  # defect_05's mismatch: code 2010302 named as 2010301
    wb.save(src)
    first = run(src)
    replay(first.actions, src, state)
    wb = openpyxl.load_workbook(state)
    ws = wb[RESULT]
    rows = list(ws.iter_rows())
    top = next(i for i, row in enumerate(rows) if any(c.value == "指纹" for c in row))
    heads = [c.value for c in rows[top]]
    for row in rows[top + 1 :]:
        if row[heads.index("规则")].value == "CD103":
            row[heads.index("说明")].value = EXPLANATION
    wb.save(state)
    second = run(state)
    replay(second.actions, state, final)
    return final, second


def printable(path: Path) -> Path:
    """A copy set to print each sheet one page wide, landscape (only for the pictures)."""
    out = path.with_name(path.stem + "_print.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.save(out)
    return out


def page_of(pdf: Path, words: str) -> int:
    """The first page whose text starts with `words` (the sheet's title)."""
    n = 1
    while True:
        done = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise LookupError(f"no page starting with {words!r} in {pdf}")
        if done.stdout.strip().startswith(words):
            return n
        n += 1


def png(pdf: Path, page: int, out: Path, box: tuple[int, int, int, int]) -> None:
    """Page `page` at 110 dpi, cropped to `box` (x, y, width, height in pixels)."""
    x, y, w, h = (str(v) for v in box)
    pages = ["-f", str(page), "-l", str(page)]
    crop = ["-x", x, "-y", y, "-W", w, "-H", h]
    out_stem = str(out.with_suffix(""))
    subprocess.run(
        ["pdftoppm", *pages, "-r", "110", *crop, "-png", "-singlefile", str(pdf), out_stem],
        check=True,
    )


def main(target: Path) -> None:
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine, tests only
    with tempfile.TemporaryDirectory() as tmp:
        final, _ = scenario(Path(tmp))
        printed = printable(final)
        pdf = convert_to_pdf("soffice", Path(tmp) / "lo-profile", printed, printed.parent)
        target.mkdir(parents=True, exist_ok=True)
        png(pdf, page_of(pdf, "部门决算校验结果"), target / "addin_result.png", (70, 95, 1070, 385))
        png(pdf, page_of(pdf, DATA), target / "addin_marks.png", (35, 60, 1215, 500))
    print(f"written: {target / 'addin_result.png'}, {target / 'addin_marks.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images"))
