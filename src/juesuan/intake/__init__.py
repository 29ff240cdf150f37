"""Finance-bureau intake: hundreds of submitted workbooks checked in one run.

`discover` finds the submissions (files, folders, .zip archives, extracted safely), `pool` runs
them through persistent worker processes (a per-file timeout, a memory cap, a crashed or hung
worker costs only its file), `batch` puts the results in a stable order and writes the outputs:
annotated copies, 汇总.xlsx, results.jsonl, findings.csv and junit.xml.
"""
