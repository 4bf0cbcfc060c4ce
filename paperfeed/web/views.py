"""Handlers of the reading pages: today's digest, feedback, search, topic map, Atom feed.

Handlers are thin: they read the signed-in user from the session (``request.state.user``,
set by ``login_required``), call the pipeline or the store, and render a template.
Blocking work (database, ranking, embedding) runs in the thread pool.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from paperfeed.deliver.common import clean_text, headline
from paperfeed.errors import InputError, PaperfeedError
from paperfeed.pipeline import check_date
from paperfeed.records import Digest, Feedback, Paper
from paperfeed.urls import Site, feed_id
from paperfeed.web.auth import check_csrf, feed_token_matches, login_required
from paperfeed.web.cards import grouped_cards, paper_card, trending_cards
from paperfeed.web.forms import FeedbackForm, FormError, parse
from paperfeed.web.pages import (
    Flash,
    WebContext,
    blocking,
    current_digest,
    flash,
    local_path,
    ratings,
    render,
    site_of,
    stored_digest,
    web,
)
from paperfeed.web.topicmap import TopicMap, build_topic_map

FEED_DAYS = 30
MAP_PICKS = 50


def _digest_page(context: WebContext, user: str, day: str | None) -> dict[str, Any]:
    store = context.store
    dates = store.digest_dates(user)
    if day is not None and day not in dates:
        shown = ", ".join(reversed(dates[-5:])) or "none yet"
        raise HTTPException(404, f"No digest of {day} was made for you (your latest: {shown}).")
    digest = current_digest(context, user, day)
    context.mark_shown(digest)
    empty_profile = not store.profile_links(user)
    latest = store.latest_date()
    rated = ratings(store, user)
    return {
        "digest": digest,
        "headline": "import your papers to get a digest" if empty_profile else headline(digest),
        "empty_profile": empty_profile,
        "groups": grouped_cards(digest, rated),
        "trending": trending_cards(digest, rated),
        "dates": list(reversed(store.digest_dates(user)))[:14],
        "can_rerank": bool(latest and digest.date == latest and not empty_profile),
    }


def checked_day(value: str | None) -> str | None:
    """The ``?date=`` of a page: None when absent, a 400 naming the value when it is no date."""
    if value is None or value == "":
        return None
    try:
        return check_date(value, "date")
    except InputError as exc:
        raise HTTPException(400, f"“{value[:40]}” is not a date: use YYYY-MM-DD.") from exc


@login_required
async def digest_page(request: Request) -> Response:
    """``/``: the newest digest (or ``?date=`` an earlier one), grouped by interest."""
    day = checked_day(request.query_params.get("date"))
    context, user = web(request), request.state.user
    if day is None:
        preparing = await run_in_threadpool(context.still_preparing, user)
        if preparing is not None:
            return render(request, "preparing.html", preparing=preparing)
    values = await blocking(_digest_page, context, user, day)
    return render(request, "digest.html", **values)


def _rerank(context: WebContext, user: str) -> Digest:
    from paperfeed.today import rerank_today

    day = context.store.latest_date()
    digest = rerank_today(
        context.store,
        user,
        context.settings,
        prepared=context.prepared(day) if day else None,
        ranker=context.ranker,
    )
    context.summarize_later(digest)
    return digest


@login_required
async def rerank(request: Request) -> Response:
    """``POST /rerank``: rank today's listing again with the current ratings, rules and
    digest size; papers rated up keep their places."""
    form_data = await request.form()
    check_csrf(request, form_data)
    try:
        digest = await blocking(_rerank, web(request), request.state.user)
    except PaperfeedError as exc:
        flash(request, Flash(f"Not re-ranked: {exc}", "error"))
        return RedirectResponse("/", status_code=303)
    count = len(digest.recommendations)
    message = f"Today's list ranked again with your ratings, rules and settings: {count} papers."
    flash(request, Flash(message))
    return RedirectResponse("/", status_code=303)


def _rate(context: WebContext, user: str, form: FeedbackForm) -> None:
    from paperfeed.pipeline import give_feedback

    store = context.store
    if form.rating == "clear":
        if store.get_paper(form.paper_id, user=user) is None:
            raise InputError("feedback", f"no paper {form.paper_id!r}", field="paper_id")
        store.add_feedback(Feedback(user, form.paper_id, 0))
    else:
        give_feedback(store, user, form.paper_id, form.value)
    context.train_later(user)


@login_required
async def feedback(request: Request) -> Response:
    """``POST /feedback``: thumbs up/down (or withdraw); JSON for scripts, else a redirect."""
    form_data = await request.form()
    check_csrf(request, form_data)
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        form = parse(FeedbackForm, form_data)
        await blocking(_rate, web(request), request.state.user, form)
    except (FormError, InputError) as exc:
        if wants_json:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        raise HTTPException(400, str(exc)) from exc
    if wants_json:
        return JSONResponse({"ok": True, "paper_id": form.paper_id, "rating": form.value})
    return RedirectResponse(local_path(form.next), status_code=303)


def _search(
    context: WebContext, user: str, query: str, like: str | None, page: int
) -> dict[str, Any]:
    from paperfeed import search as finder

    if like:
        found = finder.similar(
            context.store,
            like,
            context.ranker.vectors,
            table=context.vector_table,
            user=user,
            page=page,
        )
    else:
        found = finder.find(context.store, query, user=user, page=page)
    rated = ratings(context.store, user)
    cards = [paper_card(p, rated.get(p.id, 0)) for p in found.papers]
    source = paper_card(found.like, rated.get(found.like.id, 0)) if found.like else None
    return {"results": found, "cards": cards, "source": source}


def _page_number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


@login_required
async def search(request: Request) -> Response:
    """``/search?q=``: full text over titles, abstracts and authors, with a count and pages;
    ``/search?like=ID``: the papers closest in meaning to one paper."""
    query = clean_text(request.query_params.get("q", ""))[:200]
    like = clean_text(request.query_params.get("like", ""))[:300] or None
    page = _page_number(request.query_params.get("page"))
    values: dict[str, Any] = {"query": query, "like": like, "results": None, "cards": []}
    if query or like:
        try:
            values |= await blocking(_search, web(request), request.state.user, query, like, page)
        except InputError as exc:
            raise HTTPException(404 if like else 400, exc.message) from exc
    return render(request, "search.html", **values)


def _topic_map(context: WebContext, user: str) -> tuple[TopicMap, Digest]:
    from paperfeed.web.insight import profile_insight

    store = context.store
    own = store.profile_links(user)
    digest = current_digest(context, user)
    picks = sorted(digest.recommendations, key=lambda r: r.rank)[:MAP_PICKS]
    interests = profile_insight(context, user).interests or digest.interests
    cache = context.ranker.vectors
    own_vectors = cache.embed_papers([paper for paper, _ in own])
    listing, listing_vectors = _listing(context, digest.date)
    known = {paper.id for paper in listing}
    missing = [rec.paper for rec in picks if rec.paper.id not in known]
    if missing:  # a pick of a day whose listing changed since
        listing = [*listing, *missing]
        extra = cache.embed_papers(missing)
        listing_vectors = np.vstack([listing_vectors, extra]) if len(known) else extra
    picture = build_topic_map(
        own, own_vectors, listing, listing_vectors, picks, interests, context.layout
    )
    return picture, digest


def _listing(context: WebContext, day: str | None) -> tuple[list[Paper], np.ndarray]:
    """The papers listed on ``day`` and their vectors (from the embedding cache: the day's
    preparation for the digest embedded them already)."""
    if day is None:
        return [], np.zeros((0, 0), dtype=np.float32)
    papers = context.store.papers_on(day)
    return papers, context.ranker.vectors.embed_papers(papers)


@login_required
async def topic_map(request: Request) -> Response:
    """``/map``: the day's listing, own papers by interest and the picks on a 2-D map."""
    picture, digest = await blocking(_topic_map, web(request), request.state.user)
    return render(request, "map.html", map=picture, digest=digest, data=map_data(picture))


