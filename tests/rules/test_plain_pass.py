"""The plain pass only saves work: a check instance that holds exactly (or is blank) is passed
over without resolving cells (identities.py `_holds_plainly`, hierarchy.py `_adds_up_plainly`).
Every rule case — each a planted defect or its correct twin — gives the same findings and the
same skipped checks as the full path, which the engine takes for every instance when it records
the cells it reads (`cells_used`)."""

from __future__ import annotations

import pytest
from rulecases import Case, all_cases, apply

from juesuan.validators.catalogue import CATALOGUES
from juesuan.validators.engine import _run


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
