"""The plain pass only saves work: a check instance that holds exactly (or is blank) is passed
over without resolving cells (identities.py `_not_plainly` for checks on the current row,
`_holds_once` for checks of fixed rows and sums; hierarchy.py `_not_plainly` for 类/款/项 families).
Every rule case — each a planted defect or its correct twin — gives the same findings and the
same skipped checks as the full path, which the engine takes for every instance when it records
the cells it reads (`cells_used`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rulecases import Case, all_cases, apply

from juesuan.read import read_workbook
from juesuan.validators.catalogue import CATALOGUES
from juesuan.validators.engine import _run
from juesuan.validators.evaluate import Context
from juesuan.validators.rulebook import RuleInfo

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "sample_2023.xlsx"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in all_cases()])
def test_same_findings_as_the_full_path(case: Case) -> None:
    wb = apply(case)
    plain, plain_skipped = _run(wb, CATALOGUES, group=True)
    full, full_skipped = _run(wb, CATALOGUES, used=set(), group=True)
    assert [f.to_json() for f in plain] == [f.to_json() for f in full]
    assert plain_skipped == full_skipped


def test_every_fail_case_has_findings_to_compare() -> None:
    # the comparison above means something only if the defects do give findings
    fails = [c for c in all_cases() if c.kind == "fail" and not c.xfail]
    assert fails
    assert all(_run(apply(c), CATALOGUES)[0] for c in fails)


def test_the_plain_pass_decides_the_clean_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    # the comparison above tells something only if the plain pass does pass instances over: on
    # the clean sample nearly every instance the full path judges is decided without it
    judged: list[str] = []
    judge = Context.judge

    def counted(self: Context, info: RuleInfo, *args: Any, **kwargs: Any) -> None:
        judged.append(info.code)
        judge(self, info, *args, **kwargs)

    monkeypatch.setattr(Context, "judge", counted)
    wb = read_workbook(SAMPLE)
    _run(wb, CATALOGUES, used=set())
    full = list(judged)
    judged.clear()
    _run(wb, CATALOGUES)
    assert len(full) > 150
    assert len(judged) * 20 < len(full)
    # each kind of plain pass takes part: checks on the current row, on fixed cells and sums,
    # and the 类/款/项 families
    assert {"SM111", "SM101", "SM102", "SM112"} <= set(full) - set(judged)