def map_data(picture: TopicMap) -> list[dict[str, Any]]:
    """What ``static/map.js`` shows of each point when it is tapped (in drawing order)."""
    return [
        {
            "x": round(p.x, 1),
            "y": round(p.y, 1),
            "kind": p.kind,
            "id": p.paper_id,
            "title": p.title,
            "authors": p.authors,
            "link": p.link,
            "interest": p.interest,
            "rank": p.rank,
        }
        for p in picture.points
    ]


def _feed(context: WebContext, site: Site, user: str, token: str | None) -> str | None:
    from paperfeed.deliver.atom import render_atom_many

    store = context.store
    if not token or not feed_token_matches(store, user, token):
        return None
    days = store.digest_dates(user)[-FEED_DAYS:]
    digests = [stored_digest(store, user, day, context.settings) for day in days]
    return render_atom_many(digests, feed_url=site.feed(user, token), self_id=feed_id(user))


async def atom_feed(request: Request) -> Response:
    """``/feed/{user}.atom?token=``: the user's digests as Atom; a wrong token is a 404."""
    user = request.path_params["user"]
    token = request.query_params.get("token")
    body = await blocking(_feed, web(request), site_of(request), user, token)
    if body is None:
        raise HTTPException(404, "Not Found")
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def healthz(request: Request) -> Response:
    """``/healthz``: 200 when the database answers."""
    try:
        await blocking(web(request).store.latest_date)
    except Exception as exc:  # any failure means unhealthy; say which
        return PlainTextResponse(f"database error: {type(exc).__name__}", status_code=503)
    return PlainTextResponse("ok")
