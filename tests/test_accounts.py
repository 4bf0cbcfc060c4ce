"""accounts: top and threshold resolved once, and every channel applies them alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from smtp_inbox import Inbox

from paperfeed import daily, pipeline
from paperfeed.accounts import DigestOptions, digest_options, resolve_user, set_email
from paperfeed.config import Settings, SmtpConfig, SourcesConfig
from paperfeed.embed import HashingEmbedder
from paperfeed.errors import InputError
from paperfeed.store import Store
from tests.web_data import patient

FIXTURES = Path(__file__).parent / "fixtures" / "cli"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "pf.db")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "jane")
    pipeline.ingest(store, str(FIXTURES / "listing.jsonl"))
    return store


def test_override_beats_user_setting_beats_config(store: Store) -> None:
    config = Settings(top=7, threshold=0.5)
    assert digest_options(store, "jane", config) == DigestOptions(7, 0.5)
    store.set_setting("jane", "top", 3)
    store.set_setting("jane", "threshold", -1)
    assert digest_options(store, "jane", config) == DigestOptions(3, -1.0)
    assert digest_options(store, "jane", config, top=2, threshold=0.0) == DigestOptions(2, 0.0)
    store.set_setting("jane", "threshold", None)
    store.set_setting("jane", "top", "junk")
    assert digest_options(store, "jane", config) == DigestOptions(7, 0.5)


def test_resolve_user(store: Store) -> None:
    assert resolve_user(store, Settings(), None) == "jane"
    assert resolve_user(store, Settings(user="new"), None, new=True) == "new"
    with pytest.raises(InputError, match="no user 'new'"):
        resolve_user(store, Settings(user="new"), None)
    store.add_user("rick")
    with pytest.raises(InputError, match="users: jane, rick"):
        resolve_user(store, Settings(), None)


def test_set_email_refuses_header_injection(store: Store) -> None:
    with pytest.raises(InputError, match="email"):
        set_email(store, "jane", "a@example.org\r\nBcc: b@example.org")
    assert set_email(store, "jane", " jane@example.org ") == "jane@example.org"


def test_cli_web_send_and_run_give_the_same_number_of_picks(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own `top` of 2 holds on every channel (the config says 10)."""
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from paperfeed.cli import cli
    from paperfeed.web.app import create_app
    from paperfeed.web.auth import hash_password

    handler, port = inbox
    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    config = tmp_path / "config.toml"
    config.write_text(f'top = 10\n[smtp]\nhost = "127.0.0.1"\nport = {port}\n')
    store.set_setting("jane", "top", 2)
    store.set_email("jane", "jane@example.org")
    store.set_password_hash("jane", hash_password("long enough pw"))
    base = ["--db", store.path, "--config", str(config)]

    cli_out = CliRunner().invoke(cli, [*base, "digest", "--format", "json"]).output
    assert cli_out.count('"rank"') == 2

    settings = Settings(db=store.path, top=10, sources=SourcesConfig(arxiv_categories=[]),
                        smtp=SmtpConfig(host="127.0.0.1", port=port))  # fmt: skip
    app = create_app(store, patient(settings), embedder=HashingEmbedder(dim=64), secret="s")
    client = TestClient(app)
    signin = client.get("/signin").text
    csrf = signin.split('name="csrf" value="')[1].split('"')[0]
    client.post("/signin", data={"user": "jane", "password": "long enough pw", "csrf": csrf})
    assert client.get("/").text.count('class="paper"') == 2

    sent = CliRunner().invoke(cli, [*base, "send"])
    assert "2 picks, sent" in sent.output, sent.output
    store.set_setting("jane", "top", 1)  # and `run` reads the user's setting too
    store.add_user("rick")
    pipeline.import_profile(store, FIXTURES / "profile.txt", "rick")
    store.set_email("rick", "rick@example.org")
    store.set_setting("rick", "top", 1)
    report = daily.run_all(store, settings, users=["rick"], sources=[])
    assert [(r.user, r.picks, r.status) for r in report.runs] == [("rick", 1, "sent")]
    assert len(handler.messages) == 2
