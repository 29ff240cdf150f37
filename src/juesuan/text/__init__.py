"""The explanation text (情况说明): read it, find its figures, check them (nine-tables.md §4).

`source` reads .txt/.docx/.pdf or a workbook sheet into one string; `document` splits it into
sections by heading; `extract` finds every stated figure with its meaning; `perf` reads the
绩效自评 tables; `checks` compares figures with each other, the tables and last year's tables.
"""
