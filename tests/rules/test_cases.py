"""Every rule case file (tests/rules/cases/<CODE>.toml) against the identity engine."""

from __future__ import annotations

import pytest
from rulecases import CODE_RE, IDENTITY_FAMILIES, Case, all_cases, apply, case_files

from juesuan.findings import Severity
from juesuan.rules import RULES
from juesuan.validators.catalogue import CATALOGUES, metadata
from juesuan.validators.engine import check_identities


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in all_cases()])
def test_case(case: Case) -> None:
    findings, _ = check_identities(apply(case))
    # a check one wrong cell breaks along with others is reported inside their one finding
    # (validators/rootcause.py): it still fires, at its own cell
    mine = [f for f in findings if f.code == case.code]
    inside = [(f, a) for f in findings for a in f.also if a.code == case.code]
    if case.kind == "pass":
        assert mine == [] and inside == [], [(f.cell, f.severity, f.message) for f in mine]
        return
    assert case.expect, f"{case.id}: a fail case lists the cells it expects"
    got = sorted([f"{f.sheet}!{f.cell}" for f in mine] + [f"{a.sheet}!{a.cell}" for _, a in inside])
    assert got == sorted(case.expect), [(f.cell, f.severity, f.message) for f in mine]
    mine += [f for f, _ in inside]
    severity = Severity(case.severity) if case.severity else RULES[case.code].severity
    assert {f.severity for f in mine} == {severity}


def test_clean_sample_is_the_baseline() -> None:
    # the only identity findings of the untouched sample: its printed 580.93 (rounding)
    findings, skipped = check_identities(apply(Case("SM000", "pass", 1, "", {}, (), (), (), None)))
    assert {(f.code, f.severity) for f in findings} <= {
        ("SM103", Severity.NOTICE),
        ("SM104", Severity.NOTICE),
    }
    assert skipped == []


def test_codes_are_well_formed_and_unique() -> None:
    catalogue = [code for name in CATALOGUES for code, *_ in metadata(name)]
    assert len(catalogue) == len(set(catalogue))
    for code in RULES:
        assert CODE_RE.match(code), code
    assert set(catalogue) <= set(RULES)  # every code the engine can emit is registered


def test_every_identity_code_has_fail_and_pass_cases() -> None:
    files = case_files()
    from juesuan.text.codes import TEXT_RULES

    # XT215 (X15) is emitted by the text checker: its cases are in tests/text/cases/
    by_text = {code for code, *_ in TEXT_RULES}
    identity = sorted(c for c in RULES if c.startswith(IDENTITY_FAMILIES) and c not in by_text)
    missing = [c for c in identity if c not in files]
    assert missing == [], "no case file for " + ", ".join(missing)
    thin = [c for c in identity if not (files[c][0] and files[c][1])]
    assert thin == [], "need ≥1 [[fail]] and ≥1 [[pass]]: " + ", ".join(thin)


def test_every_case_file_names_a_rule() -> None:
    for code in case_files():
        assert CODE_RE.match(code), code
        assert code in RULES, f"cases/{code}.toml names no rule"
