"""Every absolute URL paperfeed hands out, built in one place.

The site's address is ``base_url`` from the settings when it is set (what a reader outside
the machine must use: a proxy's https address, a lab's host name); otherwise the address
the request came in on (``paperfeed serve --port 51355`` gives ``http://127.0.0.1:51355``).
Mail and the command line have no request: without ``base_url`` they print no links to
the web app (an Atom feed then has no ``self`` link, which RFC 4287 allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from paperfeed.errors import InputError

#: Atom ids are tag URIs (RFC 4151): they stay the same whatever address serves the feed.
TAG_PREFIX = "tag:paperfeed,2026:"


def check_base_url(value: str, origin: str = "settings") -> str:
    """``value`` without a trailing slash if it is an absolute http(s) URL with a host and no
    query or fragment ('' stays ''); InputError naming the field ``base_url`` otherwise."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, port_ok = None, False
    if (
        parts is None
        or not port_ok
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() for c in value)
    ):
        raise InputError(
            origin,
            f"expected the web app's address, e.g. https://papers.example.org, got {value!r}",
            field="base_url",
        )
    return value.rstrip("/")


@dataclass(frozen=True, slots=True)
class Site:
    """The web app at ``base`` (``scheme://host[:port][/path]``, no trailing slash)."""

    base: str

    def url(self, path: str, **query: str) -> str:
        """``base`` + ``path`` (which starts with ``/``), with ``query`` encoded."""
        tail = f"?{urlencode(query)}" if query else ""
        return f"{self.base}{path}{tail}"

    def feed(self, user: str, token: str | None = None) -> str:
        """The user's Atom feed; with ``token`` the address that opens it."""
        path = f"/feed/{quote(user, safe='')}.atom"
        return self.url(path, token=token) if token else self.url(path)

    def today(self, day: str | None = None) -> str:
        """The digest page (of ``day`` when given)."""
        return self.url("/", date=day) if day else self.url("/")

    def settings(self) -> str:
        """Where a reader changes digest size, schedule and address."""
        return self.url("/profile") + "#delivery"

    def vote(self, token: str) -> str:
        """A signed one-click rating link (see ``paperfeed.signing``)."""
        return self.url("/vote", t=token)

    def unsubscribe(self, token: str) -> str:
        """A signed link that stops the mail (RFC 8058 one-click too)."""
        return self.url("/unsubscribe", t=token)


def site(base_url: str, request_base: str | None = None) -> Site | None:
    """The site from the configured ``base_url``, else from the request's own address;
    None when neither is known (mail and the command line without ``base_url``)."""
    configured = check_base_url(base_url)
    if configured:
        return Site(configured)
    if request_base:
        return Site(check_base_url(request_base, origin="request"))
    return None


def feed_id(user: str) -> str:
    """The stable Atom id of a user's feed."""
    return f"{TAG_PREFIX}feed:{quote(user, safe='')}"
