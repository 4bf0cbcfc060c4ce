"""Chat delivery: a short text digest with links, posted to Slack, Discord, Telegram,
Matrix, ntfy (any service apprise knows) by its apprise URL.

The text is short on purpose (chat services cut long messages): one line per pick with its
link, the TL;DR (or the first reason) under it, then the trending section. apprise is an
optional extra (``pip install 'paperfeed[chat]'``), imported only when a post is made.
"""

from __future__ import annotations

import logging

from paperfeed.deliver.common import (
    TRENDING_HEADING,
    clean_text,
    display_text,
    empty_message,
    headline,
    paper_link,
    reason_lines,
    snippet,
    tldr,
    trending_by_rank,
)
from paperfeed.deliver.email import DeliveryError
from paperfeed.errors import require
from paperfeed.records import Digest, Recommendation

BODY_CHARS = 3500  # under Telegram's 4096; apprise splits for services with less (Discord)
LINE_CHARS = 200


def render_chat(digest: Digest) -> tuple[str, str]:
    """The title and body of a chat message for ``digest``."""
    user = clean_text(digest.user)
    title = f"paperfeed{f' for {user}' if user else ''}: {headline(digest)}"
    if not digest.recommendations:
        return title, empty_message(digest)
    lines = []
    for rec in sorted(digest.recommendations, key=lambda r: r.rank):
        lines.extend(_pick(rec))
    if digest.trending:
        lines.append(f"\n{TRENDING_HEADING}:")
        for rec in trending_by_rank(digest):
            lines.extend(_pick(rec))
    body = "\n".join(lines)
    if len(body) > BODY_CHARS:
        body = body[: BODY_CHARS - 1].rsplit("\n", 1)[0] + "\n…"
    return title, body


def _pick(rec: Recommendation) -> list[str]:
    title = display_text(rec.paper.title) or "(untitled)"
    link = paper_link(rec.paper)
    first = f"{rec.rank}. {title}" + (f" {link}" if link else "")
    detail = tldr(rec) or next(iter(reason_lines(rec)), "")
    return [first] + ([f"   {snippet(detail, LINE_CHARS)}"] if detail else [])


def post_chat(url: str, title: str, body: str) -> None:
    """Post one message to the apprise ``url``; DeliveryError naming the service when it
    was not accepted (the URL itself, which holds tokens, is never shown)."""
    apprise = require("apprise", "chat")
    sender = apprise.Apprise()  # type: ignore[attr-defined]
    if not sender.add(url):
        scheme = url.split(":", 1)[0] if ":" in url else "?"
        raise DeliveryError(f"not an apprise URL (scheme {scheme!r})", permanent=True)
    capture = apprise.LogCapture(level=logging.WARNING)  # type: ignore[attr-defined]
    with capture as output:
        accepted = bool(sender.notify(title=title, body=body))
    if not accepted:
        said = " ".join(output.getvalue().split())[-300:] or "the service did not accept it"
        raise DeliveryError(f"the chat post failed: {said}", permanent=False)
