"""Absolute URLs: from base_url when set, else from the request; one module builds them all."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperfeed.cli import cli
from paperfeed.config import load_settings
from paperfeed.errors import InputError
from paperfeed.urls import Site, check_base_url, feed_id, site

ATOM = "{http://www.w3.org/2005/Atom}"
FIXTURES = Path(__file__).parent / "fixtures" / "cli"


def test_base_url_wins_over_the_request() -> None:
    found = site("https://papers.example.org/lab/", "http://127.0.0.1:51355/")
    assert found == Site("https://papers.example.org/lab")
    assert found.feed("alice", "t0k") == "https://papers.example.org/lab/feed/alice.atom?token=t0k"


def test_without_base_url_the_request_address_is_used() -> None:
    found = site("", "http://127.0.0.1:51355/")
    assert found is not None
    assert found.feed("alice", "t0k") == "http://127.0.0.1:51355/feed/alice.atom?token=t0k"
    assert found.today("2026-06-30") == "http://127.0.0.1:51355/?date=2026-06-30"
    assert found.settings() == "http://127.0.0.1:51355/profile#delivery"


def test_no_address_known_gives_none() -> None:
    assert site("") is None


def test_query_values_and_user_names_are_escaped() -> None:
    found = Site("https://x.example")
    assert found.feed("a b/c", "x&y") == "https://x.example/feed/a%20b%2Fc.atom?token=x%26y"
    assert feed_id("alice") == "tag:paperfeed,2026:feed:alice"


@pytest.mark.parametrize(
    "bad",
    ["127.0.0.1:8000", "ftp://x.example", "https://", "https://x.example/?a=1", "javascript:x",
     "https://x.example/#top", "http://x.example:99999"],
)  # fmt: skip
def test_a_bad_base_url_is_refused_naming_the_field(bad: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="base_url"):
        check_base_url(bad)
    config = tmp_path / "config.toml"
    config.write_text(f'base_url = "{bad}"\n')
    with pytest.raises(InputError, match="base_url"):
        load_settings(config, env={})


def _digest_atom(tmp_path: Path, *config: str) -> ET.Element:
    db = tmp_path / "pf.db"
    conf = tmp_path / "config.toml"
    conf.write_text("\n".join(config) + "\n")
    runner = CliRunner()
    base = ["--db", str(db), "--config", str(conf)]
    runner.invoke(
        cli, [*base, "profile", "import", str(FIXTURES / "profile.txt"), "--user", "jane"]
    )
    runner.invoke(cli, [*base, "ingest", str(FIXTURES / "listing.jsonl")])
    result = runner.invoke(cli, [*base, "digest", "--user", "jane", "--format", "atom"])
    assert result.exit_code == 0, result.output
    return ET.fromstring(result.output.encode())


def test_cli_atom_links_to_base_url(tmp_path: Path) -> None:
    root = _digest_atom(tmp_path, 'base_url = "https://papers.example.org"')
    links = [link.get("href") for link in root.iter(f"{ATOM}link") if link.get("rel") == "self"]
    assert links == ["https://papers.example.org/feed/jane.atom"]
    assert root.findtext(f"{ATOM}id") == "tag:paperfeed,2026:feed:jane"


def test_cli_atom_without_base_url_has_no_made_up_self_link(tmp_path: Path) -> None:
    root = _digest_atom(tmp_path)
    assert [link for link in root.iter(f"{ATOM}link") if link.get("rel") == "self"] == []
    assert "127.0.0.1:8000" not in ET.tostring(root, encoding="unicode")
    assert root.findtext(f"{ATOM}id") == "tag:paperfeed,2026:feed:jane"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [("", "http://testserver/feed/alice.atom?token="),
     ("http://papers.example.org", "http://papers.example.org/feed/alice.atom?token=")],
)  # fmt: skip
def test_profile_page_feed_address(tmp_path: Path, base_url: str, expected: str) -> None:
    pytest.importorskip("starlette")
    from paperfeed.web.app import create_app
    from tests.test_web_app import signed_in
    from tests.web_data import fake_embedder, seed_store, settings_for

    store = seed_store(tmp_path / "web.db")
    settings = settings_for(tmp_path / "web.db").model_copy(update={"base_url": base_url})
    app = create_app(store, settings, embedder=fake_embedder(), secret="s")
    page = signed_in(app, "alice").get("/profile").text
    assert f'value="{expected}' in page
    store.close()
