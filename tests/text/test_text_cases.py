"""Every case file of the text rules (tests/text/cases/<CODE>.toml) against the text checker."""

from __future__ import annotations

import pytest
from textcases import TextCase, all_cases, case_files

from juesuan.findings import Severity
from juesuan.rules import RULES
from juesuan.text.codes import TEXT_RULES

TEXT_CODES = sorted(code for code, *_ in TEXT_RULES)


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.id)
def test_case(case: TextCase) -> None:
    result = case.run()
    mine = sorted(
        (f for f in result.findings if f.code == case.code), key=lambda f: f.text_offset or 0
    )
    shown = [(f.severity.value, f.message) for f in mine]
    if case.kind == "pass":
        assert mine == [], shown
        return
    expect = case.raw["expect"]
    assert len(mine) == len(expect), shown
    for fragment, f in zip(expect, mine, strict=True):
        assert fragment in (f.text_quote or ""), (fragment, f.text_quote)
        assert f.text_section and f.text_offset is not None and f.text_line
        # the offset points into the quoted sentence, and the line is the offset's line
        text = case.text()
        window = text[f.text_offset : f.text_offset + 4].replace("\n", "").strip()
        assert window and window in (f.text_quote or "").replace(" ", "") + (f.text_quote or "")
        assert f.text_line == text.count("\n", 0, f.text_offset) + 1
    severity = Severity(case.raw.get("severity", RULES[case.code].severity.value))
    assert {f.severity for f in mine} == {severity}


def test_every_text_code_has_fail_and_pass_cases() -> None:
    files = case_files()
    missing = [c for c in TEXT_CODES if c not in files]
    assert missing == [], "no case file for " + ", ".join(missing)
    thin = [c for c in TEXT_CODES if not (files[c][0] and files[c][1])]
    assert thin == [], thin
    assert set(files) <= set(TEXT_CODES)


def test_text_codes_are_registered_and_documented() -> None:
    from juesuan.rules.docs import all_docs

    for code in TEXT_CODES:
        assert code in RULES and code in all_docs()


def test_fingerprints_are_distinct_and_survive_edits_elsewhere() -> None:
    from textcases import read_text

    from juesuan.text.check import check_text
    from juesuan.text.source import Source

    text = read_text("standard_2023.txt").replace("团组0个", "团组2个")
    text = text.replace("公务接待费0.10万元。单位全年", "公务接待费0.15万元。单位全年")
    first = check_text(Source("a.txt", text, "txt")).findings
    prints = [f.fingerprint for f in first]
    assert len(prints) == len(set(prints))
    moved = check_text(Source("a.txt", "一段新增的开头文字。\n" + text, "txt")).findings
    assert [f.fingerprint for f in moved] == prints
    assert [f.text_offset for f in moved] != [f.text_offset for f in first]
