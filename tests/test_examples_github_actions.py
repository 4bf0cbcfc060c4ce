"""The fork-and-run workflow of examples/github-actions, its shell steps run locally (no
GitHub) on a replayed day: a local SMTP server and a local chat endpoint get the digest, the
job summary says what happened, and a run that sends nothing fails saying why."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from local_http import LocalServer
from smtp_inbox import Inbox

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "github-actions"
FIXTURES = Path(__file__).parent / "fixtures" / "cli"
_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _workflow() -> dict[Any, Any]:
    return yaml.safe_load((EXAMPLE / "paperfeed.yml").read_text())


def _evaluate(expression: str, context: dict[str, str]) -> str:
    """``a || 'b'`` over dotted names (secrets.X, vars.X, inputs.X, github.workspace)."""
    for term in (t.strip() for t in expression.split("||")):
        value = term.strip("'") if term.startswith("'") else context.get(term, "")
        if value:
            return value
    return ""


def _job_env(job: dict[str, Any], context: dict[str, str]) -> dict[str, str]:
    return {
        key: _EXPRESSION.sub(lambda m: _evaluate(m.group(1), context), str(value))
        for key, value in job["env"].items()
    }


def test_the_workflow_is_scheduled_caches_the_store_and_installs_with_constraints() -> None:
    workflow = _workflow()
    assert workflow[True]["schedule"][0]["cron"] == "0 7 * * 1-5"  # 'on' parses as True
    steps = workflow["jobs"]["digest"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout") and uses[1].startswith("actions/setup-python")
    assert any(u.startswith("actions/cache/restore") for u in uses)
    assert steps[-1]["uses"].startswith("actions/cache/save") and "always()" in steps[-1]["if"]
    install = next(step for step in steps if step.get("id") == "install")["run"]
    assert "-c constraints.txt '.[chat]'" in install
    secrets = " ".join(str(v) for v in workflow["jobs"]["digest"]["env"].values())
    assert "secrets.SMTP_PASSWORD" in secrets and "secrets.CHAT_URL" in secrets


def _run_steps(workspace: Path, context: dict[str, str]) -> tuple[int, str]:
    """Run the workflow's shell steps (all but the install) as GitHub's runner would:
    ``bash -e -o pipefail``, in the workspace, with the job's environment. The exit status
    of the first failing step (0 if none) and the job summary."""
    job = _workflow()["jobs"]["digest"]
    summary = workspace / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERFEED_")}
    env.update(_job_env(job, context))
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for step in job["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            return done.returncode, summary.read_text() if summary.exists() else done.stderr
    return 0, summary.read_text()


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A checkout of the fork: the example's config and a committed profile."""
    (tmp_path / "examples").mkdir()
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "github-actions")
    shutil.copy(FIXTURES / "profile.txt", tmp_path / "profile.txt")
    return tmp_path


def test_a_replayed_day_is_mailed_and_posted_then_not_again(
    workspace: Path, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    with LocalServer() as chat:
        context = {
            "github.workspace": str(workspace),
            "vars.PAPERFEED_PROFILE": "profile.txt",
            "vars.PAPERFEED_SOURCES": str(FIXTURES / "listing.jsonl"),
            "inputs.date": "2026-06-30",
            "secrets.PAPERFEED_EMAIL": "me@example.org",
            "secrets.SMTP_HOST": "127.0.0.1",
            "secrets.SMTP_PORT": str(port),
            "secrets.SMTP_SECURITY": "none",
            "secrets.SMTP_SENDER": "paperfeed@example.org",
            "secrets.CHAT_URL": f"json://127.0.0.1:{chat.port}/hook",
        }
        status, summary = _run_steps(workspace, context)
        assert status == 0, summary
        assert [m["To"] for m in handler.messages] == ["me@example.org"]
        assert len(chat.seen) == 1 and "2026-06-30" in chat.seen[0].json()["title"]
        assert "## paperfeed daily run for 2026-06-30" in summary
        assert "| me | 4 | sent | chat: sent |" in summary
        assert (workspace / "state" / "paperfeed.db").exists()  # what the cache keeps

        status, summary = _run_steps(workspace, context)  # the same day again
        assert status == 3
        assert "Nothing was sent: today's digests were already sent by an earlier run" in summary
        assert len(handler.messages) == 1 and len(chat.seen) == 1


def test_a_day_without_papers_fails_saying_why(workspace: Path) -> None:
    context = {
        "github.workspace": str(workspace),
        "vars.PAPERFEED_PROFILE": "profile.txt",
        "vars.PAPERFEED_SOURCES": str(FIXTURES / "listing.jsonl"),
        "inputs.date": "2026-07-04",
        "secrets.PAPERFEED_EMAIL": "me@example.org",
    }
    status, summary = _run_steps(workspace, context)
    assert status == 3
    assert "Nothing was sent: no papers: arXiv announces no new papers on weekends" in summary
    assert "(2026-07-04 is a Saturday)" in summary


def test_no_profile_fails_saying_what_to_commit(workspace: Path) -> None:
    (workspace / "profile.txt").unlink()
    status, summary = _run_steps(workspace, {"github.workspace": str(workspace)})
    assert status == 1 and "no profile" in summary and "profile.bib" in summary
