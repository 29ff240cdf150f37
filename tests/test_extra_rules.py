"""A bureau's own rules (`--rules`): the documented example works, mistakes name their line.
The CLI runs in a subprocess, as a bureau would run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import juesuan
from juesuan.validate import validate_path
from juesuan.validators.extra import ExtraRulesError, load_extra

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_workbooks" / "sample_2023.xlsx"
EXAMPLE = ROOT / "docs" / "examples" / "本地规则示例.toml"
T6 = "一般公共预算财政拨款基本支出决算表"


run = juesuan


def stricter(tmp_path: Path) -> Path:
    """The documented example with 0.2% instead of 1%: the sample's 0.10 then exceeds 0.06348."""
    path = tmp_path / "本地规则.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("1% × T6", "0.2% × T6")
    assert "0.2% × T6[public.total]" in text
    path.write_text(text, encoding="utf-8")
    return path


def test_the_documented_example_holds_on_the_sample() -> None:
    proc = run("validate", SAMPLE, "--rules", EXAMPLE, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    codes = {f["code"] for f in json.loads(proc.stdout)["findings"]}
    assert not any(c.startswith("LC") for c in codes)


def test_a_bureau_rule_fires_with_its_coefficient(tmp_path: Path) -> None:
    proc = run("validate", SAMPLE, "--rules", stricter(tmp_path), "--format", "json")
    assert proc.returncode == 0  # a warning does not fail the run by default
    found = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "LC001"]
    assert len(found) == 1
    f = found[0]
    assert (f["severity"], f["sheet"], f["cell"]) == ("warning", T6, "F22")
    assert (f["actual"], f["expected"], f["difference"]) == ("0.1", "0.06348", "0.03652")
    assert "0.002 × 公用经费合计 31.74 = 0.06348" in f["message"]
    assert [r["cell"] for r in f["related"]] == ["F44"]
    fail = run("validate", SAMPLE, "--rules", stricter(tmp_path), "--fail-on", "warning")
    assert fail.returncode == 1 and "LC001" in fail.stdout


def test_select_and_rules_listing_know_the_bureau_codes(tmp_path: Path) -> None:
    rules = stricter(tmp_path)
    proc = run("validate", SAMPLE, "--rules", rules, "--select", "LC", "--format", "json")
    assert [f["code"] for f in json.loads(proc.stdout)["findings"]] == ["LC001"]
    listed = run("rules", "--rules", rules)
    assert listed.returncode == 0
    assert "LC001" in listed.stdout and "reception-within-one-percent" in listed.stdout
    assert run("validate", SAMPLE, "--select", "LC").returncode == 2  # unknown without --rules


def test_the_rounding_model_applies_to_scaled_items(tmp_path: Path) -> None:
    # 0.10 ≤ 0.00315 × 31.74 = 0.099981: different on the printed figures, but within the
    # rounding of 0.10 (±0.005): a notice, never a warning
    path = tmp_path / "r.toml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("1% × T6", "0.315% × T6"), encoding="utf-8"
    )
    extra = load_extra([path])
    extra.register()
    try:
        report = validate_path(SAMPLE, extra)
    finally:
        extra.unregister()  # the registry is the process's: leave it as the other tests expect
    lc = [f for f in report.findings if f.code == "LC001"]
    assert [f.severity.value for f in lc] == ["notice"]


RULE = """[[rule]]
code = "LC001"
name = "reception-share"
severity = "warning"
summary = "公务接待费占比"
check = "T6[30217] <= 0.01 * T6[public.total]"
"""

BAD = [
    ("typo-row", RULE.replace("public.total", "publc.total"), 6, "T6 没有行 publc.total"),
    ("built-in-code", RULE.replace("LC001", "SM101"), 2, "内置规则"),
    ("text-code", RULE.replace("LC001", "TX301"), 2, "内置规则"),
    ("grammar", RULE.replace("0.01 *", "0.01 * *"), 6, "check 无法解析"),
    ("toml", RULE.replace('"LC001"', '"LC001'), 2, "TOML 语法错误"),
    ("severity", RULE.replace('"warning"', '"fatal"'), 4, "severity 应为"),
    ("name", RULE.replace("reception-share", "Reception Share"), 3, "name 应为"),
    ("column", RULE.replace("T6[30217]", "T7[main].final.recepton"), 6, "T7 没有列"),
    ("table", RULE.replace("T6[30217]", "T10[1]"), 6, "无法解析"),
    ("unknown-key", RULE + 'weight = "2"\n', 7, "未知的键"),
    ("twice", RULE + "\n" + RULE, 9, "出现了两次"),
    (
        "missing-check",
        RULE.replace('check = "T6[30217] <= 0.01 * T6[public.total]"\n', ""),
        1,
        "缺少 check",
    ),
    ("no-rules", "# nothing\n", None, "没有任何 [[rule]]"),
]


@pytest.mark.parametrize(("text", "line", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_malformed_rule_file_gets_one_line_naming_the_line(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = tmp_path / "本地规则.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExtraRulesError) as info:
        load_extra([path])
    assert info.value.line == line
    proc = run("validate", SAMPLE, "--rules", path)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    where = f"本地规则.toml 第 {line} 行：" if line else "本地规则.toml："
    assert lines[0].startswith(where) and words in lines[0], lines[0]
    en = run("validate", SAMPLE, "--rules", path, "--lang", "en")
    assert (
        en.returncode == 2 and en.stderr.startswith("本地规则.toml") and "line" in en.stderr
    ) or line is None


def test_a_missing_rule_file(tmp_path: Path) -> None:
    proc = run("validate", SAMPLE, "--rules", tmp_path / "没有.toml")
    assert proc.returncode == 2 and proc.stderr.strip() == "没有.toml：规则文件不存在"
