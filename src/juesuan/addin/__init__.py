"""The Excel add-in: the 校验 button of the 决算校验 ribbon tab.

The add-in file is built on the user's machine as ``juesuan.addin.xlam`` from xlwings' own
quickstart ribbon add-in (see `juesuan.addin.build`). Its only VBA callback runs
``import <file name without .xlam>; <file name without .xlam>.main()``, so naming the file
after this package makes Excel call `main` below, with the workbook that was active when the
button was clicked.

Importing this package stays cheap (no xlwings, no pandas): the work starts inside `main`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ADDIN_FILE", "main"]

# The VBA takes the module to import from the add-in's file name (up to the last dot).
ADDIN_FILE = "juesuan.addin.xlam"


def main(book: Any = None) -> None:
    """Validate the active workbook and write the 校验结果 sheet into it.

    Excel calls this without arguments (the workbook comes from ``xw.Book.caller()``); tests
    pass an ``xlwings.Book``. Never raises: a failure reaches the user as a short Chinese
    message naming the log file that holds the details.
    """
    from juesuan.addin.button import click

    click(book)
