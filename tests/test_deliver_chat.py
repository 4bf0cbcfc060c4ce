"""Chat delivery through apprise to a local HTTP server that records what it got (apprise's
json:// target and its ntfy:// service pointed at loopback): exactly once per channel, user
and day, failures released for the next run, and the short text form with links."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from deliver_digests import make_digest
from local_http import LocalServer, Reply, Seen

from paperfeed import daily, pipeline
from paperfeed.config import DeliverConfig, Settings, SourcesConfig, WebhookConfig
from paperfeed.deliver.chat import post_chat, render_chat
from paperfeed.embed import HashingEmbedder
from paperfeed.errors import MissingExtra
from paperfeed.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
DAY = "2026-06-30"


def _store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "pf.db")
    for user in ("jane", "rick"):
        pipeline.import_profile(store, FIXTURES / "profile.txt", user)
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    return store


def _settings(*hooks: WebhookConfig) -> Settings:
    return Settings(
        db="",
        sources=SourcesConfig(arxiv_categories=[]),
        deliver=DeliverConfig(webhook=list(hooks)),
    )


def _run(store: Store, settings: Settings, **options: object) -> list[daily.UserRun]:
    report = daily.run_all(
        store,
        settings,
        day=DAY,
        sources=[],
        embedder=HashingEmbedder(),
        **options,  # type: ignore[arg-type]
    )
    return list(report.runs)


def test_posts_once_per_channel_user_and_day(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with LocalServer() as server:
        lab = WebhookConfig(name="lab", url=f"json://127.0.0.1:{server.port}/hook")
        mine = WebhookConfig(name="jane-ntfy", url=f"ntfy://127.0.0.1:{server.port}/papers")
        mine = mine.model_copy(update={"users": ["jane"]})
        first = _run(store, _settings(lab, mine))
        again = _run(store, _settings(lab, mine))
        seen = server.seen
    assert [r.posts for r in first] == [
        (("lab", "sent"), ("jane-ntfy", "sent")),
        (("lab", "sent"),),
    ]
    assert [r.status for r in first] == ["no address", "no address"]
    assert [r.status for r in again] == ["already sent", "already sent"]
    assert len(seen) == 3  # two users on the lab channel, jane alone on ntfy
    posts = [s for s in seen if s.path == "/hook"]
    assert {s.json()["title"] for s in posts} == {
        f"paperfeed for jane: 4 papers for {DAY}",
        f"paperfeed for rick: 4 papers for {DAY}",
    }
    assert "https://arxiv.org/abs/2606.0000" in posts[0].json()["message"]
    ntfy = next(s for s in seen if s.path != "/hook")
    assert b"papers" in ntfy.body or ntfy.path.endswith("papers")
    assert store.was_sent("jane", DAY, "chat:lab") and store.was_sent("jane", DAY, "chat:jane-ntfy")
    assert store.shown_ids("jane")


def test_a_failed_post_is_released_for_the_next_run(tmp_path: Path) -> None:
    store = _store(tmp_path)
    answers = [Reply(500, "down")]

    def answer(seen: Seen) -> Reply:
        return answers.pop(0) if answers else Reply()

    with LocalServer(answer) as server:
        hook = WebhookConfig(name="lab", url=f"json://127.0.0.1:{server.port}/hook", users=["jane"])
        (failed, _) = _run(store, _settings(hook))
        assert failed.posts[0][1].startswith("failed") and failed.failed
        assert not store.was_sent("jane", DAY, "chat:lab")
        (retried, _) = _run(store, _settings(hook))
        assert retried.posts == (("lab", "sent"),)
        assert len(server.seen) == 2


def test_the_url_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    with LocalServer() as server:
        monkeypatch.setenv("LAB_WEBHOOK", f"json://127.0.0.1:{server.port}/secret-path")
        hook = WebhookConfig(name="lab", url_env="LAB_WEBHOOK", users=["rick"])
        runs = _run(store, _settings(hook))
        assert server.seen[0].path == "/secret-path"
    assert runs[1].posts == (("lab", "sent"),)
    monkeypatch.delenv("LAB_WEBHOOK")
    missing = WebhookConfig(name="gone", url_env="LAB_WEBHOOK", users=["rick"])
    runs = _run(store, _settings(missing))
    assert runs[1].posts[0][1] == "skipped: LAB_WEBHOOK is not set" and not runs[1].failed


def test_the_short_text_form() -> None:
    title, body = render_chat(make_digest())
    assert title.startswith("paperfeed for alice:")
    lines = body.splitlines()
    assert lines[0].startswith("1. ") and "https://arxiv.org/abs/2606.01234" in lines[0]
    assert len(body) < 3500


def test_without_apprise_the_error_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)
    with pytest.raises(MissingExtra, match=r"paperfeed\[chat\]"):
        post_chat("json://127.0.0.1:9/x", "t", "b")


def test_the_default_install_imports_no_optional_library() -> None:
    import subprocess
    import tomllib

    code = (
        "import sys, paperfeed.cli, paperfeed.daily, paperfeed.pipeline, paperfeed.summarize, "
        "paperfeed.trending, paperfeed.sync, paperfeed.deliver.chat, paperfeed.sources.registry;"
        "from click.testing import CliRunner; CliRunner().invoke(paperfeed.cli.cli, ['--help']);"
        "print(sorted(m for m in ('apprise', 'starlette', 'aiosmtpd') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("apprise") for d in project["dependencies"])
    assert project["optional-dependencies"]["chat"] == ["apprise>=1.9"]
