"""Workbook files → grids, through python-calamine (.xlsx .xlsm .xlsb .xls .ods)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import python_calamine as pc

from juesuan.io.grid import CellValue, Grid
from juesuan.io.problems import InputProblem


def read_grids(
    path: Path, formulas: dict[str, tuple[str, ...]] | None = None, stored: bytes | None = None
) -> list[Grid]:
    """Every worksheet as a grid with absolute positions (row 0 is sheet row 1).

    `formulas` maps sheet names to the A1 cells holding formulas without a cached value (from
    the package scan); calamine reads those as blank, the grid remembers they are unknown.
    `stored`: the package as the scan hands it over (io/stored_package.py), read instead of
    the file.
    """
    formulas = formulas or {}
    try:
        # from the content, not the extension: WPS and many portals save .xlsx content as .xls
        if stored is not None:
            book = pc.CalamineWorkbook.from_filelike(io.BytesIO(stored))
        else:
            with path.open("rb") as f:
                book = pc.CalamineWorkbook.from_filelike(f)
    except pc.PasswordError as exc:
        raise InputProblem(
            "IN103",
            f"{path.name}：工作簿设有打开密码，请取消密码后再校验",
            f"{path.name}: the workbook is password-protected; remove the password first",
        ) from exc
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise InputProblem(
            "IN102",
            f"{path.name}：文件已损坏或格式无法识别（{type(exc).__name__}）",
            f"{path.name}: the file is damaged or its format is not recognised ({exc})",
        ) from exc
    grids: list[Grid] = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = cast(list[list[CellValue]], sheet.to_python(skip_empty_area=False))
                merged = sheet.merged_cell_ranges or []
            except Exception as exc:
                raise InputProblem(
                    "IN102",
                    f"{path.name}：工作表「{meta.name}」无法读取，文件可能已损坏",
                    f"{path.name}: sheet '{meta.name}' cannot be read; the file may be damaged",
                ) from exc
            grids.append(
                Grid(
                    name=meta.name,
                    rows=rows,
                    merged=tuple((a[0], a[1], b[0], b[1]) for a, b in merged),
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                    formulas_without_value=frozenset(formulas.get(meta.name, ())),
                )
            )
    return grids
