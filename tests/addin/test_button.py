"""The 校验 button, run unchanged on xlwings' remote engine with payloads of real sample files.

Each test reads what `main()` did from the recorded actions; re-runs work on the state the
first run left, replayed onto a copy of the file (what Excel would hold after the click).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from tests.addin.actions import Run, column, header_value, run
from tests.addin.remote import replay
from tests.conftest import SAMPLES

from juesuan.addin.live import RECORD_HEADERS
from juesuan.addin.marks import EXPLAINED_COLOR, MARK_COLORS
from juesuan.findings import Severity
from juesuan.validate import validate_path

RESULT = "校验结果"
ERROR, WARNING, NOTICE = (MARK_COLORS[s] for s in Severity)


def copy(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    dst = tmp_path / (as_name or name)
    shutil.copyfile(SAMPLES / name, dst)
    return dst


def after(first: Run, src: Path, tmp_path: Path, name: str = "after.xlsx") -> Path:
    """The workbook as Excel holds it after `first`: its actions replayed onto a copy."""
    dst = tmp_path / name
    replay(first.actions, src, dst)
    return dst


def edit(path: Path, sheet: str, cell: str, value: object) -> None:
    """The accountant types into the workbook (a test copy: openpyxl is fine here)."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def note_cell(path: Path, fingerprint: str) -> str:
    """The 说明 cell of the finding with `fingerprint` in the 校验结果 sheet of `path`."""
    ws = openpyxl.load_workbook(path)[RESULT]
    rows = list(ws.iter_rows())
    top = next(i for i, row in enumerate(rows) if any(c.value == "指纹" for c in row))
    heads = [c.value for c in rows[top]]
    fp_col, note_col = heads.index("指纹"), heads.index("说明")
    for row in rows[top + 1 :]:
        if row[fp_col].value == fingerprint:
            return str(row[note_col].coordinate)
    raise AssertionError(f"no row for {fingerprint}")


# ── one click ───────────────────────────────────────────────────────────────────────────────


