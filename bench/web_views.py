"""The web app's first views of a day, run as its own process by bench_digest.py.

Usage: .venv/bin/python bench/web_views.py DB DATE USER [--users 5]
Makes ``--users`` copies of USER's profile, then times what `paperfeed serve` does for a
day without saved digests: preparing the day in a new process (its vectors are in the
store), each copy's first digest of the day (trains the copy's models: a new user), and
one copy's digest again (its models trained). Prints the timings as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from paperfeed.config import Settings
from paperfeed.pipeline import build_digest
from paperfeed.store import Store
from paperfeed.web.pages import WebContext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("date")
    parser.add_argument("user")
    parser.add_argument("--users", type=int, default=5)
    args = parser.parse_args()
    with Store(args.db) as store:
        own = [  # the uploaded papers under the ids they were uploaded with
            replace(paper, id=paper.id.split(":", 2)[-1])
            for paper, _ in store.profile_links(args.user)
        ]
        copies = [f"{args.user}-web-{n}" for n in range(args.users)]
        for name in copies:  # each copy uploads the same papers: its own rows
            store.add_profile_papers(name, store.upsert_papers(own, listed=False, owner=name).ids)
        context = WebContext(store, Settings(db=str(args.db)))
        assert context.ranker  # the model loads at start-up; it is not what is measured
        started = time.perf_counter()
        context.prepared(args.date)
        prepare = time.perf_counter() - started

        def view(name: str) -> float:
            started = time.perf_counter()
            digest = build_digest(
                store, name, day=args.date, prepared=context.prepared(args.date),
                ranker=context.ranker,
            )  # fmt: skip
            assert digest.date == args.date and digest.recommendations, digest.note
            return time.perf_counter() - started

        views = [view(name) for name in copies]
        again = view(copies[0])
    print(json.dumps({"prepare": prepare, "views": views, "again": again}))


if __name__ == "__main__":
    main()
