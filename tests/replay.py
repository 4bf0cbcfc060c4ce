"""Shared helpers of the network source tests: recorded responses, fake time, a replay transport.

Tests never touch the internet: a ``Replay`` serves files from ``tests/fixtures/http``
(or scripted responses) through ``httpx.MockTransport``, and the ``PoliteFetcher`` around
it sleeps on a ``FakeTime`` whose clock only moves when the code under test waits.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import httpx
from hypothesis import strategies as st

from paperfeed.errors import InputError
from paperfeed.sources.http import PoliteFetcher

FIXTURES = Path(__file__).parent / "fixtures" / "http"
NOW = 1_750_000_000.0  # the wall-clock "now" (for Retry-After dates) the fetchers are given

Handler = Callable[[httpx.Request], httpx.Response]
Step = httpx.Response | Exception


def fixture(name: str) -> str:
    """The text of a recorded response in ``tests/fixtures/http``."""
    return (FIXTURES / name).read_text(encoding="utf-8")


class FakeTime:
    """A clock that only moves when the code under test sleeps (or a handler says so)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def polite_fetcher(handler: Handler, fake: FakeTime, **options: float) -> PoliteFetcher:
    """A PoliteFetcher over ``handler`` that sleeps on ``fake`` (jitter fixed at 0.5)."""
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return PoliteFetcher(
        client,
        sleep=fake.sleep,
        clock=fake.clock,
        now=lambda: NOW,
        jitter=lambda: 0.5,
        **options,  # type: ignore[arg-type]
    )


class Replay:
    """A transport handler serving recorded fixtures by a key taken from each request.

    ``pages`` maps a key to a fixture file name; ``override`` maps a key to steps played
    before the recording (responses, or exceptions to raise). Requests and the fake time
    at which each arrived are logged.
    """

    def __init__(
        self,
        pages: Mapping[str, str],
        key: Callable[[httpx.Request], str],
        override: Mapping[str, Sequence[Step]] | None = None,
    ) -> None:
        self.pages = pages
        self.key = key
        self.override = {name: list(steps) for name, steps in (override or {}).items()}
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []
        self.fake = FakeTime()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.fake.now)
        key = self.key(request)
        if self.override.get(key):
            step = self.override[key].pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        return httpx.Response(200, text=fixture(self.pages[key]))

    def fetcher(self, **options: float) -> PoliteFetcher:
        """A PoliteFetcher over this replay, sleeping on its fake time."""
        return polite_fetcher(self, self.fake, **options)


def scripted(*steps: Step) -> Replay:
    """A replay that plays ``steps`` in order, whatever is asked."""
    return Replay({}, key=lambda request: "", override={"": list(steps)})


def mangled(text: str) -> st.SearchStrategy[str]:
    """Random text, ``text`` cut short, or ``text`` with random text spliced in."""
    return st.one_of(
        st.text(max_size=300),
        st.integers(0, len(text)).map(lambda n: text[:n]),
        st.tuples(st.integers(0, len(text)), st.text(max_size=20)).map(
            lambda cut: text[: cut[0]] + cut[1] + text[cut[0] :]
        ),
    )


def raises_only_input_error(parse: Callable[[str], object], text: str) -> None:
    """Run ``parse`` on ``text``: it may succeed or raise InputError, nothing else."""
    with contextlib.suppress(InputError):
        parse(text)
