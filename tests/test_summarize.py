"""LLM summaries against a local HTTP server replaying recorded chat-completions responses:
cached once per paper for all users, a "why" per user grounded in the reasons, and every
failure (errors, timeouts, refusals, garbage) falling back to the abstract, noted."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from local_http import LocalServer, Reply, Seen
from replay import fixture

from paperfeed import deliver, pipeline
from paperfeed.config import LlmConfig, Settings
from paperfeed.records import Digest, Paper, Reason, Recommendation
from paperfeed.store import Store
from paperfeed.summarize import Summarizer, make_client
from paperfeed.summarize.client import LlmError
from paperfeed.summarize.prompts import checked

DAY = "2026-06-30"
TLDR = "The authors propose a load-aware router that drops overflow tokens"


def _paper(n: int, title: str) -> Paper:
    return Paper(f"2606.0000{n}", title, f"Abstract of {title}.", ("A. Author",), date=DAY)


PAPERS = [_paper(1, "Mixture routing"), _paper(2, "Graph kernels"), _paper(3, "Speech tokens")]


def _digest(user: str, papers: list[Paper] = PAPERS) -> Digest:
    reasons = (
        Reason("similar", "", "own:1", "My MoE paper", 0.62),
        Reason("terms", "", terms=("routing", "experts")),
    )
    recs = tuple(Recommendation(p, 1.0, n, reasons, "routing") for n, p in enumerate(papers, 1))
    return Digest(user, DAY, recs)


class Script:
    """Answers by the paper a request is about (its title in the prompt), else recorded OKs."""

    def __init__(self) -> None:
        self.steps: dict[str, list[Reply]] = {}

    def __call__(self, seen: Seen) -> Reply:
        messages = seen.json()["messages"]
        for title, steps in self.steps.items():
            if title in messages[1]["content"] and steps:
                return steps.pop(0)
        why = "why a new paper matters" in messages[0]["content"]
        return Reply(body=fixture("chat_why.json" if why else "chat_tldr.json"))


def recorded(name: str, status: int = 200, **headers: str) -> Reply:
    return Reply(status, fixture(name), headers)


@pytest.fixture()
def llm() -> Iterator[tuple[LocalServer, Script]]:
    script = Script()
    with LocalServer(script) as server:
        yield server, script


def _config(url: str, **knobs: object) -> LlmConfig:
    values: dict[str, object] = {"base_url": f"{url}/v1", "model": "llama-3.1-8b-instruct"}
    values.update({"timeout": 2.0, "retries": 1, "budget": 20.0, "language": "German"})
    return LlmConfig.model_validate({**values, **knobs})


def _summarizer(store: Store, config: LlmConfig, key: str = "") -> Summarizer:
    return Summarizer(store, config, make_client(config, key))


def _store() -> Store:
    store = Store.open(":memory:")
    store.upsert_papers(PAPERS)
    return store


def test_tldr_once_for_everyone_why_per_user(llm: tuple[LocalServer, Script]) -> None:
    server, _ = llm
    store, config = _store(), _config(server.url)
    alice, report = _summarizer(store, config, "sk-test").summarize(_digest("alice"))
    assert report.made == 6 and not report.failed and report.notes() == []
    first = alice.recommendations[0].summary
    assert first is not None and first.tldr.startswith(TLDR) and first.model == config.model
    assert first.why.startswith("It tackles the routing imbalance")
    seen = server.seen
    assert len(seen) == 6 and seen[0].path == "/v1/chat/completions"
    assert seen[0].headers["Authorization"] == "Bearer sk-test"
    body = seen[0].json()
    assert body["model"] == "llama-3.1-8b-instruct" and "German" in body["messages"][0]["content"]
    why_prompts = [s.json()["messages"][1]["content"] for s in seen if "reader" in s.body.decode()]
    assert all("My MoE paper" in p and "routing, experts" in p for p in why_prompts)

    bob, report = _summarizer(store, config).summarize(_digest("bob"))
    assert len(server.seen) == 9 and report.cached == 3 and report.made == 3  # only bob's whys
    assert bob.recommendations[0].summary.tldr == first.tldr  # type: ignore[union-attr]
    _, report = _summarizer(store, config).summarize(_digest("bob"))
    assert len(server.seen) == 9 and report.cached == 6  # all from the store
    german = _config(server.url, language="French")
    _summarizer(store, german).summarize(_digest("bob"))
    assert len(server.seen) == 15  # another language is another summary


FAULTS = {
    "refusal": [recorded("chat_refusal.json")],
    "content filter": [recorded("chat_content_filter.json")],
    "filter 400": [recorded("chat_filter_400.json", 400)],
    "garbage": [recorded("chat_garbage.json")],
    "template": [recorded("chat_template_leak.json")],
    "repeat": [recorded("chat_repeat.json")],
    "sorry": [recorded("chat_sorry_text.json")],
    "no choices": [recorded("chat_no_choices.json")],
    "bad gateway": [recorded("chat_bad_gateway.html", 200)],
    "timeout": [Reply(body=fixture("chat_tldr.json"), delay=1.5)] * 2,
    "dead": [recorded("chat_server_error.json", 500)] * 2,
    "unauthorized": [Reply(401, '{"error": {"message": "Incorrect API key provided"}}')],
}
KINDS = {
    "refusal": "refusal",
    "content filter": "refusal",
    "filter 400": "refusal",
    "garbage": "garbage",
    "template": "garbage",
    "repeat": "garbage",
    "sorry": "refusal",
    "no choices": "garbage",
    "bad gateway": "garbage",
    "timeout": "timeout",
    "dead": "busy",
    "unauthorized": "http",
}


def test_every_failure_falls_back_to_the_abstract(llm: tuple[LocalServer, Script]) -> None:
    server, script = llm
    papers = [_paper(n, f"Paper {name}") for n, name in enumerate(FAULTS)]
    store = Store.open(":memory:")
    store.upsert_papers(papers)
    for name, steps in FAULTS.items():
        script.steps[f"Paper {name}"] = list(steps)
    config = _config(server.url, timeout=0.5, retries=1, concurrency=6)
    digest, report = _summarizer(store, config).summarize(_digest("alice", papers))
    assert sum(report.failed.values()) == len(FAULTS)
    expected: dict[str, int] = {}
    for kind in KINDS.values():
        expected[kind] = expected.get(kind, 0) + 1
    assert dict(report.failed) == expected
    for rec in digest.recommendations:  # no TL;DR: every channel shows the abstract
        assert rec.summary is None or rec.summary.tldr == ""
    assert store.cached_summaries([p.id for p in papers], config.model, "German", 1) == {}
    (note,) = report.notes("alice")
    assert note.startswith(f"LLM summaries for alice: {len(FAULTS)} of ") and "refusal 4" in note
    text = deliver.render_plain_email(digest)
    assert "Abstract of Paper refusal." in text and "TL;DR" not in text


def test_retries_honour_retry_after_then_succeed(llm: tuple[LocalServer, Script]) -> None:
    server, script = llm
    store = _store()
    script.steps["Mixture routing"] = [
        recorded("chat_rate_limit.json", 429, **{"Retry-After": "0"}),
        recorded("chat_server_error.json", 503),
        recorded("chat_think.json"),
    ]
    config = _config(server.url, retries=2)
    digest, report = _summarizer(store, config).summarize(_digest("alice", PAPERS[:1]))
    summary = digest.recommendations[0].summary
    assert summary is not None and summary.tldr.startswith("Diffusion policies are distilled")
    assert "<think>" not in summary.tldr and not report.failed


def test_a_dead_endpoint_gives_up_quickly() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    papers = [_paper(n, f"Title {n}") for n in range(1, 10)]
    store = Store.open(":memory:")
    store.upsert_papers(papers)
    config = _config(f"http://127.0.0.1:{port}", retries=3, concurrency=2)
    summarizer = _summarizer(store, config)
    digest, report = summarizer.summarize(_digest("alice", papers))
    assert report.failed["unreachable"] == 18 and report.made == 0
    assert all(r.summary is None for r in digest.recommendations)
    _, again = summarizer.summarize(_digest("bob", papers))  # the run does not ask again
    assert sum(again.failed.values()) == 18


def test_over_budget_answers_are_not_waited_for(llm: tuple[LocalServer, Script]) -> None:
    server, script = llm
    store = _store()
    for paper in PAPERS:
        script.steps[paper.title] = [Reply(body=fixture("chat_tldr.json"), delay=1.0)]
    config = _config(server.url, timeout=5.0, budget=0.3, concurrency=3)
    digest, report = _summarizer(store, config).summarize(_digest("alice"))
    assert report.failed["over budget"] >= 3
    assert deliver.render_text(digest)  # the digest is whole, with abstracts


def test_pipeline_summarize_never_raises() -> None:
    class Broken:
        def summarize(self, digest: Digest) -> None:
            raise RuntimeError("boom")

    digest = _digest("alice")
    same, notes = pipeline.summarize(Broken(), digest)  # type: ignore[arg-type]
    assert same is digest and "boom" in notes[0]


def test_summaries_reach_every_channel(llm: tuple[LocalServer, Script]) -> None:
    server, _ = llm
    store, config = _store(), _config(server.url)
    digest, _ = _summarizer(store, config).summarize(_digest("alice"))
    url = "http://127.0.0.1:8000/feed/alice.atom"
    for rendered in (
        deliver.render_text(digest),
        deliver.render_plain_email(digest),
        deliver.render_html(digest),
        deliver.render_atom(digest, feed_url=url, self_id=url),
        deliver.render_json(digest),
    ):
        assert TLDR in rendered and "It tackles the routing imbalance" in rendered
    assert "Abstract of Mixture routing" not in deliver.render_html(digest)
    cached = pipeline.with_summaries(store, _digest("alice"), Settings(llm=config))
    assert cached.recommendations[0].summary == digest.recommendations[0].summary


@pytest.mark.parametrize(
    ("answer", "clean"),
    [
        ("TL;DR: A short line.", "A short line."),
        ("<think>hmm</think> Why it matters: It helps you.", "It helps you."),
        ('"Quoted answer."', "Quoted answer."),
        ("One. Two. " + "x" * 500, "One. Two."),
    ],
)
def test_answers_are_cleaned(answer: str, clean: str) -> None:
    assert checked(answer, 100) == clean


def test_cut_answers_keep_whole_sentences() -> None:
    text = fixture("chat_cut.json")
    from paperfeed.summarize.client import parse_answer

    answer = parse_answer(text)
    assert answer.cut and checked(answer.text, 400, cut=True).endswith("three benchmarks.")
    with pytest.raises(LlmError):
        checked("an unfinished thought without an end", 400, cut=True)


def test_no_more_requests_in_flight_than_the_concurrency() -> None:
    import threading
    import time

    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def answer(seen: Seen) -> Reply:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Reply(body=fixture("chat_tldr.json"))

    papers = [_paper(n, f"Concurrent {n}") for n in range(1, 9)]
    store = Store.open(":memory:")
    store.upsert_papers(papers)
    with LocalServer(answer) as server:
        config = _config(server.url, concurrency=2)
        _, report = _summarizer(store, config).summarize(_digest("alice", papers))
    assert report.made == 16 and state["most"] == 2
