"""juesuan (决算): checks the nine statutory tables of a 部门决算 workbook."""

__version__ = "0.1.0"
