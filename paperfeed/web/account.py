"""Handlers for accounts: sign up, sign in, sign out.

A user name that exists is taken, with or without a password (profiles made with the
command line stay their owner's: the operator sets their password there).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from paperfeed.web.auth import (
    check_credentials,
    check_csrf,
    end_session,
    feed_token,
    hash_password,
    session_user,
    start_session,
)
from paperfeed.web.forms import FormError, SignInForm, SignUpForm, parse
from paperfeed.web.pages import WebContext, render, web


def _create_account(context: WebContext, form: SignUpForm) -> str | None:
    """Create the account; returns an error message when the name is taken."""
    store = context.store
    password_hash = hash_password(form.password)
    with store.transaction():
        if store.has_user(form.user):
            return f"The user name {form.user!r} is taken; choose another."
        store.add_user(form.user)
        store.set_password_hash(form.user, password_hash)
        store.set_setting(form.user, "top", context.settings.top)
        store.set_setting(form.user, "schedule", "daily")
    feed_token(store, form.user)
    return None


async def sign_up(request: Request) -> Response:
    """``/signup``: the form, and on POST a new account (then signed in)."""
    if not web(request).settings.web.allow_signup:
        return render(
            request,
            "signup.html",
            status=403,
            name="",
            error="Sign-up is closed here; ask the operator for an account.",
        )
    if request.method == "GET":
        return render(request, "signup.html", error=None, name="")
    form_data = await request.form()
    check_csrf(request, form_data)
    name = str(form_data.get("user") or "")[:64]
    try:
        form = parse(SignUpForm, form_data)
    except FormError as exc:
        return render(request, "signup.html", status=400, error=str(exc), name=name)
    error = await run_in_threadpool(_create_account, web(request), form)
    if error:
        return render(request, "signup.html", status=400, error=error, name=name)
    start_session(request, web(request).store, form.user)
    return RedirectResponse("/profile", status_code=303)


async def sign_in(request: Request) -> Response:
    """``/signin``: the form, and on POST a session for the right name and password."""
    if request.method == "GET":
        if session_user(request):
            return RedirectResponse("/", status_code=303)
        return render(request, "signin.html", error=None, name="")
    form_data = await request.form()
    check_csrf(request, form_data)
    name = str(form_data.get("user") or "")[:64]
    store, throttle = web(request).store, web(request).throttle
    if throttle.blocked(name.lower()):
        return render(
            request,
            "signin.html",
            status=429,
            name=name,
            error="Too many failed attempts; try again in a few minutes.",
        )
    try:
        form = parse(SignInForm, form_data)
        ok = await run_in_threadpool(check_credentials, store, form.user, form.password)
    except FormError:
        ok = False
    if not ok:
        throttle.failed(name.lower())
        return render(
            request, "signin.html", status=400, name=name, error="Wrong user name or password."
        )
    throttle.succeeded(form.user)
    start_session(request, store, form.user)
    return RedirectResponse("/", status_code=303)


async def sign_out(request: Request) -> Response:
    """``POST /signout``: end the session."""
    form_data = await request.form()
    check_csrf(request, form_data)
    end_session(request)
    return RedirectResponse("/signin", status_code=303)
