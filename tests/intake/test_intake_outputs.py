"""The outputs of `juesuan intake`: the same whatever --jobs and argument order, annotated copies
a clerk can find, links that lead to them, duplicates and unit/year conflicts flagged, JUnit
and exit codes as documented."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from conftest import SAMPLES

from .helpers import by_file, hashes, intake, sheet_rows, submissions

UNIT = "乌鲁木齐市政务服务管理局"


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inbox")
    folder = root / "一批"
    folder.mkdir()
    for name in ("sample_2023.xlsx", "defect_01_wrong_total.xlsx", "defect_07_unit_yuan.xlsx"):
        shutil.copy(SAMPLES / name, folder / name)
    with zipfile.ZipFile(root / "补报.zip", "w") as z:
        z.write(SAMPLES / "defect_02_t1_t3_mismatch.xlsx", "二批/defect_02_t1_t3_mismatch.xlsx")
        z.write(SAMPLES / "sample_2023.xlsx", "二批/再次提交.xlsx")  # same content again
        z.writestr("二批/说明.txt", "见附件")
    return root


@pytest.fixture(scope="module")
def runs(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any, Any]:
    one = tmp_path_factory.mktemp("one") / "out"
    two = tmp_path_factory.mktemp("two") / "out"
    first = intake(inbox / "一批", inbox / "补报.zip", "--out", one, "--jobs", "1")
    second = intake(inbox / "补报.zip", inbox / "一批", "--out", two, "--jobs", "2")
    return one, two, first, second


def test_outputs_do_not_depend_on_jobs_or_argument_order(runs: tuple) -> None:  # type: ignore[type-arg]
    one, two, first, second = runs
    assert first.returncode == second.returncode == 1, first.stderr + second.stderr
    for name in ("results.jsonl", "findings.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    timeless = re.compile(r'\s(timestamp|time)="[^"]*"')
    junit = [timeless.sub("", (d / "junit.xml").read_text(encoding="utf-8")) for d in (one, two)]
    assert junit[0] == junit[1]
    rows = [sheet_rows(d / "汇总.xlsx", "提交情况")[3:] for d in (one, two)]  # below the time line
    assert rows[0] == rows[1]
    assert sorted(p.name for p in (one / "带注释副本").iterdir()) == sorted(
        p.name for p in (two / "带注释副本").iterdir()
    )


def test_results_are_in_key_order_with_the_contract_and_intake_keys(
    runs: tuple, inbox: Path
) -> None:  # type: ignore[type-arg]
    one = runs[0]
    reports = by_file(one)
    keys = list(reports)
    assert keys == sorted(keys) and len(keys) == 5
    zip_key = f"{inbox.as_posix()}/补报.zip/二批/再次提交.xlsx"
    again = reports[zip_key]
    assert again["unit_name"] == UNIT and again["summary"]["status"] == "pass"
    assert again["intake"]["duplicates"] == [f"{inbox.as_posix()}/一批/sample_2023.xlsx"]
    defect = reports[f"{inbox.as_posix()}/一批/defect_01_wrong_total.xlsx"]
    assert defect["summary"] == {"errors": 1, "warnings": 0, "notices": 2, "status": "fail"}
    # the same unit and year from files with different content: every other file but the twin
    assert len(defect["intake"]["same_unit_year"]) == 4
    assert (
        zip_key
        not in reports[f"{inbox.as_posix()}/一批/sample_2023.xlsx"]["intake"]["same_unit_year"]
    )
    csv = (one / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("file,status,code")
    assert sum(line.startswith(f"{inbox.as_posix()}/一批/defect_01") for line in csv) == 3


def test_annotated_copies_are_named_for_the_clerk_and_linked_from_the_summary(
    runs: tuple, inbox: Path
) -> None:  # type: ignore[type-arg]
    one = runs[0]
    names = sorted(p.name for p in (one / "带注释副本").iterdir())
    assert names == sorted(
        f"{UNIT}_{n}.校验.xlsx"
        for n in ("sample_2023", "defect_01_wrong_total", "defect_07_unit_yuan",
                  "defect_02_t1_t3_mismatch", "再次提交")
    )  # fmt: skip
    wb = openpyxl.load_workbook(one / "汇总.xlsx")
    ws = wb["提交情况"]
    head = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    assert [ws.cell(head, c).value for c in range(1, 12)] == [
        "序号", "文件", "单位名称", "年度", "结论", "错误", "警告", "提示", "主要问题（前三条）",
        "带注释副本", "重复 / 冲突",
    ]  # fmt: skip
    assert ws.auto_filter.ref is not None
    for r in range(head + 1, head + 6):
        link = ws.cell(r, 10).hyperlink
        assert link is not None
        copy = one / link.target.replace("\\", "/")  # xlsxwriter writes Windows separators
        assert copy.is_file(), link.target
        copy_book = openpyxl.load_workbook(copy, read_only=True)
        assert "校验结果" in copy_book.sheetnames
        copy_book.close()
    rows = submissions(one)
    defect = rows[f"{inbox.as_posix()}/一批/defect_01_wrong_total.xlsx"]
    assert defect[4] == "未通过" and (defect[5], defect[6], defect[7]) == (1, 0, 2)
    assert defect[8].startswith("1. [支出决算表!E6] 支出决算表 合计行「项目支出」184.58")
    twin = rows[f"{inbox.as_posix()}/补报.zip/二批/再次提交.xlsx"]
    assert "内容完全相同" in twin[10] and "一批/sample_2023.xlsx" in twin[10]
    assert "同一单位、年度另有文件" in twin[10]


def test_all_findings_and_counts_sheets(runs: tuple) -> None:  # type: ignore[type-arg]
    one = runs[0]
    wb = openpyxl.load_workbook(one / "汇总.xlsx")
    assert wb.sheetnames == ["提交情况", "全部问题", "统计", "未处理的文件"]
    findings = wb["全部问题"]
    assert findings.auto_filter.ref is not None
    body = [[c.value for c in row] for row in findings.iter_rows(min_row=2)]
    total = sum(len(r["findings"]) for r in by_file(one).values())
    assert len(body) == total
    sm122 = next(r for r in body if r[4] == "SM122")
    assert (sm122[3], sm122[8], sm122[10], sm122[11]) == ("错误", "E6", 184.58, 184.48)
    cell_link = findings.cell(2 + body.index(sm122), 9).hyperlink
    assert cell_link is not None and cell_link.location == "'支出决算表'!E6"
    counts = sheet_rows(one / "汇总.xlsx", "统计")
    by_rule = {r[0]: r for r in counts[2:] if r[0] and re.fullmatch(r"[A-Z]{2}\d{3}", r[0])}
    assert by_rule["SM103"][3] == 5 and by_rule["SM103"][4] == 5  # every file: the rounding notice
    assert by_rule["SM122"][3:5] == [1, 1]
    unit_row = next(r for r in counts if r[0] == UNIT)
    assert unit_row[1:4] == [5, 2, 0]  # files, failed, unreadable


def test_junit_has_one_case_per_submission(runs: tuple, inbox: Path) -> None:  # type: ignore[type-arg]
    root = ET.parse(runs[0] / "junit.xml").getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 5 and root.get("failures") == "2" and root.get("errors") == "0"
    failed = {c.get("name"): c.find("failure") for c in cases}
    failure = failed[f"{inbox.as_posix()}/一批/defect_01_wrong_total.xlsx"]
    assert failure is not None and failure.get("type") == "SM122"
    assert failure.text is not None and "支出决算表!E6" in failure.text
    assert failed[f"{inbox.as_posix()}/一批/sample_2023.xlsx"] is None


def test_all_passing_batch_exits_0_and_originals_stay(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "sample_2023.xlsx", inbox / "a.xlsx")
    before = hashes(inbox)
    result = intake(inbox, "--out", tmp_path / "out", "--jobs", "1", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "1 submission(s): 1 passed" in result.stdout
    assert hashes(inbox) == before
    assert (tmp_path / "out" / "annotated").is_dir()
    assert openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx").sheetnames[0] == "Submissions"


def test_the_largest_files_are_handed_out_first_and_the_outputs_stay_in_key_order(
    tmp_path: Path,
) -> None:
    """A large workbook taken last would keep one worker busy after the others are done."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    sizes = {}
    for name, sample in (
        ("a.xlsx", "sample_2023.xlsx"),
        ("m.xlsx", "defect_06_missing_table.xlsx"),
        ("z.xlsx", "defect_09_formulas_without_values.xlsx"),
    ):
        shutil.copy(SAMPLES / sample, inbox / name)
        sizes[name] = (inbox / name).stat().st_size
    result = intake(inbox, "--out", tmp_path / "out", "--jobs", "1")
    done = [line.split()[2] for line in result.stderr.splitlines() if line.startswith("[")]
    assert [Path(f).name for f in done] == sorted(sizes, key=lambda n: -sizes[n])
    assert [r["file"] for r in by_file(tmp_path / "out").values()] == sorted(
        f"{inbox.as_posix()}/{n}" for n in sizes
    )


