"""Every reader-family rule (IN, ST, CD, VA) against real files: one case file per rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from filecases import FILE_FAMILIES, FileCase, all_file_cases, file_case_files, write_case

from juesuan.findings import Severity
from juesuan.rules import RULES
from juesuan.validate import validate_path


@pytest.mark.parametrize("case", all_file_cases(), ids=lambda c: c.id)
def test_file_case(case: FileCase, tmp_path: Path) -> None:
    path = write_case(case, tmp_path)
    before = path.read_bytes() if path.exists() else None
    report = validate_path(path)
    mine = [f for f in report.findings if f.code == case.code]
    if case.kind == "pass":
        assert mine == [], [(f.cell, f.message) for f in mine]
        return
    assert case.expect, f"{case.id}: a fail case lists the cells it expects"
    got = sorted(f"{f.sheet}!{f.cell}" if f.cell else "-" for f in mine)
    assert got == sorted(case.expect), [(f.sheet, f.cell, f.message) for f in mine]
    severity = Severity(case.severity) if case.severity else RULES[case.code].severity
    assert {f.severity for f in mine} == {severity}
    assert all(f.message.strip() and f.message_en.strip() for f in mine)
    # reading never changes the file
    assert (path.read_bytes() if path.exists() else None) == before


# A worker's timeout (IN110) or death (IN111) exists only in `juesuan intake`, never in
# validate_path: tests/intake/test_intake_hostile.py makes both happen in a real batch.
INTAKE_ONLY = frozenset({"IN110", "IN111"})


def test_every_reader_code_has_fail_and_pass_cases() -> None:
    files = file_case_files()
    codes = sorted(c for c in RULES if c.startswith(FILE_FAMILIES) and c not in INTAKE_ONLY)
    missing = [c for c in codes if c not in files]
    assert missing == [], "no case file for " + ", ".join(missing)
    thin = [c for c in codes if not (files[c][0] and files[c][1])]
    assert thin == [], "need ≥1 [[fail]] and ≥1 [[pass]]: " + ", ".join(thin)
