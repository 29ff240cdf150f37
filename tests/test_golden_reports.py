"""Golden JSON reports of every sample workbook: any change in findings, cells, values or
messages shows up here and must be reviewed. Regenerate with JUESUAN_UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import SAMPLES
from juesuan.validate import validate_path

GOLDEN = Path(__file__).parent / "golden"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.xlsx"))


def _report(name: str) -> dict[str, object]:
    report = validate_path(SAMPLES / name).to_json()
    report["file"] = name  # independent of where the checkout lives
    report.pop("juesuan")
    return report


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_golden_report(name: str) -> None:
    golden = GOLDEN / f"{Path(name).stem}.json"
    report = _report(name)
    if os.environ.get("JUESUAN_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert golden.exists(), f"no golden report for {name}: run with JUESUAN_UPDATE_GOLDEN=1"
    assert report == json.loads(golden.read_text("utf-8"))


def test_every_golden_file_has_a_sample() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(
        Path(n).stem for n in SAMPLE_FILES
    )


# What sample_workbooks/README.md promises: the errors (code, cell) each file must give and
# no other error. T1.3/T1.4 rounding notices are in every file (the seed's own 0.01).
PROMISED_ERRORS = {
    "sample_2023.xlsx": [],
    # one wrong cell (E6), one finding: the row sum it breaks (SM121 at C6) is inside it
    "defect_01_wrong_total.xlsx": [("SM122", "E6")],
    "defect_02_t1_t3_mismatch.xlsx": [("XT203", "D14"), ("XT204", "D8")],
    "defect_03_t5_t6_basic_mismatch.xlsx": [("XT212", "D6")],
    "defect_04_sangong_total.xlsx": [("SM171", "G7")],
    "defect_05_code_name_mismatch.xlsx": [],
    "defect_06_missing_table.xlsx": [("ST101", None)],
    "defect_07_unit_yuan.xlsx": [],
    "defect_08_amount_as_text.xlsx": [],
    "defect_09_formulas_without_values.xlsx": [("ST110", "C6")],
}


@pytest.mark.parametrize("name", sorted(PROMISED_ERRORS))
def test_promised_errors_and_no_others(name: str) -> None:
    report = validate_path(SAMPLES / name)
    errors = [(f.code, f.cell) for f in report.sorted_findings() if f.severity == "error"]
    assert errors == PROMISED_ERRORS[name]
    inside = [(a.code, a.cell) for f in report.findings for a in f.also]
    assert inside == ([("SM121", "C6")] if name.startswith("defect_01") else [])
    notices = [(f.code, f.cell) for f in report.findings if f.severity == "notice"]
    assert notices == [("SM103", "B17"), ("SM104", "D17")]
