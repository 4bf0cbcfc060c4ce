"""Read a paper file from disk: decode it strictly and hand it to the reader its kind calls for.

The kind comes from ``kind=``, else from the extension (``.gz`` is unpacked first):
``.txt`` is a listing unless it looks like a saved HF papers page, ``.jsonl``/``.ndjson``
JSON Lines, ``.json`` CSL-JSON when it holds an array (else JSON Lines), ``.bib`` BibTeX,
``.csv`` CSV.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from paperfeed.errors import InputError
from paperfeed.records import Batch
from paperfeed.sources.bibtex import read_bibtex
from paperfeed.sources.bounded import ReadLimits, read_bounded
from paperfeed.sources.csljson import read_csl_json
from paperfeed.sources.csvfile import read_csv
from paperfeed.sources.hfpage import looks_like_hf_page, read_hf_page
from paperfeed.sources.jsonl import read_jsonl, read_jsonl_path
from paperfeed.sources.listing import read_listing

READERS: dict[str, Callable[[str, str], Batch]] = {
    "listing": read_listing,
    "hf-page": read_hf_page,
    "jsonl": read_jsonl,
    "bibtex": read_bibtex,
    "csl-json": read_csl_json,
    "csv": read_csv,
}
_BY_EXTENSION = {".jsonl": "jsonl", ".ndjson": "jsonl", ".bib": "bibtex", ".csv": "csv"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_path(
    path: str | Path, *, kind: str | None = None, limits: ReadLimits | None = None
) -> Batch:
    """Read the papers in a file; InputError names the file (and line) when it cannot.

    ``limits`` caps the file's size, its uncompressed size and its gzip members.
    """
    limits = limits or ReadLimits()
    path = Path(path)
    origin = str(path)
    if kind is not None and kind not in READERS:
        raise InputError(origin, f"unknown kind {kind!r}; use one of {', '.join(READERS)}")
    compressed = path.suffix.lower() == ".gz"
    extension = Path(path.stem).suffix.lower() if compressed else path.suffix.lower()
    if compressed and (kind or _BY_EXTENSION.get(extension)) == "jsonl":
        return read_jsonl_path(path, limits=limits)
    text = decode(read_bounded(path, origin, limits, gzipped=compressed), origin)
    kind = kind or _BY_EXTENSION.get(extension) or _sniff(extension, text, origin)
    return READERS[kind](text, origin)


def decode(data: bytes, origin: str) -> str:
    """UTF-8 text (a BOM is dropped; UTF-16 with a BOM is accepted); else an InputError."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(origin, f"not valid UTF-16 text at byte {exc.start}") from exc
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(origin, f"a binary file, not text (NUL byte at offset {nul})", line=line)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            origin,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}; "
            "save the file as UTF-8",
            line=line,
        ) from exc


def _sniff(extension: str, text: str, origin: str) -> str:
    """The kind of a .txt or .json file by its content."""
    if extension == ".txt":
        return "hf-page" if looks_like_hf_page(text) else "listing"
    if extension == ".json":
        return "csl-json" if _holds_csl(text) else "jsonl"
    raise InputError(
        origin,
        f"cannot tell the file type from the name; pass kind= one of {', '.join(READERS)}",
    )


def _holds_csl(text: str) -> bool:
    """A JSON array, or one pretty-printed object that is not a JSON Lines paper record."""
    start = text.lstrip()[:1]
    if start != "{":
        return start == "["
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "authors" not in value
