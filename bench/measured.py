"""Run a command as a child process and measure it: wall time and the child's own peak memory."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measured:
    """What one child run gave: exit status, wall seconds, peak resident MB, standard output."""

    status: int
    seconds: float
    peak_mb: float
    stdout: str
    cpu_seconds: float = 0.0  # user + system time of the child


def run_measured(cmd: list[str]) -> Measured:
    """Run ``cmd`` (stderr discarded); the peak memory comes from wait4, so it is the child's."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(status, time.perf_counter() - start, usage.ru_maxrss / 1024, out, cpu)
