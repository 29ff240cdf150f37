"""`juesuan addin build`: the .xlam, made on the user's machine from xlwings' own add-in.

The source is ``quickstart_addin_ribbon.xlam`` from the installed xlwings package (its VBA is
xlwings' BSD-licensed code; juesuan ships none of it). Three parts change, by text surgery so
that everything Excel does not need us to touch stays byte-identical:

- ``customUI/customUI.xml``: the 决算校验 tab with the large 校验 button. Its callback stays
  ``RibbonMyAddin.RunMain``, the only one the VBA has; it runs
  ``import <file name>; <file name>.main()`` with the add-in's file name up to the last dot,
  hence the file name ``juesuan.addin.xlam`` (→ `juesuan.addin.main`).
- ``xl/workbook.xml``: the config sheet ``_myaddin.conf`` becomes ``myaddin.conf``; the VBA
  reads settings only from a sheet named after its project (``myaddin``), the underscore is
  how the quickstart keeps the sheet switched off.
- the config sheet: Interpreter_Win / Interpreter_Mac (this Python), PYTHONPATH (only when
  juesuan is not installed into site-packages) and ``ADD_WORKBOOK_TO_PYTHONPATH`` off, so a
  folder beside the accountant's workbook can never shadow juesuan.
"""

from __future__ import annotations

import html
import os
import re
import secrets
import site
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from juesuan.addin import ADDIN_FILE
from juesuan.i18n import Said

SOURCE_NAME = "quickstart_addin_ribbon.xlam"
CUSTOM_UI = "customUI/customUI.xml"
CONFIG_SHEET_OFF = "_myaddin.conf"
CONFIG_SHEET = "myaddin.conf"
CALLBACK = "RibbonMyAddin.RunMain"
CUSTOM_UI_NS = "http://schemas.microsoft.com/office/2006/01/customui"

RIBBON_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="{CUSTOM_UI_NS}">
  <ribbon>
    <tabs>
      <tab id="juesuanTab" label="决算校验">
        <group id="juesuanGroup" label="部门决算">
          <button id="juesuanValidate" label="校验" size="large" imageMso="AcceptInvitation"
                  onAction="{CALLBACK}"
                  screentip="校验部门决算九张表"
                  supertip="按表名找到当前工作簿中的部门决算九张公开表，核对表内、表间的勾稽关系。问题逐条列在「校验结果」工作表中（可点击跳到单元格），有问题的单元格标色并加批注。再次点击会替换上次的结果，并保留您在「说明」列中写的说明。"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


class BuildError(Said):
    """The xlwings package does not hold the add-in this build expects."""


@dataclass(frozen=True)
class Config:
    interpreter: str
    pythonpath: str


def source_addin() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / SOURCE_NAME
    if not path.is_file():
        raise BuildError(
            f"xlwings {xlwings.__version__} 中没有 {SOURCE_NAME}",
            f"xlwings {xlwings.__version__} has no {SOURCE_NAME}",
        )
    return path


def default_config() -> Config:
    """This Python, and PYTHONPATH only when juesuan is not importable from site-packages."""
    import juesuan

    home = Path(juesuan.__file__).resolve().parent.parent
    sites = {Path(p).resolve() for p in [*site.getsitepackages(), site.getusersitepackages()]}
    return Config(sys.executable, "" if home in sites else str(home))


def build(out_dir: Path, config: Config | None = None, *, overwrite: bool = False) -> Path:
    """Write ``out_dir/juesuan.addin.xlam``; returns its path."""
    config = config or default_config()
    out_dir.mkdir(parents=True, exist_ok=True)
    dst = out_dir / ADDIN_FILE
    if dst.exists() and not overwrite:
        raise FileExistsError(str(dst))
    src = source_addin()
    tmp = dst.with_name(f".{dst.name}.{secrets.token_hex(4)}.tmp")
    try:
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w") as zout:
            names = set(zin.namelist())
            if CUSTOM_UI not in names or "xl/workbook.xml" not in names:
                raise BuildError(
                    f"{SOURCE_NAME} 的结构与预期不同（缺少 {CUSTOM_UI}）",
                    f"{SOURCE_NAME} is not laid out as expected (no {CUSTOM_UI})",
                )
            workbook = zin.read("xl/workbook.xml").decode("utf-8")
            config_part = _config_part(zin, workbook)
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == CUSTOM_UI:
                    data = RIBBON_XML.encode("utf-8")
                elif info.filename == "xl/workbook.xml":
                    data = _switch_on(workbook).encode("utf-8")
                elif info.filename == config_part:
                    data = _fill_config(data.decode("utf-8"), config).encode("utf-8")
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                zout.writestr(copy, data)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    return dst


