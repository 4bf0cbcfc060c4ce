"""What a user reaches for: --version, users, config init, --user defaults, email, --quiet."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperfeed.cli import cli
from paperfeed.config import Settings, load_settings
from paperfeed.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "cli"
PROFILE = str(FIXTURES / "profile.txt")
LISTING = str(FIXTURES / "listing.jsonl")


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAPERFEED_CONFIG", os.devnull)
    monkeypatch.setenv("PAPERFEED_EMBEDDER", "hashing")
    monkeypatch.delenv("PAPERFEED_USER", raising=False)
    return tmp_path / "pf.db"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"paperfeed {version('paperfeed')}"


def test_users_lists_profile_size_last_digest_and_address(db: Path) -> None:
    assert "no users yet" in run(db, "users").output
    run(db, "profile", "import", PROFILE, "--user", "jane")
    run(db, "profile", "import", PROFILE, "--user", "rick")
    run(db, "ingest", LISTING)
    run(db, "digest", "--user", "jane")
    run(db, "email", "--user", "jane", "jane@example.org")
    run(db, "profile", "exclude", "--user", "rick", _first_paper(db, "rick"))
    lines = run(db, "users").output.splitlines()
    assert lines[0].split() == ["user", "papers", "last", "digest", "e-mail", "schedule", "top"]
    assert lines[1].split() == ["jane", "2", "2026-06-30", "jane@example.org", "daily", "10"]
    assert lines[2].split() == ["rick", "1/2", "-", "-", "daily", "10"]


def _first_paper(db: Path, user: str) -> str:
    with Store.open(db) as store:
        return store.profile_links(user)[0][0].id


def test_config_init_writes_a_commented_file_that_loads_as_the_defaults(
    db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "conf" / "paperfeed.toml"
    result = run(db, "--config", str(path), "config", "init")
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert text.count("#") > 20 and "base_url" in text and "PAPERFEED_SMTP_PASSWORD" in text
    tomllib.loads(text)
    loaded = load_settings(path, env={})
    assert loaded.model_dump(exclude={"db"}) == Settings().model_dump(exclude={"db"})
    again = run(db, "--config", str(path), "config", "init")
    assert again.exit_code == 1 and "--force" in again.output
    assert run(db, "--config", str(path), "config", "init", "--force").exit_code == 0
    shown = run(db, "--config", str(path), "config", "show")
    assert shown.exit_code == 0 and str(path) in shown.output and '"top": 10' in shown.output


def test_a_config_file_that_is_not_there_is_an_error(db: Path, tmp_path: Path) -> None:
    result = run(db, "--config", str(tmp_path / "typo.toml"), "users")
    assert result.exit_code == 1
    assert "typo.toml: no such config file" in result.output
    assert "paperfeed config init" in result.output


def test_a_config_file_named_by_the_environment_must_be_there_too(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERFEED_CONFIG", str(tmp_path / "typo.toml"))
    result = run(db, "users")
    assert result.exit_code == 1
    assert "typo.toml: no such config file" in result.output
    assert run(db, "config", "init").exit_code == 0  # which writes it
    assert run(db, "users").exit_code == 0


def test_user_comes_from_the_only_user_then_config_then_env(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_one = run(db, "profile", "show")
    assert no_one.exit_code == 1 and "--user" in no_one.output
    run(db, "profile", "import", PROFILE)  # a first import needs a name
    assert not Store.open(db).users()
    run(db, "profile", "import", PROFILE, "--user", "jane")
    assert run(db, "profile", "show").output.startswith("jane: 2 papers")  # the only user
    run(db, "profile", "import", PROFILE, "--user", "rick")
    two = run(db, "profile", "show")
    assert two.exit_code == 1 and "users: jane, rick" in two.output
    config = tmp_path / "config.toml"
    config.write_text('user = "rick"\n')
    assert run(db, "--config", str(config), "profile", "show").output.startswith("rick:")
    monkeypatch.setenv("PAPERFEED_USER", "jane")
    assert run(db, "--config", str(config), "profile", "show").output.startswith("jane:")
    assert run(db, "profile", "show", "--user", "rick").output.startswith("rick:")
    unknown = run(db, "profile", "show", "--user", "nobody")
    assert (
        unknown.exit_code == 1 and "paperfeed profile import FILE --user nobody" in unknown.output
    )


def test_email_has_its_own_command(db: Path) -> None:
    run(db, "profile", "import", PROFILE, "--user", "jane")
    assert "no e-mail address" in run(db, "email").output
    assert run(db, "email", "jane@example.org").exit_code == 0
    assert run(db, "email").output.strip() == "jane@example.org"
    bad = run(db, "email", "jane@example.org\nBcc: x@evil.example")
    assert bad.exit_code == 1 and "email" in bad.output
    assert Store.open(db).email("jane") == "jane@example.org"
    assert run(db, "email", "not an address").exit_code == 1
    assert run(db, "email", "--remove").exit_code == 0
    assert Store.open(db).email("jane") is None


def test_settings_command_sets_what_every_channel_reads(db: Path) -> None:
    run(db, "profile", "import", PROFILE, "--user", "jane")
    run(db, "ingest", LISTING)
    shown = run(db, "settings", "--top", "2", "--threshold", "-5", "--schedule", "weekdays")
    assert shown.output.strip() == "jane: top 2, threshold -5, schedule weekdays, e-mail -"
    result = run(db, "digest", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output.count('"rank"') == 2
    assert "threshold none" in run(db, "settings", "--threshold", "none").output
    assert run(db, "settings", "--top", "0").exit_code == 1


def test_quiet_leaves_out_summaries_but_not_output_or_errors(db: Path) -> None:
    loud = run(db, "profile", "import", PROFILE, "--user", "jane")
    assert "read 2 papers" in loud.output
    quiet = run(db, "--quiet", "profile", "import", PROFILE, "--user", "rick")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert run(db, "-q", "ingest", LISTING).output == ""
    digest = run(db, "-q", "digest", "--user", "jane")
    assert "paperfeed for jane" in digest.output
    failed = run(db, "-q", "digest", "--user", "nobody")
    assert failed.exit_code == 1 and "nobody" in failed.output
