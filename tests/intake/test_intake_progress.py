"""On a terminal, intake shows a rich progress bar with the file count, the elapsed time and the
problems so far (stderr is a pseudo-terminal here; without one, plain lines are tested in
test_intake_hostile)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

from conftest import SAMPLES


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan", "intake", SAMPLES / "sample_2023.xlsx",
         SAMPLES / "defect_01_wrong_total.xlsx", SAMPLES / "README.md",
         "--out", tmp_path / "out", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=slave, text=True, timeout=120,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"},
    )  # fmt: skip
    os.close(slave)
    reader.join(10)
    os.close(master)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert proc.returncode == 1
    assert "校验" in screen and "2/2" in screen  # the bar: label and file count
    assert re.search(r"\d:\d\d:\d\d", screen)  # elapsed time
    assert "未通过 1 · 无法读取 0" in screen  # problems so far
    assert "未通过 " in screen and "defect_01_wrong_total.xlsx" in screen
    assert "[1/2]" not in screen  # not the plain lines
