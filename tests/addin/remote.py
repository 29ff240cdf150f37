"""xlwings' remote engine as a stand-in for Excel on Linux (tests only).

`payload(path)` builds the JSON an Office.js client sends for a workbook file (values of every
sheet from A1, the addresses of cell notes), read with openpyxl: a reader independent of the
calamine reader the CLI uses, so the add-in's reading is checked against another program's.
`replay(actions, src, dst)` applies the actions `main()` recorded to a *copy* of the file, as
Excel would, so the result can be opened by LibreOffice. openpyxl only ever writes test copies.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter


def payload(path: Path) -> dict[str, Any]:
    """The book as an Office.js client sends it. `book.name` is the file's full path: the
    add-in looks for the saved file (for merged ranges) there, as it does in desktop Excel."""
    import xlwings as xw

    wb = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        values = [
            ["" if v is None else _json_value(v) for v in row]
            for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)
        ] or [[]]
        notes = [
            {"address": f"${get_column_letter(c.column)}${c.row}"}
            for row in ws.iter_rows()
            for c in row
            if c.comment is not None
        ]
        sheets.append(
            {
                "name": ws.title,
                "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
                "values": values,
                "pictures": [],
                "shapes": [],
                "charts": [],
                "notes": notes,
                "tables": [],
                "pivot_tables": [],
                "show_gridlines": True,
                "print_area": None,
            }
        )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {
            "name": str(path),
            "active_sheet_index": wb.worksheets.index(wb.active),
            "selection": "A1",
        },
        "names": [],
        "sheets": sheets,
    }


def _json_value(v: object) -> object:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v


def open_book(path: Path) -> Any:
    import xlwings as xw

    return xw.Book(json=payload(path))


# ── replay ──────────────────────────────────────────────────────────────────────────────────


def replay(actions: list[dict[str, Any]], src: Path, dst: Path) -> list[str]:
    """Apply `actions` to a copy of `src` at `dst`; returns the texts of the alerts shown."""
    shutil.copyfile(src, dst)
    wb = openpyxl.load_workbook(dst)
    alerts: list[str] = []
    for action in actions:
        func = action["func"]
        args = action["args"]
        if func == "alert":
            alerts.append(args[0])
            continue
        if func == "setScreenUpdating":  # no trace in the file
            continue
        if func == "addSheet":
            wb.create_sheet(args[1], args[0])
            continue
        ws = wb.worksheets[action["sheet_position"]]
        if func == "sheetDelete":
            wb.remove(ws)
        elif func == "activateSheet":
            wb.active = action["sheet_position"]
            for other in wb.worksheets:
                other.sheet_view.tabSelected = other is ws
        elif func == "freezePaneAtRange":
            last = int(str(args[0]).split(":")[1])
            ws.freeze_panes = f"A{last + 1}"
        else:
            for cell in _cells(ws, action):
                _apply(cell, func, args, action)
    wb.save(dst)
    return alerts


def _cells(ws: Any, action: dict[str, Any]) -> list[Any]:
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    if action["func"] in ("setColumnWidth", "setColumnHidden"):
        return [ws.cell(row=1, column=c) for c in range(c0, c0 + action["column_count"])]
    if action["func"] == "rangeMerge":
        ws.merge_cells(
            start_row=r0,
            start_column=c0,
            end_row=r0 + action["row_count"] - 1,
            end_column=c0 + action["column_count"] - 1,
        )
        return []
    if action["func"] == "setValues":
        for i, row in enumerate(action["values"]):
            for j, value in enumerate(row):
                cell = ws.cell(row=r0 + i, column=c0 + j)
                cell.value = _excel_input(value)
        return []
    return [
        ws.cell(row=r, column=c)
        for r in range(r0, r0 + action["row_count"])
        for c in range(c0, c0 + action["column_count"])
    ]


def _excel_input(value: object) -> object:
    """What Excel stores for a value written through the API: '' is empty, a leading
    apostrophe marks text, '=' starts a formula."""
    if value == "" or value is None:
        return None
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def _apply(cell: Any, func: str, args: list[Any], action: dict[str, Any]) -> None:
    ws = cell.parent
    if func == "setRangeColor":
        color = args[0]
        cell.fill = (
            PatternFill() if color is None else PatternFill("solid", fgColor="FF" + color[1:])
        )
    elif func == "addNote":
        cell.comment = Comment(args[1], "juesuan", width=300, height=120)
    elif func == "deleteNote":
        cell.comment = None
    elif func == "setFontProperty":
        name, value = args
        if name == "color":
            value = "FF" + value[1:]
        cell.font = Font(**{**_font_kw(cell.font), name: value})
    elif func in ("setHorizontalAlignment", "setVerticalAlignment", "setWrapText"):
        key = {
            "setHorizontalAlignment": "horizontal",
            "setVerticalAlignment": "vertical",
            "setWrapText": "wrap_text",
        }[func]
        value = args[0]
        if isinstance(value, str):
            value = value.lower()
        a = cell.alignment
        kw = {"horizontal": a.horizontal, "vertical": a.vertical, "wrap_text": a.wrap_text}
        kw[key] = value
        cell.alignment = Alignment(**kw)
    elif func == "setNumberFormat":
        cell.number_format = args[0]
    elif func == "setColumnWidth":
        ws.column_dimensions[get_column_letter(cell.column)].width = args[0]
    elif func == "setColumnHidden":
        ws.column_dimensions[get_column_letter(cell.column)].hidden = bool(args[0])
    elif func == "setBorderProperty":
        if args[1] == "line_style":  # every side of every cell: close enough for a picture
            side = Side(style="thin", color="FFBFBFBF")
            cell.border = Border(left=side, right=side, top=side, bottom=side)
    elif func == "setRowHeight":
        ws.row_dimensions[cell.row].height = args[0]
    else:
        raise NotImplementedError(f"replay does not know the action {func!r}: {action}")


def _font_kw(font: Any) -> dict[str, Any]:
    return {
        "name": font.name,
        "size": font.size,
        "bold": font.bold,
        "italic": font.italic,
        "color": font.color,
        "underline": font.underline,
    }


def actions_of(book: Any) -> list[dict[str, Any]]:
    return list(book.json()["actions"])