def _config_part(zin: zipfile.ZipFile, workbook: str) -> str:
    sheet = re.search(rf'<sheet\b[^>]*name="{re.escape(CONFIG_SHEET_OFF)}"[^>]*>', workbook)
    if sheet is None:
        raise BuildError(
            f"{SOURCE_NAME} 中没有配置工作表 {CONFIG_SHEET_OFF}",
            f"{SOURCE_NAME} has no config sheet {CONFIG_SHEET_OFF}",
        )
    rid = re.search(r'r:id="([^"]+)"', sheet[0])
    rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    target = rid and re.search(rf'<Relationship\b[^>]*Id="{rid[1]}"[^>]*>', rels)
    found = target and re.search(r'Target="([^"]+)"', target[0])
    if not found:
        raise BuildError(
            f"{SOURCE_NAME} 的配置工作表找不到对应部件",
            f"the part of {SOURCE_NAME}'s config sheet is missing",
        )
    return "xl/" + found[1].lstrip("/").removeprefix("xl/")


def _switch_on(workbook: str) -> str:
    return workbook.replace(f'name="{CONFIG_SHEET_OFF}"', f'name="{CONFIG_SHEET}"', 1)


# Row of each setting in the quickstart's config sheet (column A holds the key, B the value).
_ROWS = {"Interpreter_Win": 1, "Interpreter_Mac": 2, "PYTHONPATH": 3}
_SWITCH_ROW = 10  # right below the last key (Show Console, row 9): the VBA reads A1 down


def _fill_config(xml: str, config: Config) -> str:
    values = {
        "Interpreter_Win": config.interpreter,
        "Interpreter_Mac": config.interpreter,
        "PYTHONPATH": config.pythonpath,
    }
    for name, number in _ROWS.items():
        if values[name]:
            xml = _append_to_row(xml, number, _text_cell(f"B{number}", values[name]))
    key = _text_cell(f"A{_SWITCH_ROW}", "ADD_WORKBOOK_TO_PYTHONPATH")
    value = f'<c r="B{_SWITCH_ROW}" s="1" t="b"><v>0</v></c>'
    if re.search(rf'<row r="{_SWITCH_ROW}"', xml):
        raise BuildError(
            f"配置工作表第 {_SWITCH_ROW} 行已被占用",
            f"row {_SWITCH_ROW} of the config sheet is already taken",
        )
    line = f'<row r="{_SWITCH_ROW}" spans="1:2">{key}{value}</row>'
    nxt = next(
        (m for m in re.finditer(r'<row r="(\d+)"', xml) if int(m[1]) > _SWITCH_ROW),
        None,
    )
    at = nxt.start() if nxt else xml.index("</sheetData>")
    return xml[:at] + line + xml[at:]


def _append_to_row(xml: str, row: int, cell: str) -> str:
    m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', xml, re.S)
    if m is None or f'r="B{row}"' in m[1]:
        raise BuildError(
            f"配置工作表第 {row} 行与预期不同", f"row {row} of the config sheet is not as expected"
        )
    opened = re.sub(r'spans="[^"]*"', 'spans="1:2"', xml[m.start() : m.start(1)])
    return xml[: m.start()] + opened + m[1] + cell + "</row>" + xml[m.end() :]


def _text_cell(ref: str, text: str) -> str:
    escaped = html.escape(text, quote=False)
    return f'<c r="{ref}" s="1" t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'
