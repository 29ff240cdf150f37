"""Every unusable input gets one clear line (Chinese by default, English with --lang en),
exit code 2, and never a traceback. Runs the real command in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import juesuan
from hostile import encrypted_ooxml

run = juesuan


def _not_a_workbook(tmp: Path) -> Path:
    p = tmp / "决算.xlsx"
    p.write_text("这不是工作簿，只是一段文字。", encoding="utf-8")
    return p


def _truncated(tmp: Path) -> Path:
    good = tmp / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "收入支出决算总表"  # type: ignore[index]
    wb.save(good)
    data = good.read_bytes()
    p = tmp / "truncated.xlsx"
    p.write_bytes(data[: len(data) // 2])
    return p


def _encrypted(tmp: Path) -> Path:
    p = tmp / "encrypted.xlsx"
    p.write_bytes(encrypted_ooxml())
    return p


def _empty(tmp: Path) -> Path:
    p = tmp / "empty.xlsx"
    openpyxl.Workbook().save(p)
    return p


def _no_tables(tmp: Path) -> Path:
    p = tmp / "other.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "部门", "电话"])  # type: ignore[union-attr]
    ws.append(["张三", "办公室", "1234"])  # type: ignore[union-attr]
    wb.save(p)
    return p


def _missing(tmp: Path) -> Path:
    return tmp / "不存在.xlsx"


CASES = [
    (_not_a_workbook, "IN101", "不是", "not"),
    (_truncated, "IN102", "损坏", "damaged"),
    (_encrypted, "IN103", "密码", "password"),
    (_empty, "IN106", "空", "empty"),
    (_no_tables, "IN107", "没有找到", "none of the nine"),
    (_missing, "IN108", "不存在", "not"),
]


@pytest.mark.parametrize(("build", "code", "zh", "en"), CASES, ids=[c[1] for c in CASES])
def test_one_clear_line_exit_2(tmp_path: Path, build, code: str, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    path = build(tmp_path)
    before = path.read_bytes() if path.exists() else None
    result = run("validate", path)
    out = (result.stdout + result.stderr).strip()
    assert result.returncode == 2, out
    assert "Traceback" not in out
    assert len(out.splitlines()) == 1, out
    assert code in out and zh in out
    english = run("validate", path, "--lang", "en")
    eout = (english.stdout + english.stderr).strip()
    assert english.returncode == 2 and "Traceback" not in eout
    assert en.lower() in eout.lower(), eout
    if before is not None:
        assert path.read_bytes() == before  # the input is never touched


@pytest.mark.parametrize(
    ("build", "code"), [(c[0], c[1]) for c in CASES], ids=[c[1] for c in CASES]
)
def test_json_marks_the_file_unreadable(tmp_path: Path, build, code: str) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", build(tmp_path), "--format", "json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["summary"]["status"] == "unreadable"
    assert [f["code"] for f in report["findings"]] == [code]


def test_one_bad_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    bad = _not_a_workbook(tmp_path)
    result = run("validate", bad, _no_tables(tmp_path), "--format", "json")
    assert result.returncode == 2
    reports = json.loads(result.stdout)
    assert [r["findings"][0]["code"] for r in reports] == ["IN101", "IN107"]


def test_usage_error_exits_2() -> None:
    result = run("validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