def test_a_zip_of_district_zips_is_checked_unit_by_unit(tmp_path: Path) -> None:
    """One level of nesting: each unit's workbook gets its row, its result and its copy."""
    district = tmp_path / "区县.zip"
    with zipfile.ZipFile(district, "w") as z:
        z.write(SAMPLES / "sample_2023.xlsx", "甲单位.xlsx")
        z.write(SAMPLES / "defect_01_wrong_total.xlsx", "乙单位.xlsx")
    with zipfile.ZipFile(tmp_path / "全市.zip", "w") as z:
        z.write(district, "区县.zip")
    out = tmp_path / "out"
    result = intake(tmp_path / "全市.zip", "--out", out, "--jobs", "2")
    assert result.returncode == 1, result.stderr
    key = f"{tmp_path.as_posix()}/全市.zip/区县.zip"
    reports = by_file(out)
    assert list(reports) == [f"{key}/乙单位.xlsx", f"{key}/甲单位.xlsx"]
    assert reports[f"{key}/甲单位.xlsx"]["summary"]["status"] == "pass"
    assert reports[f"{key}/乙单位.xlsx"]["summary"]["status"] == "fail"
    for report in reports.values():
        assert (out / report["intake"]["annotated_copy"]).is_file()
    assert submissions(out)[f"{key}/甲单位.xlsx"][4] == "通过"


