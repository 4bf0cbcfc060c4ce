"""A coverage-guided fuzz target (atheris / libFuzzer) over every paperfeed reader.

Run as a script: ``python atheris_harness.py COUNTS_FILE [libFuzzer flags] [CORPUS_DIR]``.
The first byte of an input picks the reader, the rest is its text. Anything but a Batch
or an InputError naming the origin is a crash (libFuzzer exits non-zero, printing the
input). Every 200 inputs the per-reader counts are written to COUNTS_FILE as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["paperfeed"]):
    from paperfeed.errors import InputError
    from paperfeed.sources.arxiv_api import parse_arxiv_atom
    from paperfeed.sources.files import READERS as FILE_READERS
    from paperfeed.sources.hf_api import parse_hf_daily
    from paperfeed.sources.oaipmh import parse_oai_page
    from paperfeed.sources.rss import parse_feed

PARSERS = {
    **FILE_READERS,
    "arxiv-atom": parse_arxiv_atom,
    "oai-page": lambda text, origin: parse_oai_page(text, origin)[0],
    "feed": parse_feed,
    "hf-json": parse_hf_daily,
}
NAMES = sorted(PARSERS)
COUNTS = dict.fromkeys(NAMES, 0)
COUNTS_FILE = Path(sys.argv.pop(1))


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    text = data[1:].decode("utf-8", "replace")
    COUNTS[name] += 1
    if sum(COUNTS.values()) % 200 == 0:
        COUNTS_FILE.write_text(json.dumps(COUNTS))
    try:
        batch = PARSERS[name](text, "atheris-input")
    except InputError as exc:
        if not str(exc).startswith("atheris-input"):
            raise AssertionError(f"error does not name the input: {exc}") from exc
        return
    for paper in batch.papers:
        if not paper.id or not paper.title.strip():
            raise AssertionError(f"unusable paper from {name}: {paper}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
