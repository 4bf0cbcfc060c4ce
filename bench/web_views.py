"""The web app's first digest views of a day, run as its own process by bench_digest.py.

Usage: .venv/bin/python bench/web_views.py DB DATE USER [--users 5]
Makes ``--users`` copies of USER's profile, then times what `paperfeed serve` does for a
day without saved digests: the warm-up (``WebContext.prepared``: the day prepared once),
each copy's first digest of the day ranked from that shared index, and for comparison one
digest that prepares the day itself (what every view did before the index was shared).
Prints the timings as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from paperfeed.config import Settings
from paperfeed.pipeline import build_digest
from paperfeed.store import Store
from paperfeed.web.pages import WebContext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("date")
    parser.add_argument("user")
    parser.add_argument("--users", type=int, default=5)
    args = parser.parse_args()
    with Store(args.db) as store:
        own = [paper.id for paper, _ in store.profile_links(args.user)]
        copies = [f"{args.user}-web-{n}" for n in range(args.users + 1)]
        for name in copies:
            store.add_user(name)
            store.add_profile_papers(name, own)
        context = WebContext(store, Settings(db=str(args.db)))
        assert context.embedder  # the model loads at start-up; it is not what is measured
        started = time.perf_counter()
        context.prepared(args.date)
        warm_up = time.perf_counter() - started
        views = []
        for name in copies[1:]:
            started = time.perf_counter()
            digest = build_digest(
                store,
                name,
                day=args.date,
                embedder=context.embedder,
                prepared=context.prepared(args.date),
            )
            views.append(time.perf_counter() - started)
            assert digest.date == args.date and digest.recommendations, digest.note
        started = time.perf_counter()
        build_digest(store, copies[0], day=args.date, embedder=context.embedder)
        unshared = time.perf_counter() - started
    print(json.dumps({"warm_up": warm_up, "views": views, "unshared": unshared}))


if __name__ == "__main__":
    main()
