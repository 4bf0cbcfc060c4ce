"""Running the real `paperfeed` command as a child process, and killing it with SIGKILL.

``kill_after`` starts the command, waits a given delay, and kills it (kill -9) if it is
still running; it says whether the kill landed mid-run. Only the processes started here
are ever signalled, by their own pid.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# The console script's entry point, run by this interpreter (the venv's) in a child process.
ENTRY = "import sys; from paperfeed.cli import main; sys.argv[0] = 'paperfeed'; main()"


def paperfeed_cmd(db: Path, *args: str, config: Path | None = None) -> list[str]:
    """The argv of ``paperfeed --db DB [--config C] ARGS``."""
    head = [sys.executable, "-c", ENTRY, "--db", str(db)]
    if config is not None:
        head += ["--config", str(config)]
    return [*head, *args]


def child_env(**extra: str) -> dict[str, str]:
    """This environment without the user's paperfeed settings or config file, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env["PAPERFEED_CONFIG"] = os.devnull
    env.update(extra)
    return env


@dataclass(frozen=True)
class Finished:
    """How a child ended: its exit code, output, and whether our SIGKILL ended it."""

    returncode: int
    stdout: str
    stderr: str
    killed: bool
    seconds: float


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> Finished:
    """Run to completion."""
    started = time.monotonic()
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Finished(done.returncode, done.stdout, done.stderr, False, time.monotonic() - started)


def kill_after(cmd: list[str], delay: float, env: dict[str, str] | None = None) -> Finished:
    """Start ``cmd``, SIGKILL it after ``delay`` seconds unless it has ended by then."""
    started = time.monotonic()
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            proc.wait(timeout=delay)
            killed = False
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL to this child only
            killed = True
        out, err = proc.communicate(timeout=60)
    return Finished(proc.returncode, out, err, killed, time.monotonic() - started)
