"""The commands that need no workbook start without the heavy stack (pandas, pandera, rich):
`juesuan --version` answers at once. Import sets, not timings (those are the benchmark's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_workbooks" / "sample_2023.xlsx"

HEAVY = {"pandas", "pandera", "numpy", "rich", "python_calamine", "openpyxl", "xlsxwriter"}

# Runs the real entry point in a fresh interpreter and prints the top-level packages it loaded.
PROBE = """
import json, sys
from juesuan.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded(*args: str) -> tuple[set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )
    *output, modules = done.stdout.strip().splitlines()
    return set(json.loads(modules)), "\n".join(output)


@pytest.mark.parametrize("args", [("--version",), ("--help",)])
def test_no_heavy_imports(args: tuple[str, ...]) -> None:
    modules, output = loaded(*args)
    assert "juesuan" in output
    assert not modules & HEAVY, sorted(modules & HEAVY)


def test_the_probe_sees_heavy_imports_when_they_happen() -> None:
    # the same probe on a command that validates does load pandera: the test above can fail
    modules, output = loaded("validate", str(SAMPLE))
    assert "乌鲁木齐市政务服务管理局" in output
    assert {"pandas", "pandera", "python_calamine"} <= modules