def test_first_click_writes_the_sheet_links_fills_and_notes(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    report = validate_path(src)  # the CLI's result on the same file
    done = run(src)

    added = done.of("addSheet")
    assert [d.args[1] for d in added] == [RESULT]
    assert added[0].args[0] == len(done.names)  # appended after the last sheet
    values = done.sheet_values(RESULT)
    assert values[0][0] == "部门决算校验结果"
    assert header_value(values, "错误") == 1
    assert header_value(values, "提示") == 2
    assert header_value(values, "结论") == "未通过"
    assert column(values, "规则")[:3] == ["SM122", "SM103", "SM104"]
    assert column(values, "指纹")[:3] == [f.fingerprint for f in report.sorted_findings()]
    assert column(values, "单元格")[0] == '=HYPERLINK("#\'支出决算表\'!E6","支出决算表!E6")'
    for link, f in zip(column(values, "单元格"), report.sorted_findings(), strict=False):
        assert link == f'=HYPERLINK("#\'{f.sheet}\'!{f.cell}","{f.sheet}!{f.cell}")'
    # fills and notes on exactly the offending cells, by severity
    data = {k: v for k, v in done.fills().items() if k[0] != RESULT}
    assert data == {  # one wrong cell, E6: C6 only disagrees because of it (root cause)
        ("支出决算表", "E6"): ERROR,
        ("收入支出决算总表", "B17"): NOTICE,
        ("收入支出决算总表", "D17"): NOTICE,
    }
    notes = done.notes()
    assert set(notes) == set(data)
    note = notes[("支出决算表", "E6")]
    assert "SM122" in note and "184.48" in note
    assert "SM121" in note and "573.85" in note  # the message names the other check it breaks
    # the sheet is added before any cell is marked: a protected workbook fails with nothing changed
    first_fill = next(i for i, d in enumerate(done.done) if d.func == "setRangeColor")
    assert done.done.index(added[0]) < first_fill
    # the sheet is shown and the user told the counts
    assert done.of("activateSheet")[-1].sheet == RESULT
    assert done.alerts == [
        "发现 1 个错误、0 个警告、2 个提示。\n有问题的单元格已标色并加批注，逐条说明见「校验结果」工作表。"
    ]


def test_the_add_in_finds_what_the_cli_finds_on_every_sample(tmp_path: Path) -> None:
    for name in sorted(p.name for p in SAMPLES.glob("*.xlsx")):
        if name.startswith("defect_09"):
            continue  # formulas without values: Excel computes them, a file reader cannot
        src = copy(name, tmp_path)
        done = run(src)
        values = done.sheet_values(RESULT)
        expected = [f.fingerprint for f in validate_path(src).sorted_findings()]
        assert [v for v in column(values, "指纹") if v] == expected, name


def test_a_clean_workbook_says_no_problems(tmp_path: Path) -> None:
    src = copy("sample_2023.xlsx", tmp_path, "clean.xlsx")
    edit(src, "收入支出决算总表", "B17", 580.94)  # the seed text's own rounding, made exact
    edit(src, "收入支出决算总表", "D17", 580.94)
    done = run(src)
    values = done.sheet_values(RESULT)
    assert column(values, "问题说明")[0] == "未发现问题"
    assert header_value(values, "结论") == "通过"
    assert not [k for k in done.fills() if k[0] != RESULT]
    assert not done.notes()
    assert done.alerts == ["未发现问题。\n结果见「校验结果」工作表。"]


def test_no_tables_changes_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "购物清单.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["品名", "数量"])
    ws.append(["苹果", 3])
    wb.save(path)
    done = run(path)
    assert [d.func for d in done.done] == ["alert"]  # nothing written, nothing marked
    assert "没有找到任何一张部门决算公开表" in done.alerts[0]
    assert "工作簿没有任何改动" in done.alerts[0]


def test_an_accountants_own_note_is_left_alone(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)

    def own_note(data: dict[str, object]) -> None:
        sheets = data["sheets"]
        assert isinstance(sheets, list)
        sheet = next(s for s in sheets if s["name"] == "支出决算表")
        sheet["notes"].append({"address": "$E$6"})

    done = run(src, edit=own_note)
    assert ("支出决算表", "E6") not in done.notes()
    assert ("支出决算表", "E6") not in done.deleted_notes()
    assert done.fills()[("支出决算表", "E6")] == ERROR  # still marked
    values = done.sheet_values(RESULT)
    marks = dict(
        zip(column(values, RECORD_HEADERS[1]), column(values, RECORD_HEADERS[3]), strict=True)
    )
    assert marks["E6"] == "'0" and marks["B17"] == "'1"  # the note on E6 is not ours


def test_a_python_error_becomes_a_short_message_with_the_log_file(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)

    def broken(data: dict[str, object]) -> None:
        sheets = data["sheets"]
        assert isinstance(sheets, list)
        sheets[2]["values"] = None  # a client sending nonsense: the engine fails inside main()

    done = run(src, edit=broken)
    [message] = done.alerts
    assert message.startswith("校验没有完成：")
    log = tmp_path / "logs" / "addin.log"
    assert str(log) in message
    assert "Traceback" not in message
    assert "Traceback" in log.read_text(encoding="utf-8")


# ── clicking again ──────────────────────────────────────────────────────────────────────────


def test_second_click_replaces_the_sheet_and_keeps_the_marks_current(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    first = run(src)
    state = after(first, src, tmp_path)
    edit(state, "支出决算表", "E6", 184.48)  # the accountant fixes the 项目支出 total

    second = run(state)
    deleted = second.of("sheetDelete")
    assert [d.sheet for d in deleted] == [RESULT]
    assert [d.args[1] for d in second.of("addSheet")] == [RESULT]
    fills = second.fills()
    # the error is gone: its cell gets its fill back (unknown to this engine: none)
    assert fills[("支出决算表", "E6")] is None
    assert ("支出决算表", "E6") in second.deleted_notes()
    assert ("支出决算表", "C6") not in fills  # never marked, never touched
    # the notices stay marked, with fresh notes
    assert fills[("收入支出决算总表", "B17")] == NOTICE
    assert ("收入支出决算总表", "B17") in second.notes()
    values = second.sheet_values(RESULT)
    assert header_value(values, "错误") == 0
    assert header_value(values, "结论") == "通过"
    assert column(values, RECORD_HEADERS[1])[:2] == ["B17", "D17"]

    # the third state, replayed: no juesuan mark left on E6
    final = after(second, state, tmp_path, "final.xlsx")
    ws = openpyxl.load_workbook(final)["支出决算表"]
    assert ws["E6"].fill.fill_type is None
    assert ws["E6"].comment is None
    assert openpyxl.load_workbook(final).sheetnames.count(RESULT) == 1


def test_second_click_gives_back_a_recorded_original_fill(tmp_path: Path) -> None:
    """Desktop Excel can read fills: a run there records the cell's own colour. The restore
    path reads that record from the sheet's values, which the remote engine can do."""
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    first = run(src)
    state = after(first, src, tmp_path)
    wb = openpyxl.load_workbook(state)
    ws = wb[RESULT]
    row = next(r for r in ws.iter_rows() if any(c.value == "E6" for c in r))
    fill_col = next(c.column for r in ws.iter_rows() for c in r if c.value == RECORD_HEADERS[2])
    ws.cell(row=row[0].row, column=fill_col).value = "#FFFF00"  # the accountant's yellow
    wb["支出决算表"]["E6"] = 184.48
    wb.save(state)

    second = run(state)
    assert second.fills()[("支出决算表", "E6")] == "#FFFF00"
    assert second.fills()[("收入支出决算总表", "B17")] == NOTICE


def test_explanations_survive_a_rerun_by_fingerprint(tmp_path: Path) -> None:
    src = copy("defect_05_code_name_mismatch.xlsx", tmp_path)
    first = run(src)
    assert first.fills()[("支出决算表", "B10")] == WARNING
    state = after(first, src, tmp_path)
    findings = {f.code: f for f in validate_path(src).findings}
    edit(state, RESULT, note_cell(state, findings["CD103"].fingerprint), "科目名称按财政部口径")
    edit(state, RESULT, note_cell(state, findings["SM103"].fingerprint), "原文尾差")

    second = run(state)
    values = second.sheet_values(RESULT)
    notes = dict(zip(column(values, "指纹"), column(values, "说明"), strict=True))
    assert notes[findings["CD103"].fingerprint] == "科目名称按财政部口径"
    assert notes[findings["SM103"].fingerprint] == "原文尾差"
    levels = dict(zip(column(values, "指纹"), column(values, "级别"), strict=True))
    assert levels[findings["CD103"].fingerprint] == "已说明"  # an explained warning
    assert levels[findings["SM103"].fingerprint] == "提示"
    assert header_value(values, "警告") == 0
    assert header_value(values, "已说明的警告") == 1
    assert second.alerts[0].startswith("发现 0 个错误、0 个警告、2 个提示（另有 1 个警告已说明）")
    assert second.fills()[("支出决算表", "B10")] == EXPLAINED_COLOR


def test_an_explained_error_stays_an_error(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    first = run(src)
    state = after(first, src, tmp_path)
    fp = next(f.fingerprint for f in validate_path(src).findings if f.code == "SM122")
    edit(state, RESULT, note_cell(state, fp), "上级要求如此填列")

    second = run(state)
    values = second.sheet_values(RESULT)
    row = column(values, "指纹").index(fp)
    assert column(values, "说明")[row] == "上级要求如此填列"
    assert column(values, "级别")[row] == "错误"
    assert header_value(values, "错误") == 1
    assert second.fills()[("支出决算表", "E6")] == ERROR


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("2023-12-31", "'2023-12-31"),
        ("0012", "'0012"),
        ("1e5", "'1e5"),
        ("'引号开头", "''引号开头"),
        ("已与上级核对", "已与上级核对"),  # ordinary text goes as it is
    ],
)
def test_text_that_excel_would_convert_is_written_as_text(
    tmp_path: Path, text: str, written: str
) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    first = run(src)
    state = after(first, src, tmp_path)
    fp = next(f.fingerprint for f in validate_path(src).findings if f.code == "SM122")
    edit(state, RESULT, note_cell(state, fp), text)
    wb = openpyxl.load_workbook(state)
    wb[RESULT][note_cell(state, fp)].data_type = "s"  # typed as text, as Excel keeps it
    wb.save(state)

    values = run(state).sheet_values(RESULT)
    row = column(values, "指纹").index(fp)
    assert column(values, "说明")[row] == written


def test_a_copy_annotated_by_the_cli_is_cleaned_up_by_the_button(tmp_path: Path) -> None:
    """The accountant opens the CLI's annotated copy in Excel, fixes it and clicks 校验."""
    from juesuan.io.annotate import write_annotated_copy

    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    annotated = tmp_path / "校验副本.xlsx"
    write_annotated_copy(src, annotated, validate_path(src))
    edit(annotated, "支出决算表", "E6", 184.48)

    done = run(annotated)
    assert [d.sheet for d in done.of("sheetDelete")] == [RESULT]
    fills = done.fills()
    assert fills[("支出决算表", "E6")] is None  # the CLI recorded "no fill"
    assert fills[("收入支出决算总表", "B17")] == NOTICE
    assert not done.deleted_notes()  # the CLI adds no notes, so none is removed


def test_fill_colours_recorded_by_the_cli_are_understood() -> None:
    from juesuan.addin.live import NO_FILL, UNKNOWN_FILL, _fill_colour

    solid = '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/><bgColor indexed="64"/></patternFill></fill>'
    assert _fill_colour(solid) == "#FFFF00"
    assert _fill_colour('<fill><patternFill patternType="none"/></fill>') == NO_FILL
    themed = '<fill><patternFill patternType="solid"><fgColor theme="4"/></patternFill></fill>'
    assert _fill_colour(themed) == UNKNOWN_FILL


def test_a_sheet_of_the_accountants_named_like_ours_is_left_alone(tmp_path: Path) -> None:
    src = copy("defect_01_wrong_total.xlsx", tmp_path)
    wb = openpyxl.load_workbook(src)
    wb.create_sheet(RESULT).append(["我自己的校验记录", "不是 juesuan 写的"])
    wb.save(src)

    first = run(src)
    assert not first.of("sheetDelete")
    assert [d.args[1] for d in first.of("addSheet")] == [f"{RESULT} (2)"]
    second = run(after(first, src, tmp_path))
    assert [d.sheet for d in second.of("sheetDelete")] == [f"{RESULT} (2)"]
    assert [d.args[1] for d in second.of("addSheet")] == [f"{RESULT} (2)"]


def test_a_cell_the_engine_refuses_is_counted_not_fatal(tmp_path: Path) -> None:
    """A client whose Excel cannot add notes on one sheet (Office.js before ExcelApi 1.18
    reports notes_supported=false): the engine raises there, the click still completes."""
    src = copy("defect_01_wrong_total.xlsx", tmp_path)

    def no_notes_on_t3(data: dict[str, object]) -> None:
        sheets = data["sheets"]
        assert isinstance(sheets, list)
        next(s for s in sheets if s["name"] == "支出决算表")["notes_supported"] = False

    done = run(src, edit=no_notes_on_t3)
    assert done.fills()[("支出决算表", "E6")] == ERROR
    assert set(done.notes()) == {("收入支出决算总表", "B17"), ("收入支出决算总表", "D17")}
    assert "另有 1 处未能标色或加批注" in done.alerts[0]
    values = done.sheet_values(RESULT)
    assert column(values, "规则")[0] == "SM122"  # still listed
    notes = dict(
        zip(column(values, RECORD_HEADERS[1]), column(values, RECORD_HEADERS[3]), strict=True)
    )
    assert notes["E6"] == "'0" and notes["B17"] == "'1"  # no note of ours to remove next time
