"""Handlers of the links in the mail: one-click thumbs up / down and unsubscribing.

They work without signing in: the signed token in the link names the user and what to do
(``paperfeed.signing``). Opening a link (GET) only asks for a confirmation click; the
POST of that click does it. Mail scanners that fetch every link change nothing, and
one-click unsubscribing by mail clients (RFC 8058) POSTs ``List-Unsubscribe=One-Click``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from paperfeed import signing
from paperfeed.deliver.common import display_text, paper_link, short_authors
from paperfeed.web.auth import session_user
from paperfeed.web.pages import WebContext, render, web

NO_CACHE = {"cache-control": "no-store", "x-robots-tag": "noindex"}
VERBS = {1: "more like this", -1: "less like this", 0: "no rating"}


def _fields(request: Request, token: str, purpose: str) -> dict[str, Any]:
    """The token's fields, or an error page: 410 when it expired, 400 otherwise."""
    try:
        fields = signing.verify(request.app.state.secret, purpose, token)
    except signing.BadToken as exc:
        raise HTTPException(410 if exc.expired else 400, _bad_link(exc)) from exc
    if not web(request).store.has_user(str(fields.get("u"))):
        raise HTTPException(400, "This link is for an account that no longer exists.")
    return fields


def _bad_link(exc: signing.BadToken) -> str:
    return f"Sorry: {exc}. Sign in to rate papers and change your settings."


async def _token(request: Request) -> str:
    if request.method == "POST":
        form = await request.form()
        value = form.get("t") or request.query_params.get("t")
    else:
        value = request.query_params.get("t")
    return value if isinstance(value, str) else ""


def _vote_values(context: WebContext, fields: dict[str, Any], apply: bool) -> dict[str, Any]:
    from paperfeed.pipeline import give_feedback

    store, user, paper_id, rating = context.store, fields["u"], fields["p"], fields["r"]
    paper = store.get_paper(str(paper_id))
    if paper is None or rating not in VERBS:
        raise HTTPException(400, "This link names a paper this site does not have.")
    if apply:
        give_feedback(store, user, paper.id, rating)
        context.train_later(user)
    current = {fb.paper_id: fb.rating for fb in store.feedback(user)}.get(paper.id, 0)
    return {
        "for_user": user,
        "paper": {
            "title": display_text(paper.title) or "(untitled)",
            "authors": short_authors(paper.authors),
            "link": paper_link(paper),
        },
        "rating": rating,
        "verb": VERBS[rating],
        "current": current,
        "done": apply,
    }


async def vote(request: Request) -> Response:
    """``/vote?t=``: GET asks "rate this paper up?", the POST of its button records it."""
    token = await _token(request)
    fields = _fields(request, token, signing.VOTE)
    apply = request.method == "POST"
    values = await run_in_threadpool(_vote_values, web(request), fields, apply)
    secret, user, paper_id = request.app.state.secret, fields["u"], fields["p"]
    undo = apply and fields["r"] != 0  # after a vote, offer to take it back
    values["undo"] = signing.vote_token(secret, user, paper_id, 0) if undo else None
    request.state.user = session_user(request)
    return render(request, "vote.html", token=token, **values, headers=NO_CACHE)


def _unsubscribe(context: WebContext, user: str, apply: bool) -> dict[str, Any]:
    store = context.store
    if apply:
        store.set_setting(user, "schedule", "never")
    return {
        "for_user": user,
        "address": store.email(user) or "",
        "stopped": store.get_setting(user, "schedule", "daily") == "never",
        "done": apply,
    }


async def unsubscribe(request: Request) -> Response:
    """``/unsubscribe?t=``: GET asks to confirm; a POST (the button, or a mail client's
    one-click ``List-Unsubscribe=One-Click``) stops the user's mail."""
    token = await _token(request)
    fields = _fields(request, token, signing.UNSUBSCRIBE)
    apply = request.method == "POST"
    values = await run_in_threadpool(_unsubscribe, web(request), str(fields["u"]), apply)
    request.state.user = session_user(request)
    return render(request, "unsubscribe.html", token=token, **values, headers=NO_CACHE)
