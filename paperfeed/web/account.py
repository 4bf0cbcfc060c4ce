"""Handlers for accounts: sign up, sign in, sign out.

A user name that exists is taken, with or without a password (profiles made with the
command line stay their owner's: the operator sets their password there).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from paperfeed.web.auth import (
    canonical_name,
    check_credentials,
    check_csrf,
    end_session,
    feed_token,
    hash_password,
    password_problem,
    session_user,
    start_session,
)
from paperfeed.web.forms import FormError, SignInForm, SignUpForm, parse
from paperfeed.web.pages import WebContext, blocking, render, web

DEVICE_COOKIE = "paperfeed_device"
DEVICE_DAYS = 365


def _create_account(context: WebContext, form: SignUpForm) -> str | None:
    """Create the account; returns an error message when the name is taken."""
    store = context.store
    problem = password_problem(form.password, form.user)
    if problem:
        return f"password: {problem}"
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
    error = await blocking(_create_account, web(request), form)
    if error:
        return render(request, "signup.html", status=400, error=error, name=name)
    await blocking(start_session, request, web(request).store, form.user, web(request).lifetime)
    return RedirectResponse("/profile", status_code=303)


def _device_serializer(request: Request) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(request.app.state.secret, salt="paperfeed-device")


def known_device(request: Request, name: str) -> bool:
    """Whether this browser signed in as ``name`` before (a valid signed device cookie)."""
    from itsdangerous import BadSignature

    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return False
    try:
        names = _device_serializer(request).loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return isinstance(names, list) and name in names


def _remember_device(request: Request, response: Response, name: str) -> None:
    from itsdangerous import BadSignature

    names: list[str] = []
    cookie = request.cookies.get(DEVICE_COOKIE)
    if cookie:
        try:
            loaded = _device_serializer(request).loads(cookie, max_age=DEVICE_DAYS * 86400)
            names = [n for n in loaded if isinstance(n, str)] if isinstance(loaded, list) else []
        except BadSignature:
            names = []
    names = [name, *(n for n in names if n != name)][:5]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer(request).dumps(names),
        max_age=DEVICE_DAYS * 86400,
        path="/signin",
        httponly=True,
        samesite="lax",
        secure=web(request).settings.base_url.startswith("https://"),
    )


def _throttled(request: Request, typed: str, wait: int) -> Response:
    """The sign-in form again, with 429 and how many seconds to wait."""
    response = render(
        request,
        "signin.html",
        status=429,
        name=typed,
        error="Too many failed attempts; try again in a few minutes.",
    )
    response.headers["Retry-After"] = str(wait)
    return response


async def sign_in(request: Request) -> Response:
    """``/signin``: the form, and on POST a session for the right name and password.

    The throttle counts the name in its one normalized form, per client address too.
    """
    context = web(request)
    if request.method == "GET":
        if await blocking(session_user, request, context.idle):
            return RedirectResponse("/", status_code=303)
        return render(request, "signin.html", error=None, name="")
    form_data = await request.form()
    check_csrf(request, form_data)
    typed = str(form_data.get("user") or "")[:64]
    name = canonical_name(typed)
    address = request.client.host if request.client else "unknown"
    wait = context.throttle.retry_after(name, address, known_device(request, name))
    if wait:
        return _throttled(request, typed, wait)
    try:
        form = parse(SignInForm, form_data)
        ok = await blocking(check_credentials, context.store, form.user, form.password)
    except FormError:
        ok = False
    if not ok:
        context.throttle.failed(name, address)
        return render(
            request, "signin.html", status=400, name=typed, error="Wrong user name or password."
        )
    context.throttle.succeeded(name, address)
    await blocking(start_session, request, context.store, form.user, context.lifetime)
    response = RedirectResponse("/", status_code=303)
    _remember_device(request, response, form.user)
    return response


async def sign_out(request: Request) -> Response:
    """``POST /signout``: end the session (revoked in the store, not only forgotten)."""
    form_data = await request.form()
    check_csrf(request, form_data)
    await blocking(end_session, request)
    return RedirectResponse("/signin", status_code=303)
