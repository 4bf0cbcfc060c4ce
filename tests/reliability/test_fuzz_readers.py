"""Bad input: every reader fuzzed with hypothesis, from the text and from the bytes of a file.

Inputs are the project's valid samples mutated (truncated, spliced with random text,
bytes flipped, slices repeated), random text, and files in the wrong encoding (latin-1,
UTF-16 without a BOM), with NUL bytes, random binary, broken gzip, 5 MB lines, deeply
nested JSON and entity bombs. Every reader must return usable papers or raise an
InputError naming the input; nothing else may escape.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.files import read_path

from .ledger import record
from .readers import FILE_KINDS, READERS, check_batch, check_outcome

EXAMPLES = 120
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HUGE = 5 * 1024 * 1024


@st.composite
def mutated(draw: st.DrawFn, sample: str) -> str:
    """``sample`` after one to three random edits."""
    text = sample
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["truncate", "insert", "delete", "repeat", "flip"]))
        if edit == "truncate":
            text = text[:at]
        elif edit == "insert":
            text = text[:at] + draw(st.text(max_size=40)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        elif edit == "repeat":
            text = text[:at] + text[at : at + 300] * draw(st.integers(2, 5)) + text[at:]
        else:
            text = text[:at] + chr(draw(st.integers(0, 0x2FFF))) + text[at + 1 :]
    return text


def any_text(sample: str) -> st.SearchStrategy[str]:
    return st.one_of(mutated(sample), st.text(max_size=400))


@pytest.mark.parametrize("name", list(READERS))
def test_reader_survives_mutated_and_random_text(name: str) -> None:
    parse, sample, _ = READERS[name]
    outcomes = {"ok": 0, "error": 0}

    @FUZZ
    @given(text=any_text(sample))
    def fuzz(text: str) -> None:
        outcomes[check_outcome(parse, text, f"fuzz-{name}")] += 1

    fuzz()
    record(f"fuzz (hypothesis): {name}", inputs=sum(outcomes.values()), faults=outcomes["error"])
    assert outcomes["ok"] + outcomes["error"] >= EXAMPLES // 2


def encodings(sample: str) -> st.SearchStrategy[bytes]:
    """The sample's bytes as a user might hand them over by mistake."""
    latin = (sample + " café naïve Ünïcode").encode("latin-1", "replace")
    return st.one_of(
        st.just(latin),
        st.just(sample.encode("utf-16-le")),
        st.just(sample.encode("utf-16-be")),
        st.just(sample.encode("utf-16")),  # with a BOM: accepted
        st.builds(
            lambda at, b: latin[:at] + b + latin[at:],
            st.integers(0, len(latin)),
            st.sampled_from([b"\x00", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80"]),
        ),
        st.binary(max_size=300),
        mutated(sample).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


@pytest.mark.parametrize("name", FILE_KINDS)
def test_read_path_survives_wrong_encodings_and_binary(name: str) -> None:
    _, sample, suffix = READERS[name]
    folder = Path(tempfile.mkdtemp(prefix="pf-fuzz-"))
    outcomes = {"ok": 0, "error": 0}

    @FUZZ
    @given(data=encodings(sample), gz=st.booleans())
    def fuzz(data: bytes, gz: bool) -> None:
        path = folder / (f"input{suffix}.gz" if gz else f"input{suffix}")
        path.write_bytes(gzip.compress(data) if gz and data[:1] != b"\x00" else data)
        try:
            batch = read_path(path, kind=name)
        except InputError as exc:
            assert str(exc).startswith(str(path)), exc
            outcomes["error"] += 1
            return
        check_batch(batch)
        outcomes["ok"] += 1

    fuzz()
    record(
        f"fuzz (hypothesis): {name} file bytes",
        inputs=sum(outcomes.values()),
        faults=outcomes["error"],
    )


def test_utf16_without_bom_and_nul_bytes_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "papers.jsonl"
    path.write_bytes(READERS["jsonl"][1].encode("utf-16-le"))
    with pytest.raises(InputError) as caught:
        read_path(path)
    assert str(caught.value).startswith(f"{path}:1")
    path.write_bytes(b'{"title": "a"}\n{"title": "b\x00"}\n')
    with pytest.raises(InputError, match="NUL") as caught:
        read_path(path)
    assert str(caught.value).startswith(f"{path}:2")
    record("bad input: encodings named", inputs=2, faults=2)


def huge_inputs(name: str, sample: str) -> list[str]:
    """A 5 MB line of plain text, and the sample with a 5 MB value inside."""
    blob = "lorem ipsum " * (HUGE // 12)
    inside = {
        "jsonl": '{"id": "2501.00001", "title": "Big", "abstract": "' + blob + '"}\n',
        "csv": "title,abstract\nBig," + blob + "\n",
        "bibtex": "@article{big, title={Big}, abstract={" + blob + "}}\n",
        "csl-json": '[{"title": "Big", "abstract": "' + blob + '"}]',
        "hf-json": '[{"paper": {"id": "2501.00001", "title": "Big", "summary": "' + blob + '"}}]',
        "listing": "Jane Doe\nBig\nJane Doe\n" + blob + "\n",
    }
    xml_blob = sample.replace("</title>", blob + "</title>", 1)
    return [blob, inside.get(name, xml_blob)]


@pytest.mark.parametrize("name", list(READERS))
def test_reader_survives_5mb_lines(name: str) -> None:
    parse, sample, _ = READERS[name]
    for text in huge_inputs(name, sample):
        check_outcome(parse, text, f"huge-{name}")
    record("bad input: 5 MB lines", inputs=2, faults=2)


BOMBS = {
    "deep JSON": "[" * 100_000 + "]" * 100_000,
    "deep JSON object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "entity bomb": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<feed>&lol2;</feed>",
    "external entity": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<rss><channel><item><title>&e;</title></item></channel></rss>",
}


@pytest.mark.parametrize("name", list(READERS))
def test_reader_refuses_bombs(name: str) -> None:
    parse = READERS[name][0]
    for text in BOMBS.values():
        check_outcome(parse, text, f"bomb-{name}")
    record("bad input: nesting and entity bombs", inputs=len(BOMBS), faults=len(BOMBS))
