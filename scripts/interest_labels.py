"""Print the interests of the sample profile and two author-split users (docs/relevance.md).

Usage: .venv/bin/python scripts/interest_labels.py
The labels use the packaged background's IDF (no store); embeddings are cached in
~/.cache/paperfeed/vectors.
"""

import gzip
import json
from pathlib import Path

from paperfeed.embed import NpyVectorStore
from paperfeed.ranking import Ranker
from paperfeed.records import Paper, Profile
from paperfeed.sources.files import read_path

data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
vectors = NpyVectorStore(Path.home() / ".cache/paperfeed/vectors")
ranker = Ranker(store=vectors)
space = ranker.space_for(())
profiles = {}
batch = read_path(data / "profiles/fang-han.txt")
profiles["fang-han.txt (sample profile)"] = Profile(owner="Han Fang", papers=tuple(batch.papers))
split = json.loads((data / "author-split" / "march-2026.json").read_text())
rows = {}
wanted = {pid for t in split["tasks"] for pid in t["profile"]}
with gzip.open(data / "arxiv-cs-2025.jsonl.gz", "rt") as f:
    for line in f:
        r = json.loads(line)
        if str(r["id"]) in wanted:
            rows[str(r["id"])] = r
tasks = sorted(split["tasks"], key=lambda t: -len(t["profile"]))
for t in [tasks[0], tasks[len(tasks) // 3]]:
    papers = tuple(
        Paper(
            id=p,
            title=rows[p]["title"],
            abstract=rows[p].get("abstract") or "",
            authors=tuple(rows[p].get("authors") or ()),
        )
        for p in t["profile"]
        if p in rows
    )
    profiles[f"{t['user']} (author split, {len(papers)} papers)"] = Profile(
        owner=t["user"], papers=papers
    )
for name, profile in profiles.items():
    print(f"### {name}")
    for interest in ranker.interests(profile, space):
        titles = [p.title for p in profile.papers if p.id in set(interest.paper_ids)][:3]
        print(
            f"- **{interest.label}** ({len(interest.paper_ids)} papers): "
            + "; ".join(t[:70] for t in titles)
        )
    print()
