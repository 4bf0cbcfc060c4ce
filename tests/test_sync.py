"""Live Zotero sync against recorded Zotero Web API v3 responses (an injected transport):
incremental reads, deletions kept in step, collections, and faults."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from replay import FakeTime, fixture, polite_fetcher

from paperfeed.cli import cli
from paperfeed.errors import InputError, SourceError
from paperfeed.sources.http import PoliteFetcher
from paperfeed.store import Store
from paperfeed.sync import sync_zotero

ENV = {"PAPERFEED_ZOTERO_LIBRARY_ID": "475425", "PAPERFEED_ZOTERO_API_KEY": "k3y"}


class FakeZotero:
    """Serves the recorded library: version 100 in full, the changes up to 105, then 304."""

    def __init__(self) -> None:
        self.version = 100
        self.requests: list[httpx.Request] = []
        self.faults: list[httpx.Response] = []
        self.fake = FakeTime()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.faults:
            return self.faults.pop(0)
        path, since = request.url.path, int(request.url.params.get("since", 0))
        head = {"Last-Modified-Version": str(self.version)}
        if path.endswith("/collections"):
            return _json(fixture("zotero_collections.json"), head, total=3)
        if path.endswith("/deleted"):
            return _json(fixture("zotero_deleted_since_100.json"), head)
        if since >= self.version:
            return httpx.Response(304, headers=head)
        name = "zotero_items_all.json" if since == 0 else "zotero_items_since_100.json"
        return _json(fixture(name), head, total=len(httpx.Response(200, text=fixture(name)).json()))

    def client(self) -> PoliteFetcher:
        return polite_fetcher(self, self.fake)


def _json(text: str, headers: dict[str, str], total: int | None = None) -> httpx.Response:
    extra = {"Total-Results": str(total)} if total is not None else {}
    return httpx.Response(200, text=text, headers={**headers, **extra})


def _titles(store: Store, user: str = "jo") -> list[str]:
    return sorted(paper.title for paper, _ in store.profile_links(user))


def test_first_sync_then_changes_then_nothing() -> None:
    store, site = Store.open(":memory:"), FakeZotero()
    first = sync_zotero(store, "jo", env=ENV, client=site.client())
    assert (first.since, first.version, first.linked) == (0, 100, 3)
    assert _titles(store) == [
        "Pottery in the age of large language models",
        "Psychoceramics: the study of cracked pots",
        "Toward a unified theory of cracked pots",
    ]  # the attachment and the note are not papers
    request = site.requests[0]
    assert request.headers["Zotero-API-Key"] == "k3y" and "k3y" not in str(request.url)
    assert request.url.path == "/users/475425/items"
    assert "If-Modified-Since-Version" not in request.headers
    owned = store.get_paper("doi:10.5555/12345678", user="jo")
    assert owned is not None and store.get_paper("doi:10.5555/12345678", user="other") is None

    site.version = 105
    second = sync_zotero(store, "jo", env=ENV, client=site.client())
    assert site.requests[-2].headers["If-Modified-Since-Version"] == "100"
    assert site.requests[-1].url.path == "/users/475425/deleted"
    assert (second.since, second.version) == (100, 105)
    assert (second.linked, second.removed) == (1, 2)  # new kiln paper; trashed + deleted out
    assert _titles(store) == [
        "Kiln temperature and crack patterns",
        "Toward a unified theory of cracked pots",
    ]
    asked = len(site.requests)
    third = sync_zotero(store, "jo", env=ENV, client=site.client())
    assert len(site.requests) == asked + 1 and third.version == 105
    assert "unchanged" in third.line() and len(_titles(store)) == 2


def test_collections_with_their_subcollections() -> None:
    store, site = Store.open(":memory:"), FakeZotero()
    sync_zotero(store, "jo", include=["My papers"], env=ENV, client=site.client())
    assert _titles(store) == [
        "Psychoceramics: the study of cracked pots",
        "Toward a unified theory of cracked pots",
    ]
    site.version = 105
    sync_zotero(store, "jo", include=["My papers"], env=ENV, client=site.client())
    # the preprint moved to another collection, the kiln paper is in a subcollection
    assert _titles(store) == ["Kiln temperature and crack patterns"]
    with pytest.raises(InputError, match="no collection 'Nope'"):
        sync_zotero(store, "jo", include=["Nope"], env=ENV, client=site.client())


def test_a_paper_imported_before_stays_when_zotero_drops_it(tmp_path: Path) -> None:
    store, site = Store.open(":memory:"), FakeZotero()
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{c, title={Psychoceramics: the study of cracked pots}, "
        "author={Carberry, Josiah}, doi={10.5555/12345678}, year={2024}}\n"
    )
    from paperfeed.pipeline import import_profile

    import_profile(store, bib, "jo")
    sync_zotero(store, "jo", env=ENV, client=site.client())
    site.version = 105
    sync_zotero(store, "jo", env=ENV, client=site.client())
    assert "Psychoceramics: the study of cracked pots" in _titles(store)


def test_rate_limits_are_waited_out_and_refusals_change_nothing() -> None:
    store, site = Store.open(":memory:"), FakeZotero()
    site.faults = [httpx.Response(429, headers={"Retry-After": "5"})]
    assert sync_zotero(store, "jo", env=ENV, client=site.client()).linked == 3
    assert 5.0 in site.fake.sleeps
    other = Store.open(":memory:")
    site.faults = [httpx.Response(403, text="Forbidden")]
    with pytest.raises(SourceError, match="HTTP 403"):
        sync_zotero(other, "jo", env=ENV, client=site.client())
    assert other.sync_state("jo", "users/475425") is None and _titles(other) == []


def test_a_library_changing_mid_sync_is_refused() -> None:
    store, site = Store.open(":memory:"), FakeZotero()
    page = fixture("zotero_items_all.json")
    site.faults = [
        _json(page, {"Last-Modified-Version": "100"}, total=400),
        _json(page, {"Last-Modified-Version": "101"}, total=400),
    ]
    with pytest.raises(SourceError, match="changed during the sync"):
        sync_zotero(store, "jo", env=ENV, client=site.client())
    assert _titles(store) == []


def test_the_cli_names_a_missing_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERFEED_ZOTERO_LIBRARY_ID", raising=False)
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "d.db"), "profile", "sync", "zotero", "--user", "jo"]
    )
    assert result.exit_code == 1 and "PAPERFEED_ZOTERO_LIBRARY_ID" in result.output
