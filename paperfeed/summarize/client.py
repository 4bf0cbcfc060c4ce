"""One call to an OpenAI-compatible chat-completions endpoint, with httpx and no SDK.

``POST {base_url}/chat/completions`` with the model and the messages; the key (when there
is one) as a Bearer token. Connect errors, timeouts, 408/429 and 5xx are retried (at most
``retries`` times, ``Retry-After`` honoured) while the caller's ``deadline`` allows. What
comes back is checked: a refusal (``message.refusal``, ``finish_reason`` content_filter, a
content-filter error) and a malformed answer raise ``LlmError`` with a ``kind`` the run
report counts: timeout, unreachable, busy (429/5xx after the retries), http, refusal,
garbage.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from paperfeed.errors import PaperfeedError
from paperfeed.sources.http import is_retryable, retry_after_seconds

BACKOFF = 0.5  # seconds before the first retry (doubled each time, with jitter)
MAX_WAIT = 30.0  # the longest Retry-After honoured between two tries
MAX_RESPONSE = 256 * 1024  # bytes of one answer read at most
_FILTER_CODES = ("content_filter", "content_policy_violation", "moderation_blocked")


class LlmError(PaperfeedError):
    """An answer that cannot be used; ``kind`` says why (for the run report)."""

    def __init__(self, kind: str, detail: str, wait: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.wait = wait  # what Retry-After asked for, when it did


class Breaker:
    """Shared by the calls of one run: once ``limit`` attempts in a row failed to reach the
    endpoint (with no answer in between), no more attempts are made."""

    def __init__(self, limit: int = 4) -> None:
        self.limit, self.streak = limit, 0
        self._lock = threading.Lock()

    @property
    def open(self) -> bool:
        return self.streak >= self.limit

    def failed(self) -> None:
        with self._lock:
            self.streak += 1

    def answered(self) -> None:
        with self._lock:
            self.streak = 0


@dataclass(frozen=True, slots=True)
class Answer:
    """The text of a usable answer and whether the model stopped for length."""

    text: str
    cut: bool = False


class ChatClient:
    """Chat completions of one model at one endpoint; thread-safe (one httpx client)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = 20.0,
        retries: int = 2,
        max_tokens: int = 300,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.retries, self.max_tokens = model, retries, max_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = http or httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10)))
        self.http.headers.update(headers)
        self._sleep = sleep

    def close(self) -> None:
        self.http.close()

    def complete(
        self,
        messages: list[dict[str, str]],
        deadline: float | None = None,
        breaker: Breaker | None = None,
    ) -> Answer:
        """The model's answer to ``messages``; LlmError when there is no usable one."""
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0.2,
            "max_tokens": self.max_tokens,
        }
        problem = LlmError("unreachable", "no attempt made")
        for attempt in range(self.retries + 1):
            if breaker is not None and breaker.open:
                raise LlmError("unreachable", "the endpoint did not answer the calls before")
            try:
                answer = self._once(body)
            except LlmError as exc:
                if exc.kind not in ("timeout", "unreachable", "busy"):
                    raise
                if breaker is not None and exc.kind != "busy":
                    breaker.failed()
                problem = exc
                backoff = BACKOFF * 2.0**attempt * (0.5 + random.random() / 2)
                delay = exc.wait if exc.wait is not None else backoff
            else:
                if breaker is not None:
                    breaker.answered()
                return answer
            if attempt == self.retries or not _time_left(deadline, delay):
                break
            self._sleep(min(delay, MAX_WAIT))
        raise problem

    def _once(self, body: dict[str, Any]) -> Answer:
        try:
            with self.http.stream("POST", self.url, json=body) as response:
                text = _bounded_text(response)
        except httpx.TimeoutException as exc:
            raise LlmError("timeout", f"{self.url}: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise LlmError("unreachable", f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise _http_error(response.status_code, response.headers, text)
        return parse_answer(text)


def _bounded_text(response: httpx.Response) -> str:
    """The body as text, refused past MAX_RESPONSE bytes (read in chunks, never whole)."""
    parts, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_RESPONSE:
            raise LlmError("garbage", f"an answer of more than {MAX_RESPONSE:,} bytes")
        parts.append(chunk)
    return b"".join(parts).decode(response.encoding or "utf-8", errors="replace")


def _time_left(deadline: float | None, delay: float) -> bool:
    return deadline is None or time.monotonic() + delay < deadline


def _http_error(status: int, headers: httpx.Headers, body: str) -> LlmError:
    """The error of a 4xx/5xx answer: a content filter is a refusal, 429/5xx are retried."""
    text = body[:2000]
    try:
        error = json.loads(text).get("error")
    except (ValueError, AttributeError):
        error = None
    code = str(error.get("code") or error.get("type") or "") if isinstance(error, dict) else ""
    message = str(error.get("message", "")) if isinstance(error, dict) else " ".join(text.split())
    if code in _FILTER_CODES or "content management policy" in message:
        return LlmError("refusal", f"HTTP {status} {code}: {message[:160]}")
    if is_retryable(status):
        wait = retry_after_seconds(headers.get("Retry-After"), time.time())
        return LlmError("busy", f"HTTP {status}: {message[:160]}", wait)
    return LlmError("http", f"HTTP {status}: {message[:160]}")


def parse_answer(text: str) -> Answer:
    """The content of a chat-completions response; LlmError for refusals and garbage."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise LlmError("garbage", f"not JSON: {' '.join(text.split())[:80]!r}") from exc
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LlmError("garbage", "no choices in the answer")
    choice = choices[0]
    found = choice.get("message")
    message: dict[str, Any] = found if isinstance(found, dict) else {}
    refusal = message.get("refusal")
    if isinstance(refusal, str) and refusal.strip():
        raise LlmError("refusal", refusal.strip()[:160])
    if choice.get("finish_reason") == "content_filter":
        raise LlmError("refusal", "stopped by the provider's content filter")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise LlmError("garbage", "an empty answer")
    return Answer(content, cut=choice.get("finish_reason") == "length")