def test_non_empty_output_folder_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("keep", encoding="utf-8")
    result = intake(SAMPLES / "sample_2023.xlsx", "--out", out)
    assert result.returncode == 2 and "--force" in result.stderr
    assert "Traceback" not in result.stderr and [p.name for p in out.iterdir()] == ["keep.txt"]
    result = intake(SAMPLES / "sample_2023.xlsx", "--out", out, "--force", "--jobs", "1")
    assert result.returncode == 0 and (out / "汇总.xlsx").is_file()


def test_nothing_to_check_exits_2(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.pdf").write_bytes(b"%PDF")
    result = intake(tmp_path / "in", "--out", tmp_path / "out")
    assert result.returncode == 2 and "没有找到任何工作簿" in result.stderr


def test_help_documents_the_exit_codes() -> None:
    text = intake("--help").stdout
    assert "0  全部通过" in text and "1  有报送未通过" in text and "2  有文件无法读取" in text
    assert "--jobs" in text and "--timeout" in text and "--max-unpacked" in text


def test_workers_that_cannot_start_give_one_line(tmp_path: Path) -> None:
    """A memory cap too small to import the reader: one line naming the cause, exit 2."""
    result = intake(SAMPLES / "sample_2023.xlsx", "--out", tmp_path / "out", "--max-memory", "50")
    assert result.returncode == 2
    assert "工作进程无法启动" in result.stderr and "--max-memory" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_same_unit_and_file_name_in_two_folders_get_two_copies_in_key_order(tmp_path: Path) -> None:
    for folder, sample in (("b", "defect_01_wrong_total.xlsx"), ("a", "sample_2023.xlsx")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(SAMPLES / sample, tmp_path / "in" / folder / "决算.xlsx")
    out = tmp_path / "out"
    result = intake(tmp_path / "in", "--out", out, "--jobs", "2")
    assert result.returncode == 1, result.stderr
    copies = {
        r["file"].rsplit("/", 2)[1]: r["intake"]["annotated_copy"] for r in by_file(out).values()
    }
    assert copies == {
        "a": f"带注释副本/{UNIT}_决算.校验.xlsx",
        "b": f"带注释副本/{UNIT}_决算 (2).校验.xlsx",
    }
    assert all((out / c).is_file() for c in copies.values())
    b_copy = openpyxl.load_workbook(out / copies["b"], read_only=True)
    assert "校验结果" in b_copy.sheetnames and "收入支出决算总表" in b_copy.sheetnames
    b_copy.close()


def test_the_declared_unpacked_size_limit_is_configurable(tmp_path: Path) -> None:
    big = tmp_path / "in" / "带图片.xlsx"
    big.parent.mkdir()
    shutil.copy(SAMPLES / "sample_2023.xlsx", big)
    with zipfile.ZipFile(big, "a") as z:  # 2 MB that does not compress, like a photo
        z.writestr("xl/media/image1.bin", os.urandom(2 << 20))
    strict = intake(big, "--out", tmp_path / "strict", "--max-unpacked", "1", "--jobs", "1")
    assert strict.returncode == 2
    [report] = by_file(tmp_path / "strict").values()
    assert (
        report["findings"][0]["code"] == "IN104"
        and "上限 1.0 MB" in report["findings"][0]["message"]
    )
    default = intake(big, "--out", tmp_path / "default", "--jobs", "1")
    assert default.returncode == 0, default.stderr


BUREAU_RULE = """
[[rule]]
code = "LC901"
name = "reception-within-a-fifth-percent"
severity = "error"
summary = "公务接待费不超过公用经费合计的 0.2%"
check = "T6[30217] <= 0.2% × T6[public.total]"
"""


def test_bureau_rules_run_in_the_workers_and_reach_every_output(tmp_path: Path) -> None:
    rules = tmp_path / "本地规则.toml"
    rules.write_text(BUREAU_RULE, encoding="utf-8")
    out = tmp_path / "out"
    result = intake(SAMPLES / "sample_2023.xlsx", "--out", out, "--jobs", "2", "--rules", rules)
    assert result.returncode == 1, result.stderr
    [report] = by_file(out).values()
    lc = [f for f in report["findings"] if f["code"] == "LC901"]
    assert len(lc) == 1 and lc[0]["cell"] == "F22" and lc[0]["severity"] == "error"
    assert "LC901" in (out / "findings.csv").read_text(encoding="utf-8-sig")
    counts = sheet_rows(out / "汇总.xlsx", "统计")
    assert ["LC901", "reception-within-a-fifth-percent", "错误", 1, 1] in [r[:5] for r in counts]
    broken = tmp_path / "坏规则.toml"
    broken.write_text(BUREAU_RULE.replace("T6[30217]", "T6[no_such_row]"), encoding="utf-8")
    result = intake(SAMPLES / "sample_2023.xlsx", "--out", tmp_path / "o2", "--rules", broken)
    assert result.returncode == 2 and "坏规则.toml" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "o2").exists()
