"""`juesuan validate --annotate/--out`: a copy with a 校验结果 sheet; the input never changes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import openpyxl

from conftest import SAMPLES, juesuan, pdf_text

DEFECT = SAMPLES / "defect_01_wrong_total.xlsx"


cli = juesuan


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotated_copy_lists_the_findings_with_links(tmp_path: Path) -> None:
    src = tmp_path / "决算.xlsx"
    src.write_bytes(DEFECT.read_bytes())
    before = sha(src)
    out = tmp_path / "决算_校验.xlsx"
    result = cli("validate", src, "--annotate", out)
    assert result.returncode == 1  # the copy is written, the errors still fail the run
    assert sha(src) == before
    wb = openpyxl.load_workbook(out)
    ws = wb["校验结果"]
    assert wb.active.title == "校验结果"  # type: ignore[union-attr]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:3] == ["序号", "级别", "规则"])
    body = [r for r in rows[header + 1 :] if r[0] is not None]
    # E6 is the one wrong cell: one error, naming the row sum (SM121, C6) it also breaks
    assert [(r[1], r[2]) for r in body] == [
        ("错误", "SM122"),
        ("提示", "SM103"),
        ("提示", "SM104"),
    ]
    assert "SM121 支出决算表 C6" in str(body[0])
    link = ws.cell(row=header + 2, column=5).hyperlink
    assert link is not None and link.location == "'支出决算表'!E6"
    marked = wb["支出决算表"]["E6"].fill.fgColor.rgb
    unmarked = wb["支出决算表"]["D6"].fill.fgColor.rgb
    assert marked != unmarked


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    result = cli("validate", DEFECT, "--annotate", out)
    assert result.returncode == 2 and "--force" in result.stderr
    assert out.read_bytes() == b"keep me"
    assert cli("validate", DEFECT, "--annotate", out, "--force").returncode == 1
    assert out.read_bytes()[:2] == b"PK"


def test_out_dir_gets_one_copy_per_input(tmp_path: Path) -> None:
    files = [SAMPLES / "sample_2023.xlsx", DEFECT]
    result = cli("validate", *files, "--out", tmp_path / "out")
    assert result.returncode == 1
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["defect_01_wrong_total.校验.xlsx", "sample_2023.校验.xlsx"]


def test_annotate_takes_one_input() -> None:
    result = cli("validate", DEFECT, DEFECT, "--annotate", "x.xlsx")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_libreoffice_opens_the_annotated_copy(
    tmp_path: Path, to_pdf: Callable[[Path], Path]
) -> None:
    out = tmp_path / "annotated.xlsx"
    cli("validate", DEFECT, "--annotate", out)
    text = pdf_text(to_pdf(out))
    assert "校验结果" in text and "SM121" in text and "184.58" in text


def test_csv_one_line_per_finding() -> None:
    import csv
    import io

    result = cli("validate", DEFECT, "--format", "csv")
    assert result.returncode == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(r["code"], r["cell"], r["actual"], r["expected"]) for r in rows][:1] == [
        ("SM122", "E6", "184.58", "184.48"),
    ]
    assert rows[0]["sheet"] == "支出决算表" and "SM121 支出决算表 C6" in rows[0]["message"]
    assert rows[0]["also"] == "SM121@支出决算表!C6"


def test_the_sheet_says_which_checks_were_not_run(tmp_path: Path) -> None:
    out = tmp_path / "d6.xlsx"
    cli("validate", SAMPLES / "defect_06_missing_table.xlsx", "--annotate", out)
    ws = openpyxl.load_workbook(out)["校验结果"]
    rows = {r[0]: next((v for v in r[1:] if v), None) for r in ws.iter_rows(values_only=True)}
    assert rows["未执行的核对"] == (
        "SM161、SM162、SM163、XT212、XT214：工作簿中没有「一般公共预算财政拨款基本支出决算表」，本项核对未执行"
    )
