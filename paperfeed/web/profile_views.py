"""Handlers of the profile page: own papers and their switches, rules, settings, feed, import.

Every POST carries the session's CSRF token and changes only the signed-in user's data;
after a change the browser is sent back to ``/profile`` with a one-line message.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from paperfeed.deliver.common import display_text, paper_link, short_authors
from paperfeed.errors import PaperfeedError
from paperfeed.urls import Site
from paperfeed.web.auth import check_csrf, feed_token, login_required
from paperfeed.web.auth import new_feed_token as make_feed_token
from paperfeed.web.forms import (
    SCHEDULES,
    FormError,
    IncludeForm,
    RulesForm,
    SettingsForm,
    parse,
)
from paperfeed.web.insight import profile_insight
from paperfeed.web.pages import Flash, WebContext, blocking, flash, render, site_of, web
from paperfeed.web.topicmap import COLORS

IMPORT_KINDS = ("listing", "hf-page", "jsonl", "bibtex", "csl-json", "csv")
_SUFFIXES = (".txt", ".bib", ".json", ".jsonl", ".csv", ".gz", ".bibtex")


def _profile_values(context: WebContext, site: Site, user: str) -> dict[str, Any]:
    store = context.store
    insight = profile_insight(context, user)
    group_of = {pid: n % COLORS for n, i in enumerate(insight.interests) for pid in i.paper_ids}
    papers = [
        {
            "id": paper.id,
            "title": display_text(paper.title) or "(untitled)",
            "link": paper_link(paper),
            "authors": short_authors(paper.authors),
            "date": paper.date or "",
            "included": included,
            "namesake": insight.namesakes.get(paper.id, ""),
            "interest": insight.interest_of.get(paper.id, ""),
            "group": group_of.get(paper.id),
        }
        for paper, included in store.profile_links(user)
    ]
    token = feed_token(store, user)
    return {
        "papers": papers,
        "interests": insight.interests,
        "rules": store.rules(user),
        "top": context.options(user).top,
        "schedule": store.get_setting(user, "schedule", "daily"),
        "trending": bool(store.get_setting(user, "trending", False)),
        "schedules": SCHEDULES,
        "email": store.email(user) or "",
        "feed_url": site.feed(user, token),
        "import_kinds": IMPORT_KINDS,
        "analysis_note": insight.note,
    }


@login_required
async def profile_page(request: Request) -> Response:
    """``/profile``: interests, own papers, rules, settings, feed address."""
    values = await blocking(_profile_values, web(request), site_of(request), request.state.user)
    return render(request, "profile.html", **values)


def _back(request: Request, message: str | Flash) -> Response:
    flash(request, message if isinstance(message, Flash) else Flash(message))
    return RedirectResponse("/profile", status_code=303)


async def _checked_form(request: Request) -> Any:
    limit = web(request).settings.limits.upload_bytes
    form_data = await request.form(max_files=1, max_fields=20, max_part_size=limit)
    check_csrf(request, form_data)
    return form_data


@login_required
async def set_included(request: Request) -> Response:
    """``POST /profile/include``: take an own paper into ranking or leave it out."""
    form = parse(IncludeForm, await _checked_form(request))
    store = web(request).store
    try:
        await blocking(
            store.set_included, request.state.user, form.paper_id, form.included == "yes"
        )
    except KeyError as exc:
        raise HTTPException(404, "That paper is not in your profile.") from exc
    verb = "included in" if form.included == "yes" else "left out of"
    return _back(request, Flash(f"The paper is now {verb} ranking.", rerank=True))


@login_required
async def set_rules(request: Request) -> Response:
    """``POST /profile/rules``: replace keyword rules and followed authors."""
    form = parse(RulesForm, await _checked_form(request))
    store = web(request).store
    await blocking(
        lambda: store.set_rules(
            request.state.user,
            include_keywords=RulesForm.items(form.include_keywords),
            exclude_keywords=RulesForm.items(form.exclude_keywords),
            followed_authors=RulesForm.items(form.followed_authors),
        )
    )
    return _back(request, Flash("Rules saved.", rerank=True))


def _save_settings(context: WebContext, user: str, form: SettingsForm) -> None:
    store = context.store
    with store.transaction():
        store.set_setting(user, "top", form.top)
        store.set_setting(user, "schedule", form.schedule)
        store.set_setting(user, "trending", form.trending)
        store.set_email(user, form.email or None)


@login_required
async def set_settings(request: Request) -> Response:
    """``POST /profile/settings``: digest size, schedule, e-mail address, trending."""
    try:
        form = parse(SettingsForm, await _checked_form(request))
    except FormError as exc:
        return _back(request, Flash(f"Not saved: {exc}", "error"))
    await blocking(_save_settings, web(request), request.state.user, form)
    return _back(request, Flash("Settings saved.", rerank=True))


@login_required
async def new_feed_token(request: Request) -> Response:
    """``POST /profile/feed-token``: a new feed address; the old one stops working."""
    await _checked_form(request)
    store = web(request).store
    await blocking(store.set_setting, request.state.user, "feed_token", make_feed_token())
    return _back(request, "New feed address made; the old one no longer works.")


@login_required
async def sign_out_everywhere(request: Request) -> Response:
    """``POST /profile/signout-everywhere``: end every session of this user."""
    await _checked_form(request)
    await blocking(web(request).store.end_sessions, request.state.user)
    request.session.clear()
    return RedirectResponse("/signin", status_code=303)


def _import(context: WebContext, user: str, name: str, data: bytes, kind: str | None) -> Flash:
    from paperfeed.pipeline import import_profile, read_limits

    suffix = "".join(s for s in Path(name).suffixes[-2:] if s.lower() in _SUFFIXES) or ".txt"
    shown = name or "the file"
    with tempfile.TemporaryDirectory(prefix="paperfeed-upload-") as folder:
        path = Path(folder) / f"upload{suffix.lower()}"
        path.write_bytes(data)
        try:
            limits = read_limits(context.settings.limits, upload=True)
            report = import_profile(context.store, path, user, kind=kind, limits=limits)
        except PaperfeedError as exc:
            return Flash("Not imported: " + str(exc).replace(str(path), shown), "error")
    text = f"Read {report.read} papers from {shown}; {report.linked} new in your profile."
    if not report.problems:
        return Flash(text, rerank=True)
    notes = tuple(problem.replace(str(path), shown) for problem in report.problems)
    return Flash(f"{text} Check {len(notes)} note(s):", "warning", notes, rerank=True)


@login_required
async def import_papers(request: Request) -> Response:
    """``POST /profile/import``: add the papers of an uploaded publication list."""
    form_data = await _checked_form(request)
    upload = form_data.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _back(request, Flash("Choose a file to import.", "error"))
    limit = web(request).settings.limits.upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        message = f"Not imported: the file is larger than {limit:,} bytes."
        return _back(request, Flash(message, "error"))
    kind = str(form_data.get("kind") or "")
    message = await blocking(
        _import,
        web(request),
        request.state.user,
        Path(upload.filename).name,
        data,
        kind if kind in IMPORT_KINDS else None,
    )
    return _back(request, message)
