"""`juesuan addin install` / `uninstall`: Excel's startup folder, through xlwings' own commands.

xlwings copies the add-in into the XLSTART folder of the running (or a started) Excel and, on
macOS, installs the AppleScript that RunPython needs. Only Windows and macOS have Excel: on
other systems the commands say so and change nothing.
"""

from __future__ import annotations

import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from juesuan.addin import ADDIN_FILE
from juesuan.i18n import Said


class NoExcel(Said):
    """This system has no desktop Excel to install into."""


class NotTheAddin(Said):
    """`--file` names a file the ribbon button could not find its Python module by."""


def excel_platform() -> bool:
    return sys.platform.startswith("win") or sys.platform == "darwin"


def _require_excel() -> None:
    if not excel_platform():
        raise NoExcel(
            "Excel 加载项只能安装在 Windows 或 macOS 上（本机是 "
            f"{sys.platform}）；在本机请用 juesuan validate 校验工作簿。",
            f"the Excel add-in installs on Windows or macOS only (this is {sys.platform}); "
            "here, check workbooks with juesuan validate.",
        )


def install(built: Path | None = None) -> Path:
    """Build the add-in (unless `built` is given) and install it; returns the file installed."""
    _require_excel()
    from xlwings import cli

    if built is None:
        from juesuan.addin.build import build

        built = build(Path(tempfile.mkdtemp(prefix="juesuan-addin-")), overwrite=True)
    if built.name != ADDIN_FILE:
        raise NotTheAddin(
            f"加载项文件必须命名为 {ADDIN_FILE}（按钮据此找到 Python 模块）",
            f"the add-in file must be named {ADDIN_FILE} (the button finds its Python module by it)",
        )
    cli.addin_install(Namespace(file=str(built), dir=None, glob=False))  # type: ignore[no-untyped-call]
    return built


def uninstall() -> None:
    _require_excel()
    from xlwings import cli

    cli.addin_remove(Namespace(file=ADDIN_FILE, dir=None, glob=False))  # type: ignore[no-untyped-call]
