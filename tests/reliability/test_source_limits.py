"""Limits probes of issue 15's inputs: every source of the registry, the Zotero sync and the
LLM endpoint read a huge answer only up to their cap, then fail naming it (nothing stored).
A source added to the registry without a probe here fails the first test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from paperfeed import pipeline
from paperfeed.config import LimitsConfig
from paperfeed.errors import SourceError
from paperfeed.sources import registry
from paperfeed.sources.http import PoliteFetcher
from paperfeed.sources.zotero import Library, ZoteroReader
from paperfeed.store import Store
from paperfeed.summarize.client import MAX_RESPONSE, ChatClient, LlmError

from .fakesite import redirecting_client
from .ledger import record

#: One spec per scheme and kind: the probe each source gets.
PROBES = {
    ("arxiv", "listing"): "arxiv:cs.LG",
    ("oai", "listing"): "oai:cs",
    ("hf", "listing"): "hf:2026-06-30",
    ("biorxiv", "listing"): "biorxiv:neuroscience",
    ("medrxiv", "listing"): "medrxiv:",
    ("openalex", "listing"): "openalex:C41008148",
    ("openalex", "profile"): "openalex:A5023888391",
    ("orcid", "profile"): "orcid:0000-0002-1825-0097",
    ("openreview", "listing"): "openreview:ICLR.cc/2025/Conference",
    ("https", "listing"): "https://feeds.example.org/papers.xml",
    ("http", "listing"): "http://feeds.example.org/papers.xml",
}
CAP = 1 << 20


class _Huge(BaseHTTPRequestHandler):
    """Answers every request with 40 MB of JSON-looking bytes, in 64 KB writes."""

    sent = 0

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(b'{"results": [')
            for _ in range(640):
                self.wfile.write(b" " * 65536)
                type(self).sent += 65536
        except OSError:
            pass

    do_GET = do_POST = _huge

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def huge() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Huge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_every_registry_source_has_a_probe() -> None:
    kinds = {
        (s.scheme, kind)
        for s in registry.SOURCES
        for kind in ("listing", "profile")
        if getattr(s, kind)
    }
    assert kinds == set(PROBES)


@pytest.mark.parametrize(("key", "spec"), sorted(PROBES.items()), ids=lambda v: str(v))
def test_a_huge_answer_is_cut_at_the_cap(huge: int, key: tuple[str, str], spec: str) -> None:
    store = Store.open(":memory:")
    client = redirecting_client(huge, timeout=30)
    fetcher = PoliteFetcher(client, min_interval=0, retries=0, max_bytes=CAP)
    limits = LimitsConfig(feed_bytes=CAP)
    with pytest.raises(SourceError, match="larger than"):
        if key[1] == "profile":
            pipeline.import_profile(store, spec, "jo", client=fetcher)
        else:
            pipeline.ingest(store, spec, client=fetcher, allow_private=True, limits=limits)
    assert store.count_papers() == 0


def test_zotero_and_the_llm_endpoint_are_capped(huge: int) -> None:
    client = redirecting_client(huge, timeout=30)
    fetcher = PoliteFetcher(client, min_interval=0, retries=0, max_bytes=CAP)
    with pytest.raises(SourceError, match="larger than"):
        ZoteroReader(fetcher, Library("users", "1"), "key").changes(0)
    llm = ChatClient(f"http://127.0.0.1:{huge}/v1", "m", retries=0, http=httpx.Client(timeout=30))
    with pytest.raises(LlmError, match="more than"):
        llm.complete([{"role": "user", "content": "hi"}])
    record(
        "issue 15 limits: sources, Zotero, LLM answers",
        inputs=len(PROBES) + 2,
        faults=len(PROBES) + 2,
        note=f"every answer cut at its cap (feeds {CAP:,} B, LLM {MAX_RESPONSE:,} B)",
    )
