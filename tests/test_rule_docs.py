"""Every rule is documented (rules/docs/*.toml), the generated pages in docs/rules/ are current,
and the CLI lists, explains and filters rules. The CLI runs in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import juesuan
from juesuan.rules import RULES
from juesuan.rules.docs import SECTIONS, all_docs, render_all, render_markdown

ROOT = Path(__file__).resolve().parent.parent
DEFECT_01 = ROOT / "sample_workbooks" / "defect_01_wrong_total.xlsx"


run = juesuan


def codes_of(proc: subprocess.CompletedProcess[str]) -> list[str]:
    report: dict[str, Any] = json.loads(proc.stdout)
    return sorted(f["code"] for f in report["findings"])


def test_codes_are_unique_and_well_formed() -> None:
    assert len(RULES) == len(set(RULES))
    for code, rule in RULES.items():
        assert re.fullmatch(r"[A-Z]{2}\d{3}", code), code
        assert rule.code == code
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names)), "rule names are unique"


def test_every_rule_has_a_complete_doc() -> None:
    docs = all_docs()
    missing = sorted(set(RULES) - set(docs))
    assert not missing, f"rules without a doc: {missing}"
    for code in RULES:
        empty = [s for s in SECTIONS if not docs[code].get(s, "").strip()]
        assert not empty, f"{code}: empty sections {empty}"


def test_every_doc_is_of_a_known_rule() -> None:
    unknown = sorted(set(all_docs()) - set(RULES))
    assert not unknown, f"docs of unknown codes: {unknown}"


def test_catalogue_docs_cite_their_basis() -> None:
    from juesuan.rules.docs import basis

    for code in RULES:
        b = basis(code)
        if b is not None:
            assert f"**依据**：{b}" in render_markdown(code)


def test_generated_pages_are_up_to_date(tmp_path: Path) -> None:
    render_all(tmp_path)
    committed = ROOT / "docs" / "rules"
    fresh = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.md")}
    current = {p.name: p.read_text(encoding="utf-8") for p in committed.glob("*.md")}
    assert fresh.keys() == current.keys(), "run: python -m juesuan.rules.docs docs/rules"
    stale = sorted(name for name in fresh if fresh[name] != current[name])
    assert not stale, f"stale pages {stale}; run: python -m juesuan.rules.docs docs/rules"


def test_rules_lists_every_code() -> None:
    proc = run("rules")
    assert proc.returncode == 0, proc.stderr
    for code in RULES:
        assert code in proc.stdout
    assert "错误" in proc.stdout and "警告" in proc.stdout
    en = run("rules", "--lang", "en")
    assert en.returncode == 0 and "SM121" in en.stdout and "error" in en.stdout


def test_explain_prints_the_doc() -> None:
    proc = run("explain", "SM121")
    assert proc.returncode == 0, proc.stderr
    assert "检查内容" in proc.stdout and "修正方法" in proc.stdout
    assert "T3.1" in proc.stdout
    assert run("explain", "sm121").returncode == 0


def test_explain_unknown_code() -> None:
    proc = run("explain", "XX999")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "未知的规则代码：XX999（用 juesuan rules 查看全部）"
    en = run("explain", "XX999", "--lang", "en")
    assert en.returncode == 2
    assert en.stderr.strip() == "unknown rule code: XX999 (juesuan rules lists them all)"


def test_explain_in_english() -> None:
    proc = run("explain", "SM121", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "Severity: error" in proc.stdout and "Basis: T3.1" in proc.stdout
    assert "Failing example" in proc.stdout and "184.58" in proc.stdout
    assert "检查内容" not in proc.stdout and "级别" not in proc.stdout


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_an_english_page(code: str) -> None:
    """English headings and every English text the doc has; the Chinese-only sections are
    named as such, never shown under a Chinese heading."""
    page = render_markdown(code, "en")
    d = all_docs()[code]
    assert page.startswith(f"# {code} {RULES[code].name}\n")
    assert d["why_en"] in page
    for heading in ("## Why", "## Failing example", "## Passing example"):
        assert heading in page
    for section in SECTIONS:
        assert f"## {section}" not in page
    assert d["错误示例"] in page and d["正确示例"] in page


def test_validate_select_keeps_only_the_selected_family() -> None:
    full = run("validate", DEFECT_01, "--format", "json")
    assert full.returncode == 1
    # E6 breaks SM121 (its row) and SM122 (its column): one finding, SM121 inside it
    assert codes_of(full) == ["SM103", "SM104", "SM122"]
    assert [a["code"] for f in json.loads(full.stdout)["findings"] for a in f["also"]] == ["SM121"]
    selected = run("validate", DEFECT_01, "--format", "json", "--select", "SM")
    assert selected.returncode == 1
    assert codes_of(selected) == codes_of(full)
    narrow = run("validate", DEFECT_01, "--format", "json", "--select", "SM12", "--select", "XT")
    assert codes_of(narrow) == ["SM122"]
    inside = run("validate", DEFECT_01, "--format", "json", "--select", "SM121")
    assert inside.returncode == 1 and codes_of(inside) == ["SM122"]
    assert run("validate", DEFECT_01, "--select", "XT").returncode == 0


def test_validate_ignore_removes_findings() -> None:
    proc = run("validate", DEFECT_01, "--format", "json", "--ignore", "SM103,SM104")
    assert proc.returncode == 1
    assert codes_of(proc) == ["SM122"]
    report = json.loads(proc.stdout)
    assert report["summary"]["notices"] == 0 and report["summary"]["errors"] == 1
    both = run("validate", DEFECT_01, "--format", "json", "--ignore", "SM103,SM104,SM121,SM122")
    assert both.returncode == 0 and codes_of(both) == []
    # without the two errors only notices remain: the exit code follows the filtered findings
    notices_only = run("validate", DEFECT_01, "--format", "json", "--ignore", "sm121, SM122")
    assert notices_only.returncode == 0
    assert codes_of(notices_only) == ["SM103", "SM104"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_validate_unknown_code_is_a_usage_error(option: str) -> None:
    proc = run("validate", DEFECT_01, option, "QQ1")
    assert proc.returncode == 2
    assert "QQ1" in proc.stderr and "Traceback" not in proc.stderr


# Tested by the intake run itself (a timeout, a crashed worker), which validate cannot produce
INTAKE_ONLY = frozenset({"IN110", "IN111"})
CASE_DIRS = (ROOT / "tests" / "rules" / "cases", ROOT / "tests" / "text" / "cases")


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    """Whatever family: one case file per rule, with at least one [[fail]] and one [[pass]]."""
    import tomllib

    from juesuan.rules import BUILTIN

    files = {p.stem: p for d in CASE_DIRS for p in d.glob("*.toml")}
    assert sorted(set(files) - set(BUILTIN)) == [], "case files of unknown codes"
    intake_tests = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "intake").glob("test_*.py")
    )
    for code in sorted(BUILTIN):
        if code in INTAKE_ONLY:
            assert f'"{code}"' in intake_tests, f"{code}: no intake test names it"
            continue
        assert code in files, f"{code}: no case file in tests/rules/cases or tests/text/cases"
        data = tomllib.loads(files[code].read_text(encoding="utf-8"))
        assert data.get("fail") and data.get("pass"), f"{code}: needs [[fail]] and [[pass]]"
