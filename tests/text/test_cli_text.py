"""`juesuan validate … --text`: console, JSON, CSV, text alone, --prior, --verbose, bad input,
and the 校验结果 sheet opened by LibreOffice. The CLI runs in a subprocess, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import SAMPLES, pdf_text
from juesuan.text.run import validate_with_text
from test_rule_docs import run  # the CLI in a subprocess

SAMPLE = SAMPLES / "sample_2023.xlsx"
SEED = SAMPLES / "sample_2023_说明.txt"
TEXTS = Path(__file__).resolve().parent / "texts"
GOLDEN = Path(__file__).resolve().parent / "golden" / "seed_with_sample_2023.json"


def report_of(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def test_seed_with_sample_console() -> None:
    proc = run("validate", SAMPLE, "--text", SEED)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "TX306" in out and "TX309" in out and "TX303" in out and "TX301" in out
    assert "基本支出 319.56 万元" in out and "电子印章年使用费用" in out
    assert "说明第 385 行（第 5342 字）" in out  # where the sentence is
    assert "支出决算表!D6" in out  # the cell it contradicts


def test_golden_seed_findings() -> None:
    """Every finding on the seed with the sample, reviewed (regen: JUESUAN_UPDATE_GOLDEN=1)."""
    report, _ = validate_with_text(SAMPLE, SEED)
    data = report.to_json()
    data.pop("juesuan")
    data["file"] = SAMPLE.name
    data["text"]["file"] = SEED.name
    if os.environ.get("JUESUAN_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert data == json.loads(GOLDEN.read_text("utf-8"))
    codes = sorted((f["code"], f["severity"]) for f in data["findings"])
    assert codes == [
        ("SM103", "notice"), ("SM104", "notice"), ("TX301", "error"), ("TX303", "notice"),
        ("TX303", "notice"), ("TX309", "warning"),
    ]  # fmt: skip
    # 319.56 contradicts both its cell (TX301) and the text (TX306): one finding
    assert [a["code"] for f in data["findings"] for a in f["also"]] == ["TX306"]


def test_json_text_keys_only_on_text_findings() -> None:
    proc = run("validate", SAMPLE, "--text", SEED, "--format", "json", "--verbose")
    data = report_of(proc)
    for f in data["findings"]:
        has = "text_offset" in f
        assert has == f["code"].startswith("TX"), f
        if has:
            assert f["text_section"] and f["text_quote"] and f["text_line"] >= 1
    cell = next(f for f in data["findings"] if f["code"] == "TX301")
    assert (cell["sheet"], cell["cell"], cell["actual"], cell["expected"]) == (
        "支出决算表", "D6", "319.56", "389.27",
    )  # fmt: skip
    coverage = data["text"]["coverage"]
    assert coverage["figures"] == len(data["text"]["figures"]) >= 140
    assert coverage["perf_indicators"] == 20
    assert any("固定资产原值" in s["reason"] for s in data["text"]["skipped"])


def test_csv_has_the_text_location() -> None:
    proc = run("validate", SAMPLE, "--text", SEED, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout.lstrip("\ufeff"))))
    tx = [r for r in rows if r["code"] == "TX301"]  # the TX306 of the same figure is inside it
    assert tx and tx[0]["text_offset"] == "5342" and "319.56" in tx[0]["text_quote"]
    assert tx[0]["also"] == "TX306"
    assert all(r["text_quote"] == "" for r in rows if r["code"].startswith("SM"))


def test_text_alone() -> None:
    proc = run("validate", "--text", SEED)
    assert proc.returncode == 1
    assert "TX306" in proc.stdout and "TX301" not in proc.stdout  # no table to compare with
    assert "乌鲁木齐市政务服务管理局" in proc.stdout  # unit and year from the title line
    fixed = TEXTS / "yuan_style_2023.gb18030.txt"
    clean = run("validate", "--text", fixed, "--format", "json")
    assert clean.returncode == 0 and report_of(clean)["findings"] == []


def test_verbose_lists_extracted_and_skipped() -> None:
    proc = run("validate", "--text", SEED, "--verbose")
    assert "从说明中提取" in proc.stdout and "跳过的句子: 4" in proc.stdout
    assert "占比 基本支出 ÷ 本年支出合计 = 67.85%" in proc.stdout
    en = run("validate", "--text", SEED, "--verbose", "--lang", "en")
    assert "Skipped sentences: 4" in en.stdout


def test_prior(tmp_path: Path) -> None:
    """Last year's workbook: the sample with 三公 决算 3.78, so the seed's “增加 0.12” holds and
    its other changes (against an unchanged 收入总计 etc.) do not."""
    prior = tmp_path / "2022.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    wb["财政拨款“三公”经费支出决算表"]["G7"] = 3.78
    wb.save(prior)
    proc = run("validate", SAMPLE, "--text", SEED, "--prior", prior, "--format", "json")
    found = [f for f in report_of(proc)["findings"] if f["code"] == "TX310"]
    quotes = [f["text_quote"] for f in found]
    assert not any("“三公”经费支出 3.90 万元" in q for q in quotes)
    assert any("收入支出总体与上年相比" in q for q in quotes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请给出工作簿"),
        (("--text-sheet", "说明"), "请给出工作簿"),
        ((SAMPLE, SAMPLE, "--text", SEED), "只能用于一个工作簿"),
        ((SAMPLE, "--text", "nope.txt"), "不存在"),
        ((SAMPLE, "--text", SEED, "--prior", "nope.xlsx"), "上年工作簿"),
        ((SAMPLE, "--text-sheet", "情况说明"), "没有名为「情况说明」的工作表"),
    ],
)
def test_bad_usage_and_input(args: tuple[str | Path, ...], message: str) -> None:
    proc = run("validate", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_annotated_copy_links_the_cell_and_quotes_the_text(
    tmp_path: Path, to_pdf: Callable[[Path], Path]
) -> None:
    out = tmp_path / "校验.xlsx"
    proc = run("validate", SAMPLE, "--text", SEED, "--annotate", out)
    assert proc.returncode == 1 and out.exists()
    ws = openpyxl.load_workbook(out)["校验结果"]
    header = [c.value for c in ws[12]]
    assert "说明原文" in header
    rows = [r for r in ws.iter_rows(min_row=13) if r[2].value == "TX301"]
    (row,) = rows
    assert row[4].hyperlink is not None and row[4].hyperlink.location == "'支出决算表'!D6"
    assert "第 385 行第 5342 字" in row[header.index("说明原文")].value
    text = pdf_text(to_pdf(out))
    assert "TX306" in text and "TX309" in text
