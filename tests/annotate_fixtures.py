"""Builders for the annotate tests: a workbook rich in parts openpyxl would drop, and a report.

The workbook is written with xlsxwriter, which can produce every feature the grafting writer must
leave alone: a hidden sheet, an image, embedded and sheet charts, a 2010 data bar, a list
validation fed from another sheet, global and sheet-local names, a formula with its cached value,
merged cells, number formats, a table, comments (VML), a sparkline, row and column formats.
"""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import xlsxwriter

from juesuan.findings import Finding, Related, Report, Severity

SUMMARY = "收入支出决算总表"
INCOME = "收入决算表"
EXPENSE = "支出决算表"
PARAMS = "参数"  # hidden
CHART = "图表"  # a chartsheet: counts in sheet indices but holds no cells
QUOTED = "期初's数"  # an apostrophe: links must quote and double it
NOTES = "附注"  # no finding: its part must come out byte-identical


def tiny_png(width: int = 24, height: int = 16) -> bytes:
    """A valid RGB PNG (a red-to-blue gradient), written by hand so the tests need no imaging lib."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes((255 - 10 * x, 40, 10 * x)) for x in range(width))
        for _ in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def build_rich_workbook(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    money = wb.add_format({"num_format": "#,##0.00", "border": 1, "font_name": "宋体"})
    # Differs from `money` only by its fill: restoring a mark must not guess between the two.
    input_cell = wb.add_format(
        {"num_format": "#,##0.00", "border": 1, "font_name": "宋体", "bg_color": "#FFFF99"}
    )
    pct = wb.add_format({"num_format": "0.00%", "italic": True})
    col_fmt = wb.add_format({"num_format": "0.0", "font_color": "#7030A0"})

    summary = wb.add_worksheet(SUMMARY)
    summary.merge_range("A1:D1", "收入支出决算总表", title)
    summary.write("A2", "单位：万元")
    summary.write_row("A3", ["项目", "决算数", "项目", "决算数"], bold)
    labels = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "事业收入", "其他收入"]
    amounts = [1000.5, 200.25, 30, 4.01]
    for i, (label, amount) in enumerate(zip(labels, amounts, strict=True)):
        summary.write(4 + i, 0, label)
        summary.write_number(4 + i, 1, amount, input_cell if i == 0 else money)
    summary.write("A10", "本年收入合计")
    summary.write_formula("B10", "=SUM(B5:B8)", money, 1234.76)
    summary.write("C10", 0.125, pct)
    summary.data_validation("B5:B8", {"validate": "decimal", "criteria": ">=", "value": 0})
    summary.data_validation("D5", {"validate": "list", "source": f"={PARAMS}!$A$1:$A$3"})
    summary.conditional_format(
        "B5:B8", {"type": "cell", "criteria": ">", "value": 500, "format": bold}
    )
    summary.conditional_format("B5:B8", {"type": "data_bar", "data_bar_2010": True})
    summary.write_comment("B10", "合计由公式计算")
    summary.add_sparkline("E5", {"range": f"'{SUMMARY}'!B5:B8"})
    summary.freeze_panes(3, 0)
    summary.set_column("A:A", 28)
    summary.set_column("B:D", 14)

    income = wb.add_worksheet(INCOME)
    income.write("A1", "收入决算表", title)
    income.add_table(
        "A3:C7",
        {
            "columns": [{"header": "科目编码"}, {"header": "科目名称"}, {"header": "金额"}],
            "data": [["201", "一般公共服务支出", 10.5], ["20101", "人大事务", 5.25]],
        },
    )

    expense = wb.add_worksheet(EXPENSE)
    expense.write("A1", "支出决算表", title)
    expense.set_column("F:F", 12, col_fmt)  # an empty cell in F inherits this column style
    expense.set_row(9, 18, pct)  # row 10 carries a row style (customFormat)
    for r in range(4, 9):
        expense.write(r, 0, f"项目{r}")
        expense.write_number(r, 1, r * 11.5, money)
        expense.write_number(r, 2, r * 3.25, money)
    expense.insert_image("H2", "logo.png", {"image_data": BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": f"='{EXPENSE}'!$B$5:$B$9", "name": "支出"})
    expense.insert_chart("H8", chart, {"x_scale": 0.5, "y_scale": 0.5})
    expense.activate()

    params = wb.add_worksheet(PARAMS)
    params.write_column("A1", ["基本支出", "项目支出", "其他"])
    params.hide()

    sheet_chart = wb.add_chart({"type": "line"})
    sheet_chart.add_series({"values": f"='{SUMMARY}'!$B$5:$B$8"})
    chartsheet = wb.add_chartsheet(CHART)
    chartsheet.set_chart(sheet_chart)

    quoted = wb.add_worksheet(QUOTED)
    quoted.write_row("A1", ["期初数", 88.8])
    notes = wb.add_worksheet(NOTES)
    notes.write("A1", "本表无数据")
    notes.set_column("A:A", 40)

    wb.define_name("收入合计", f"='{SUMMARY}'!$B$10")
    wb.define_name(f"'{EXPENSE}'!本表合计", f"='{EXPENSE}'!$B$5:$B$9")
    wb.set_properties({"title": "2023 部门决算", "author": "测试单位"})
    wb.close()
    return path


def finding(
    code: str,
    severity: Severity,
    sheet: str | None,
    cell: str | None,
    message: str,
    *,
    table: str | None = None,
    place: str = "",
    actual: str | None = None,
    expected: str | None = None,
    related: tuple[Related, ...] = (),
) -> Finding:
    act = Decimal(actual) if actual is not None else None
    exp = Decimal(expected) if expected is not None else None
    return Finding(
        code=code,
        name=code.lower(),
        severity=severity,
        message=message,
        message_en=f"EN {message}",
        table=table,
        sheet=sheet,
        cell=cell,
        actual=act,
        expected=exp,
        difference=act - exp if act is not None and exp is not None else None,
        related=related,
        place=place or f"{sheet}!{cell}",
    )


def rich_report(file: str = "rich.xlsx") -> Report:
    """Findings on: a formula cell, a styled input cell, a table cell, an empty cell in a row that
    exists, a cell whose row does not exist, an empty cell under a column style, a hidden sheet,
    a merged cell, a workbook-level finding, and two findings on one cell."""
    E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE
    sum_related = (
        Related(SUMMARY, "B5", Decimal("1000.50")),
        Related(SUMMARY, "B6", Decimal("200.25")),
        Related(EXPENSE, "B5", Decimal("46.00")),
    )
    return Report(
        file=file,
        edition=2023,
        unit_name="示例单位",
        year=2023,
        currency_unit="万元",
        findings=[
            finding("CD201", N, PARAMS, "A2", "隐藏表中的选项未使用", table="T9"),
            finding("ST103", W, None, None, "工作簿未写明金额单位", table=None, place="wb"),
            finding(
                "SM101",
                E,
                SUMMARY,
                "B10",
                "本年收入合计不等于各项收入之和",
                table="T1",
                actual="1234.76",
                expected="1234.00000001",
                related=sum_related,
            ),
            finding("VA102", W, INCOME, "C4", "金额保留了过多小数", table="T2", actual="10.5"),
            finding("SM102", E, SUMMARY, "B5", "一般公共预算收入不一致", table="T1", actual="-3.1"),
            finding("VA101", N, SUMMARY, "B5", "金额为负数", table="T1", place="neg"),
            finding("CD101", E, EXPENSE, "D7", "缺少应填金额", table="T3", expected="12"),
            finding("CD102", W, EXPENSE, "C40", "表尾存在多余数据", table="T3"),
            finding("CD103", N, EXPENSE, "F6", "备注列为空", table="T3"),
            finding("CD104", N, EXPENSE, "B10", "行格式下的空单元格", table="T3"),
            finding("ST106", N, SUMMARY, "A1", "标题与规定不一致", table="T1"),
            finding("VA103", W, QUOTED, "B1", "期初数与上年期末数不一致", table="T4"),
        ],
    )


# The cells rich_report marks, with the severity that wins on each.
MARKED = {
    (PARAMS, "A2"): Severity.NOTICE,
    (SUMMARY, "B10"): Severity.ERROR,
    (INCOME, "C4"): Severity.WARNING,
    (SUMMARY, "B5"): Severity.ERROR,
    (EXPENSE, "D7"): Severity.ERROR,
    (EXPENSE, "C40"): Severity.WARNING,
    (EXPENSE, "F6"): Severity.NOTICE,
    (EXPENSE, "B10"): Severity.NOTICE,
    (SUMMARY, "A1"): Severity.NOTICE,
    (QUOTED, "B1"): Severity.WARNING,
}
