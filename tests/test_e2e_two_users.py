"""The delivery story end to end: two people sign up, import their papers, get a replayed
day by mail and on the web, rate papers, and see the next day's digest change."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from smtp_inbox import Inbox
from starlette.testclient import TestClient

from paperfeed import daily, pipeline
from paperfeed.config import Settings, SmtpConfig, SourcesConfig
from paperfeed.embed import HashingEmbedder
from paperfeed.store import Store
from paperfeed.web.app import create_app
from tests.web_data import patient

DAY1, DAY2 = "2026-06-29", "2026-06-30"
EMBEDDER = HashingEmbedder(dim=512)
PASSWORD = "a long test password"

RETRIEVAL = [
    "sparse retrieval",
    "dense passage retrieval",
    "query expansion",
    "reranking",
    "citation recommendation",
    "learned term weights",
    "search engines",
    "BM25",
]
PROTEIN = [
    "protein folding",
    "protein structure",
    "enzyme design",
    "molecular docking",
    "antibody design",
    "protein language models",
    "binding affinity",
    "amino acids",
]


def _listing_file(tmp_path: Path) -> Path:
    rows = []
    for day_number, day in enumerate((DAY1, DAY2)):
        for topic, words in (("ret", RETRIEVAL), ("pro", PROTEIN)):
            for i, word in enumerate(words):
                other = words[(i + 3) % len(words)]
                rows.append(
                    {
                        "id": f"2606.{day_number}{topic == 'pro':d}{i:03d}",
                        "title": f"{word.title()} with {other}",
                        "abstract": f"We study {word} and {other}. Our {word} method improves "
                        f"{other} on standard benchmarks for {word}.",
                        "authors": [f"Author {topic}{i}"],
                        "categories": ["cs.LG"],
                        "date": day,
                    }
                )
    path = tmp_path / "listing.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _profile_file(tmp_path: Path, name: str, topics: list[str]) -> Path:
    lines = [name]
    for i, topic in enumerate(topics):
        lines += [
            f"Advances in {topic} number {i}",
            f"{name}, Coauthor, Pat{i}",
            f"We improve {topic} and {topics[(i + 1) % len(topics)]} with new methods.",
        ]
    path = tmp_path / f"{name.split(',')[0].lower()}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def _sign_up_and_import(client: TestClient, user: str, profile: Path) -> None:
    data = {"user": user, "password": PASSWORD, "csrf": _csrf(client, "/signup")}
    assert client.post("/signup", data=data).status_code == 303
    files = {"file": (profile.name, profile.read_bytes(), "text/plain")}
    response = client.post("/profile/import", data={"csrf": _csrf(client, "/profile")}, files=files)
    assert response.status_code == 303, response.text
    settings = {
        "top": "6",
        "schedule": "daily",
        "email": f"{user}@example.org",
        "csrf": _csrf(client, "/profile"),
    }
    assert client.post("/profile/settings", data=settings).status_code == 303


def _protein_places(store: Store, user: str, day: str) -> list[int]:
    """Where the protein papers stand in the user's full ranking of the day."""
    digest = pipeline.build_digest(store, user, day=day, top=16, embedder=EMBEDDER)
    return [r.rank for r in digest.recommendations if r.paper.id[6] == "1"]


def test_two_users_mail_web_feedback_next_digest(tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    db = tmp_path / "pf.db"
    store = Store.open(db)
    settings = Settings(
        db=str(db),
        smtp=SmtpConfig(host="127.0.0.1", port=port),
        sources=SourcesConfig(arxiv_categories=[]),
    )
    app = create_app(store, patient(settings), embedder=EMBEDDER, secret="e2e")
    ann = TestClient(app, follow_redirects=False)
    ben = TestClient(app, follow_redirects=False)
    _sign_up_and_import(ann, "ann", _profile_file(tmp_path, "Ng, Ann", RETRIEVAL + PROTEIN))
    _sign_up_and_import(ben, "ben", _profile_file(tmp_path, "Ode, Ben", PROTEIN))
    pipeline.ingest(store, str(_listing_file(tmp_path)))  # both days, replayed one by one

    report = daily.run_all(store, settings, day=DAY1, sources=[], embedder=EMBEDDER)
    assert not report.failed and [r.status for r in report.runs] == ["sent", "sent"]
    mails = {m["To"]: m for m in handler.messages}
    assert set(mails) == {"ann@example.org", "ben@example.org"}
    html = next(p for p in mails["ann@example.org"].walk() if p.get_content_type() == "text/html")
    assert "arxiv.org/abs/2606." in html.get_payload(decode=True).decode()

    page = ann.get(f"/?date={DAY1}").text
    shown = re.findall(r'<article class="paper" id="p-([^"]+)"', page)
    assert len(shown) == 6
    assert "Ng, Ann" not in ben.get("/profile").text  # Ben never sees Ann's profile
    for pid in shown:  # Ann likes protein papers and dislikes retrieval ones
        rating = "up" if pid[6] == "1" else "down"
        data = {"paper_id": pid, "rating": rating, "next": "/", "csrf": _csrf(ann, "/")}
        assert ann.post("/feedback", data=data).status_code == 303
    assert len(store.feedback("ann")) == 6 and store.feedback("ben") == []

    without = tmp_path / "without-feedback.db"
    with sqlite3.connect(db) as source, sqlite3.connect(without) as copy:
        source.backup(copy)  # the WAL too, which a file copy would miss
    with Store.open(without) as plain:
        for fb in plain.feedback("ann"):
            plain.add_feedback(type(fb)(fb.user, fb.paper_id, 0, fb.at))
        before = _protein_places(plain, "ann", DAY2)
    after = _protein_places(store, "ann", DAY2)
    assert sum(after) < sum(before), f"protein papers' places: {before} -> {after}"
    runs = daily.run_all(store, settings, day=DAY2, sources=[], embedder=EMBEDDER).runs
    assert [r.status for r in runs] == ["sent", "sent"] and len(handler.messages) == 4
    store.close()
