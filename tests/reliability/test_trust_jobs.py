"""Trust attacks on the jobs: 4. a huge profile and a user whose run fails; 8. write-lock
contention (web ratings, a big ingest, confirming a sent mail); 9. a full disk;
10. unbounded feed bodies. Real processes, a real SMTP server and HTTP server on loopback.
"""

from __future__ import annotations

import gzip
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from paperfeed.errors import SourceError
from paperfeed.records import Paper
from paperfeed.sources.http import PoliteFetcher
from paperfeed.store import Store

from .ledger import record
from .procs import child_env, paperfeed_cmd, run
from .smtpsink import Inbox, smtp_server
from .synth import synthetic_papers, write_jsonl
from .webserver import add_web_user, csrf_of, serving, sign_in

DAY = "2026-06-30"
ENV = child_env(PAPERFEED_EMBEDDER="hashing")

INSIGHT = """
import resource, sys
from paperfeed.embed import HashingEmbedder
from paperfeed.insight import profile_insight
from paperfeed.store import Store
found = profile_insight(Store.open(sys.argv[1]), "big", HashingEmbedder())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(len(found.interests), len(found.namesakes), peak, found.note, sep="|")
"""


def test_huge_profile_analysis_is_bounded(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    papers = [
        Paper(
            f"2{n % 6:d}0{n // 1000 % 10}.{n:05d}",
            f"Own paper {n} {w}",
            f"{w} methods",
            authors=("Big Owner", f"Coauthor{n % 97}"),
            date=f"20{10 + n % 16}-01-01",
        )
        for n, w in enumerate(["graph kernels", "speech", "robots", "proteins"] * 3000)
    ]
    with Store.open(db) as store:
        result = store.upsert_papers(papers, owner="big")
        store.add_profile_papers("big", result.ids)
    done = subprocess.run(
        [sys.executable, "-c", INSIGHT, str(db)],
        capture_output=True,
        text=True,
        timeout=240,
        env=ENV,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    interests, namesakes, peak, note = done.stdout.strip().split("|")
    record(
        "attack 4: 12,000-paper profile analysed",
        inputs=len(papers),
        faults=1,
        note=f"peak memory {peak} MB; {interests} interests, {namesakes} namesake flags",
    )
    assert "2,000 most recent" in note
    assert int(peak) < 1500


def test_one_users_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    db = tmp_path / "daily.db"
    listing = write_jsonl(tmp_path / "day.jsonl", synthetic_papers(30, day=DAY, seed=8))
    users = ["u0", "u1", "u2"]
    with Store.open(db) as store:
        for n, user in enumerate(users):
            own = Paper(f"2401.0000{n}", "Graph neural network study", "graph neural network")
            store.add_profile_papers(user, store.upsert_papers([own], owner=user).ids)
            store.set_email(user, f"{user}@example.org")
    # broken data of u0 only (a bad "top" setting no longer fails: digest_options falls
    # back to the config): rules that are not JSON make loading u0's profile raise
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE users SET include_keywords = 'not json' WHERE name = 'u0'")
    conn.close()
    inbox = Inbox()
    with smtp_server(inbox) as port:
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n[sources]\narxiv_categories = []\n'
        )
        done = run(
            paperfeed_cmd(db, "run", "--date", DAY, "--source", str(listing), config=cfg), env=ENV
        )
    got = inbox.per_recipient()
    record(
        "attack 4: daily job, one user fails",
        inputs=3,
        faults=1,
        lost=sum(1 for u in users[1:] if got[f"{u}@example.org"] != 1),
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "u0" in done.stdout and "failed: JSONDecodeError" in done.stdout
    assert got["u1@example.org"] == 1 and got["u2@example.org"] == 1


def test_web_answers_json_503_or_stores_once_under_a_held_lock(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    ids = [p.id for p in synthetic_papers(20, day=DAY, seed=9)]
    with Store.open(db, busy_timeout=0.5) as store:
        store.upsert_papers(synthetic_papers(20, day=DAY, seed=9))
        add_web_user(store, "rater")
        with serving(store) as base:
            client = sign_in(base, "rater")
            token = csrf_of(client.get("/profile").text)
            holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
            holder.execute("BEGIN IMMEDIATE")
            threading.Timer(6.0, lambda: holder.execute("COMMIT")).start()
            answers = [
                client.post(
                    "/feedback",
                    data={"paper_id": pid, "rating": "up", "csrf": token},
                    headers={"Accept": "application/json"},
                )
                for pid in ids[:6]
            ]
            time.sleep(6.5)
            holder.close()
        stored = [f.paper_id for f in store.feedback_events("rater")]
    ok = [pid for pid, a in zip(ids, answers, strict=False) if a.status_code == 200]
    busy = [a for a in answers if a.status_code == 503]
    record(
        "attack 8: ratings under a 6 s write lock",
        inputs=len(answers),
        faults=1,
        lost=len(set(ok) - set(stored)),
        duplicates=len(stored) - len(set(stored)),
        note=f"{len(ok)} stored after retries, {len(busy)} answered JSON 503",
    )
    assert all(a.status_code in (200, 503) for a in answers), [a.status_code for a in answers]
    assert all(a.json()["ok"] is False and a.headers["Retry-After"] for a in busy)
    assert sorted(stored) == sorted(ok)


def test_big_ingest_lets_other_writers_in(tmp_path: Path) -> None:
    db = tmp_path / "ingest.db"
    listing = write_jsonl(tmp_path / "big.jsonl", synthetic_papers(10000, day=DAY, seed=10))
    with Store.open(db) as store:
        store.add_user("rater")
    probe = sqlite3.connect(db, isolation_level=None, timeout=60)
    counts: set[int] = set()
    inside, waits = 0, []
    with subprocess.Popen(paperfeed_cmd(db, "ingest", str(listing)), env=ENV) as job:
        while job.poll() is None:
            started = time.monotonic()
            probe.execute("BEGIN IMMEDIATE")
            waits.append(time.monotonic() - started)
            counts.add(probe.execute("SELECT count(*) FROM papers").fetchone()[0])
            staged = probe.execute("SELECT count(*) FROM staged_papers").fetchone()[0]
            inside += staged > 0
            probe.execute("COMMIT")
            time.sleep(0.05)
    probe.close()
    record(
        "attack 8: 20,000-paper ingest vs another writer",
        inputs=20000,
        faults=1,
        note=f"the other writer got in {inside} times mid-ingest, longest wait {max(waits):.2f} s",
    )
    assert job.returncode == 0
    assert counts <= {0, 10000}  # all or nothing
    assert inside >= 3


class _LockingInbox(Inbox):
    """Takes the database's write lock right after accepting the first digest."""

    def __init__(self, db: Path, hold: float) -> None:
        super().__init__()
        self.db, self.hold = db, hold

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == 1:
            holder = sqlite3.connect(self.db, isolation_level=None, check_same_thread=False)
            holder.execute("BEGIN IMMEDIATE")
            threading.Timer(self.hold, lambda: (holder.execute("COMMIT"), holder.close())).start()
        return answer


def test_confirming_a_sent_mail_survives_a_held_lock(tmp_path: Path) -> None:
    db = tmp_path / "mail.db"
    listing = write_jsonl(tmp_path / "day.jsonl", synthetic_papers(30, day=DAY, seed=12))
    users = ["m0", "m1", "m2"]
    with Store.open(db) as store:
        for n, user in enumerate(users):
            own = Paper(f"2402.0000{n}", "Graph neural network study", "graph neural network")
            store.add_profile_papers(user, store.upsert_papers([own], owner=user).ids)
            store.set_email(user, f"{user}@example.org")
    inbox = _LockingInbox(db, hold=5.0)
    with smtp_server(inbox) as port:
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n[sources]\n'
            "arxiv_categories = []\n[store]\nbusy_timeout = 1.0\n"
        )
        first = run(
            paperfeed_cmd(db, "run", "--date", DAY, "--source", str(listing), config=cfg), env=ENV
        )
        time.sleep(5.5)
        second = run(paperfeed_cmd(db, "run", "--date", DAY, "--no-fetch", config=cfg), env=ENV)
    got = inbox.per_recipient()
    record(
        "attack 8: lock after SMTP accepted a digest",
        inputs=len(users),
        faults=1,
        lost=sum(1 for u in users if got[f"{u}@example.org"] == 0),
        duplicates=sum(max(0, c - 1) for c in got.values()),
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    assert got == {f"{u}@example.org": 1 for u in users}


def _no_space(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_full_disk_is_one_line_and_rolled_back(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    listing = write_jsonl(tmp_path / "many.jsonl", synthetic_papers(3000, day=DAY, seed=13))
    with Store.open(db) as store:
        store.add_user("keeper")
    size = db.stat().st_size
    done = subprocess.run(
        paperfeed_cmd(db, "ingest", str(listing)),
        env=ENV,
        capture_output=True,
        text=True,
        preexec_fn=lambda: _no_space(size + 200_000),
        timeout=120,
        check=False,
    )
    with Store.open(db) as store:
        problems, papers = store.check(), store.count_papers()
    lines = done.stderr.strip().splitlines()
    record(
        "attack 9: disk full during ingest",
        inputs=1,
        faults=1,
        note=lines[-1][:120] if lines else "",
    )
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: ")
    assert "Traceback" not in done.stderr
    assert problems == [] and papers == 0


class _Feeds(BaseHTTPRequestHandler):
    sent = 0
    bomb = gzip.compress(b"<rss>" + b" " * (300 << 20), 9)

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if self.path == "/bomb":
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
            return
        self.end_headers()
        try:
            for _ in range(300 * 16):  # 300 MB, in 64 KB writes
                self.wfile.write(b" " * 65536)
                type(self).sent += 65536
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


def test_feed_bodies_are_capped_while_streamed(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    fetcher = PoliteFetcher(httpx.Client(timeout=30), min_interval=0, retries=0, max_bytes=8 << 20)
    errors = []
    try:
        for path in ("/big", "/bomb"):
            with pytest.raises(SourceError, match="larger than") as caught:
                fetcher.get(base + path)
            errors.append(str(caught.value))
    finally:
        server.shutdown()
    record(
        "attack 10: 300 MB feed and gzip bomb",
        inputs=2,
        faults=2,
        note=f"server wrote {_Feeds.sent >> 20} MB of the 300 MB body before the cut",
    )
    assert all(base in e for e in errors)
    assert _Feeds.sent < 64 << 20
