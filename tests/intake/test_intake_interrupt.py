"""Ctrl-C during a batch: one line, exit code 130, the workers end with the CLI and no scratch
folder is left in the output folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from conftest import SAMPLES


def processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_ctrl_c_stops_the_workers_and_leaves_no_scratch(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "sample_2023.xlsx", inbox / "卡死.xlsx")  # keeps a worker busy
    out = tmp_path / "out"
    marker = f"JUESUAN_TEST_MARK={uuid.uuid4().hex}"
    env = {
        **os.environ,
        "JUESUAN_INTAKE_TEST_FAULT": "hang:卡死.xlsx",
        marker.split("=")[0]: marker.split("=")[1],
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "juesuan", "intake", inbox, "--out", out, "--jobs", "1", "--timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # as from a terminal: a suite started in the background (`pytest &`) has SIGINT ignored,
        # the CLI would inherit that and Ctrl-C could not reach it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while len(processes_with(marker)) < 2 and time.monotonic() < deadline:  # the CLI and its worker
        time.sleep(0.2)
    time.sleep(1.0)  # the worker has taken the file
    assert len(processes_with(marker)) >= 2
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "已中断，未写出汇总" and "Traceback" not in err
    time.sleep(0.5)
    assert processes_with(marker) == []
    assert list(out.iterdir()) == []
