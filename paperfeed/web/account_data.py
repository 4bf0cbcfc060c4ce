"""Handlers for a user's data as a whole: download it, remove one paper, change the
password, delete the account. Each acts on the signed-in user only.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from paperfeed.web.auth import (
    check_credentials,
    check_csrf,
    hash_password,
    login_required,
    password_problem,
    start_session,
)
from paperfeed.web.forms import DeleteAccountForm, FormError, PaperForm, PasswordForm, parse
from paperfeed.web.pages import WebContext, blocking, web


async def _form(request: Request) -> Any:
    form_data = await request.form(max_files=0, max_fields=20)
    check_csrf(request, form_data)
    return form_data


def _back(request: Request, message: str) -> Response:
    request.session["flash"] = message
    return RedirectResponse("/profile", status_code=303)


@login_required
async def export_account(request: Request) -> Response:
    """``GET /account/export``: everything of the user as one JSON file."""
    user = request.state.user
    data = await blocking(web(request).store.account_data, user)
    return Response(
        json.dumps(data, indent=1, ensure_ascii=False),
        media_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="paperfeed-{user}.json"'},
    )


@login_required
async def remove_paper(request: Request) -> Response:
    """``POST /profile/remove``: take a paper out of the profile (an upload is deleted)."""
    form = parse(PaperForm, await _form(request))
    try:
        await blocking(web(request).store.remove_profile_paper, request.state.user, form.paper_id)
    except KeyError as exc:
        raise HTTPException(404, "That paper is not in your profile.") from exc
    return _back(request, "The paper was removed from your profile.")


def _change_password(context: WebContext, user: str, form: PasswordForm) -> str | None:
    if not check_credentials(context.store, user, form.current):
        return "Not changed: the current password is wrong."
    if form.new != form.repeat:
        return "Not changed: the two new passwords differ."
    problem = password_problem(form.new, user)
    if problem:
        return f"Not changed: {problem}."
    context.store.set_password_hash(user, hash_password(form.new))  # ends every session
    return None


@login_required
async def change_password(request: Request) -> Response:
    """``POST /profile/password``: a new password; every session of the user ends, and
    this browser gets a new one."""
    try:
        form = parse(PasswordForm, await _form(request))
    except FormError as exc:
        return _back(request, f"Not changed: {exc}")
    context, user = web(request), request.state.user
    error = await blocking(_change_password, context, user, form)
    if error:
        return _back(request, error)
    await blocking(start_session, request, context.store, user, context.lifetime)
    return _back(request, "Password changed; you were signed out everywhere else.")


def _delete(context: WebContext, user: str, form: DeleteAccountForm) -> str | None:
    if form.confirm != user:
        return "Not deleted: type your user name to confirm."
    if not check_credentials(context.store, user, form.password):
        return "Not deleted: the password is wrong."
    context.store.delete_user(user)
    return None


@login_required
async def delete_account(request: Request) -> Response:
    """``POST /account/delete``: remove the account and everything of it (password and
    the user name typed again as confirmation)."""
    try:
        form = parse(DeleteAccountForm, await _form(request))
    except FormError as exc:
        return _back(request, f"Not deleted: {exc}")
    error = await blocking(_delete, web(request), request.state.user, form)
    if error:
        return _back(request, error)
    request.session.clear()
    request.session["flash"] = "Your account and all its data were deleted."
    return RedirectResponse("/signin", status_code=303)
