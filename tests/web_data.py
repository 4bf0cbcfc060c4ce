"""Shared data for the web tests: a small store with two users, and a deterministic embedder."""

from __future__ import annotations

from pathlib import Path

from paperfeed.config import Settings
from paperfeed.embed import HashingEmbedder
from paperfeed.records import Paper, Reason, Recommendation
from paperfeed.store import Store, open_store
from paperfeed.web.auth import hash_password

DAY = "2026-06-30"
EARLIER = "2026-06-29"
PASSWORD = "correct horse battery"


def fake_embedder() -> HashingEmbedder:
    """A deterministic model-free embedder (hashed words), so web tests need no ONNX model."""
    return HashingEmbedder(dim=64)


def paper(pid: str, title: str, abstract: str, day: str = DAY, **extra: object) -> Paper:
    """A listed paper."""
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        authors=("Ada Lovelace", "Alan Turing"),
        categories=("cs.LG",),
        date=day,
        source="test",
        **extra,
    )  # type: ignore[arg-type]


# Own papers: Alice writes about graph networks, Bob about speech recognition.
ALICE_OWN = [
    paper(
        "2401.00001",
        "Alice graph neural networks for molecules",
        "message passing graph networks predict molecule properties",
        "2024-01-02",
    ),
    paper(
        "2401.00002",
        "Alice scalable graph transformers",
        "attention over graph nodes scales to large molecule graphs",
        "2024-01-03",
    ),
]
BOB_OWN = [
    paper(
        "2402.00001",
        "Bob streaming speech recognition",
        "low latency speech recognition with transducers",
        "2024-02-02",
    ),
]
LISTING = [
    paper(
        "2606.10001",
        "Equivariant graph networks for molecule generation",
        "we generate molecules with equivariant message passing graph networks",
    ),
    paper(
        "2606.10002",
        "Speech recognition for low resource languages",
        "transducer speech recognition adapted to low resource languages",
    ),
    paper(
        "2606.10003",
        "A <script>alert(1)</script> study of prompts",
        "prompts and <b>bold</b> claims",
        url="javascript:alert(1)",
    ),
    paper(
        "2606.10004",
        "Graph transformers meet proteins",
        "attention over protein graphs with graph transformers",
    ),
]


def recommendation(p: Paper, rank: int, interest: str) -> Recommendation:
    """A pick with one reason."""
    reason = Reason("terms", f"shared terms: {interest}", terms=(interest,))
    return Recommendation(
        paper=p, score=1.0 / rank, rank=rank, reasons=(reason,), interest=interest
    )


def seed_store(db: Path | str) -> Store:
    """A store (a SQLite file, or a ``postgresql://`` URL) with the listing, Alice's and Bob's
    profiles, and saved digests for both."""
    store = open_store(db)
    store.upsert_papers(LISTING)
    for user, own in (("alice", ALICE_OWN), ("bob", BOB_OWN)):  # uploads: their user's alone
        store.add_profile_papers(user, store.upsert_papers(own, listed=False, owner=user).ids)
    for user in ("alice", "bob"):
        store.set_password_hash(user, hash_password(PASSWORD))
    store.save_digest(
        "alice",
        DAY,
        [
            recommendation(LISTING[0], 1, "graph networks"),
            recommendation(LISTING[3], 2, "graph networks"),
            recommendation(LISTING[2], 3, "prompts"),
        ],
    )
    store.save_digest("alice", EARLIER, [recommendation(LISTING[3], 1, "graph networks")])
    store.save_digest("bob", DAY, [recommendation(LISTING[1], 1, "speech recognition")])
    return store


def settings_for(path: Path | str, base_url: str = "http://testserver") -> Settings:
    """Settings pointing at the test database."""
    return patient(Settings(db=str(path), base_url=base_url))


def patient(settings: Settings) -> Settings:
    """``settings`` whose pages wait for a new day's listing however loaded the machine is
    (the progress page shown meanwhile has its own test)."""
    web = settings.web.model_copy(update={"listing_wait_seconds": 300.0})
    return settings.model_copy(update={"web": web})
