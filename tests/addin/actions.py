"""Reading the actions `main()` recorded in the remote engine: which sheet, which cell, what."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.addin.remote import actions_of, payload

from juesuan.addin import main
from juesuan.io.grid import a1


@dataclass(frozen=True)
class Done:
    func: str
    sheet: str | None
    cell: str | None  # top-left A1 of the range, when the action has one
    shape: tuple[int, int] | None
    args: list[Any]
    values: list[list[Any]] | None


@dataclass
class Run:
    names: list[str]  # the sheets the client sent (the engine's own list changes as it runs)
    actions: list[dict[str, Any]]
    done: list[Done]

    def of(self, func: str) -> list[Done]:
        return [d for d in self.done if d.func == func]

    @property
    def alerts(self) -> list[str]:
        return [d.args[0] for d in self.of("alert")]

    def fills(self) -> dict[tuple[str, str], str | None]:
        """(sheet, A1) → the last fill written to that single cell (None: no fill)."""
        return {
            (d.sheet, d.cell): d.args[0]
            for d in self.of("setRangeColor")
            if d.sheet and d.cell and d.shape == (1, 1)
        }

    def notes(self) -> dict[tuple[str, str], str]:
        return {(d.sheet, d.cell): d.args[1] for d in self.of("addNote") if d.sheet and d.cell}

    def deleted_notes(self) -> set[tuple[str, str]]:
        return {(d.sheet, d.cell) for d in self.of("deleteNote") if d.sheet and d.cell}

    def sheet_values(self, name: str) -> list[list[Any]]:
        writes = [d for d in self.of("setValues") if d.sheet == name and d.cell == "A1"]
        assert len(writes) == 1, f"expected one write of sheet {name}: {writes}"
        values = writes[0].values
        assert values is not None
        return values


def run(path: Path, *, edit: Any = None) -> Run:
    """`main()` on the workbook file at `path` through the remote engine. `edit(payload)` may
    change what the client sends first (e.g. a note the accountant added)."""
    import xlwings as xw

    data = payload(path)
    if edit is not None:
        edit(data)
    names = [s["name"] for s in data["sheets"]]
    book = xw.Book(json=data)
    main(book)
    actions = actions_of(book)
    return Run(names, actions, locate(actions, names))


def locate(actions: list[dict[str, Any]], names: list[str]) -> list[Done]:
    """Name the sheet of each action: positions shift as sheets are added and deleted."""
    names = list(names)
    done = []
    for action in actions:
        func, pos = action["func"], action["sheet_position"]
        sheet = names[pos] if pos is not None and pos < len(names) else None
        if func == "addSheet":
            names.insert(action["args"][0], action["args"][1])
            sheet = action["args"][1]
        elif func == "sheetDelete":
            names.pop(pos)
        cell, shape = None, None
        if action["start_row"] is not None:
            cell = a1(action["start_row"], action["start_column"])
            shape = (action["row_count"], action["column_count"])
        done.append(Done(func, sheet, cell, shape, action["args"], action["values"]))
    return done


def column(values: list[list[Any]], header: str) -> list[Any]:
    """The cells below `header` in the findings table (the row holding 指纹)."""
    top = next(i for i, row in enumerate(values) if "指纹" in row)
    c = values[top].index(header)
    return [row[c] if c < len(row) else None for row in values[top + 1 :]]


def header_value(values: list[list[Any]], label: str) -> Any:
    row = next(r for r in values if r and r[0] == label)
    return row[3]
