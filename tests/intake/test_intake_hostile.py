"""One batch of everything a bureau may receive: good workbooks, a corrupt file, an encrypted
workbook, a text file named .xlsx, a zip bomb, an XML entity-expansion file, a sheet declaring a
million rows, and files on which the worker crashes, hangs or runs out of memory (a test-only
fault hook). Each bad file becomes one row with a clear reason; the batch carries on; nothing
given is modified."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import SAMPLES
from hostile import encrypted_ooxml, zip_bomb

from .helpers import by_file, hashes, intake, sha, submissions

SHEET1 = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet1(dst: Path, sheet_xml: str) -> Path:
    """The clean sample with its first worksheet replaced by `sheet_xml`."""
    with (
        zipfile.ZipFile(SAMPLES / "sample_2023.xlsx") as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = sheet_xml.encode() if info.filename == SHEET1 else zin.read(info)
            zout.writestr(info.filename, data)
    return dst


def billion_laughs(dst: Path) -> Path:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    return with_sheet1(
        dst,
        f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>",
    )


def million_rows(dst: Path) -> Path:
    return with_sheet1(
        dst,
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/>'
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object, dict[str, str]]:
    inbox = tmp_path_factory.mktemp("inbox")
    out = tmp_path_factory.mktemp("run") / "out"
    good = inbox / "good"
    good.mkdir()
    shutil.copy(SAMPLES / "sample_2023.xlsx", good / "干净.xlsx")
    shutil.copy(SAMPLES / "defect_01_wrong_total.xlsx", good / "合计错误.xlsx")
    bad = inbox / "bad"
    bad.mkdir()
    truncated = (SAMPLES / "sample_2023.xlsx").read_bytes()
    (bad / "损坏.xlsx").write_bytes(truncated[: len(truncated) // 2])
    (bad / "加密.xlsx").write_bytes(encrypted_ooxml())
    (bad / "其实是文本.xlsx").write_text("单位名称,金额\n某单位,100\n", encoding="utf-8")
    zip_bomb(SAMPLES / "sample_2023.xlsx", bad / "压缩炸弹.xlsx")
    billion_laughs(bad / "实体膨胀.xlsx")
    million_rows(bad / "百万行.xlsx")
    for name in ("崩溃.xlsx", "卡死.xlsx", "内存.xlsx"):
        shutil.copy(SAMPLES / "sample_2023.xlsx", bad / name)
    (inbox / "说明.docx").write_bytes(b"PK\x03\x04 not really")
    before = hashes(inbox)
    result = intake(
        inbox,
        "--out",
        out,
        "--jobs",
        "2",
        "--timeout",
        "8",
        "--max-memory",
        "700",
        env={"JUESUAN_INTAKE_TEST_FAULT": "crash:崩溃.xlsx;hang:卡死.xlsx;memory:内存.xlsx"},
    )
    return inbox, out, result, before


EXPECTED = {
    "bad/损坏.xlsx": ("IN102", "损坏"),
    "bad/加密.xlsx": ("IN103", "密码"),
    "bad/其实是文本.xlsx": ("IN101", "不是电子表格"),
    "bad/压缩炸弹.xlsx": ("IN104", "压缩炸弹"),
    "bad/实体膨胀.xlsx": ("IN105", "DOCTYPE"),
    "bad/百万行.xlsx": ("IN109", "1048576 行"),
    "bad/崩溃.xlsx": ("IN111", "异常退出"),
    "bad/卡死.xlsx": ("IN110", "8 秒"),
    "bad/内存.xlsx": ("IN104", "内存"),
}


def test_every_bad_file_is_one_unreadable_row_with_its_reason(batch: tuple) -> None:  # type: ignore[type-arg]
    inbox, out, result, _ = batch
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    reports = by_file(out)
    prefix = inbox.as_posix().rstrip("/") + "/"
    for rel, (code, words) in EXPECTED.items():
        report = reports[prefix + rel]
        assert report["summary"]["status"] == "unreadable", rel
        assert [f["code"] for f in report["findings"]] == [code], rel
        assert words in report["findings"][0]["message"], (rel, report["findings"][0]["message"])
        assert report["intake"]["annotated_copy"] is None


def test_good_files_are_checked_whatever_crashed_around_them(batch: tuple) -> None:  # type: ignore[type-arg]
    inbox, out, _, _ = batch
    reports = by_file(out)
    prefix = inbox.as_posix().rstrip("/") + "/"
    clean, defect = reports[prefix + "good/干净.xlsx"], reports[prefix + "good/合计错误.xlsx"]
    assert clean["summary"]["status"] == "pass" and clean["unit_name"] == "乌鲁木齐市政务服务管理局"
    assert defect["summary"]["status"] == "fail"
    assert {f["code"] for f in defect["findings"] if f["severity"] == "error"} == {
        "SM122"
    }  # SM121 folded into it
    assert (out / clean["intake"]["annotated_copy"]).is_file()
    assert len(reports) == len(EXPECTED) + 2


def test_files_that_cost_their_worker_are_still_flagged_as_duplicates(batch: tuple) -> None:  # type: ignore[type-arg]
    inbox, out, _, _ = batch
    reports = by_file(out)
    prefix = inbox.as_posix().rstrip("/") + "/"
    lost = [prefix + f"bad/{name}.xlsx" for name in ("内存", "卡死", "崩溃")]  # sample copies
    clean = reports[prefix + "good/干净.xlsx"]["intake"]
    assert clean["sha256"] == sha(SAMPLES / "sample_2023.xlsx")
    assert clean["duplicates"] == sorted(lost)
    for key in lost:
        assert reports[key]["intake"]["sha256"] == clean["sha256"]
        assert prefix + "good/干净.xlsx" in reports[key]["intake"]["duplicates"]


def test_the_summary_gives_each_bad_file_a_row_and_lists_the_other_file(batch: tuple) -> None:  # type: ignore[type-arg]
    inbox, out, _, _ = batch
    rows = submissions(out)
    prefix = inbox.as_posix().rstrip("/") + "/"
    for rel, (_code, words) in EXPECTED.items():
        row = rows[prefix + rel]
        assert row[4] == "无法读取"
        assert words in row[8]
    assert rows[prefix + "good/干净.xlsx"][4] == "通过"
    assert rows[prefix + "good/合计错误.xlsx"][4] == "未通过"
    from .helpers import sheet_rows

    ignored = sheet_rows(out / "汇总.xlsx", "未处理的文件")
    assert [r[0] for r in ignored[1:]] == [prefix + "说明.docx"]
    assert ".docx" in ignored[1][1]


def test_originals_are_untouched(batch: tuple) -> None:  # type: ignore[type-arg]
    inbox, _, _, before = batch
    assert hashes(inbox) == before


def test_progress_is_plain_lines_without_a_terminal(batch: tuple) -> None:  # type: ignore[type-arg]
    _, _, result, _ = batch
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == len(EXPECTED) + 2
    assert lines[-1].startswith(f"[{len(EXPECTED) + 2}/{len(EXPECTED) + 2}]")
    assert any("无法读取" in line and "卡死.xlsx" in line for line in lines)
    assert "通过 1，未通过 1，无法读取 9" in result.stdout
