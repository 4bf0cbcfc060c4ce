"""Email delivery: the digest as a multipart message, sent over SMTP with bounded retries.

Settings (and so credentials) come from the environment or a config file, never the command
line. Transient failures (connection problems, 4xx replies) are retried with exponential
back-off; permanent ones (5xx replies, TLS or configuration problems) raise ``DeliveryError``
at once.
"""

from __future__ import annotations

import email.errors
import email.policy
import email.utils
import hashlib
import ipaddress
import os
import secrets
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Literal, TypeVar, cast

from paperfeed.deliver.common import clean_text, headline
from paperfeed.deliver.html import render_html
from paperfeed.deliver.links import MailLinks
from paperfeed.deliver.text import render_plain_email
from paperfeed.errors import InputError, PaperfeedError
from paperfeed.records import Digest

Security = Literal["starttls", "ssl", "none"]
SECURITY_MODES: tuple[Security, ...] = ("starttls", "ssl", "none")
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
SUBJECT_MAX = 200
SETTINGS_ORIGIN = "SMTP settings"
_N = TypeVar("_N", int, float)


class DeliveryError(PaperfeedError):
    """A digest that could not be delivered; ``permanent`` says whether retrying could help."""

    def __init__(
        self, message: str, *, permanent: bool, attempts: int = 0, code: int | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.attempts = attempts
        self.code = code


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the mail server. ``password`` never shows in ``repr``."""

    host: str = "localhost"
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "paperfeed@localhost"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            modes = ", ".join(SECURITY_MODES)
            raise InputError(SETTINGS_ORIGIN, f"security must be one of {modes}", field="security")
        if not 0 < self.port < 65536:
            raise InputError(SETTINGS_ORIGIN, "port must be 1-65535", field="port")
        if not self.timeout > 0:
            raise InputError(SETTINGS_ORIGIN, "timeout must be positive", field="timeout")
        if not clean_text(self.host) or clean_text(self.host) != self.host:
            raise InputError(SETTINGS_ORIGIN, "host must be a plain host name", field="host")
        parse_mailbox(self.sender, origin=SETTINGS_ORIGIN, field_name="sender")
        if self.username and self.security == "none" and not _is_loopback(self.host):
            raise InputError(
                SETTINGS_ORIGIN,
                "refusing to send an SMTP password unencrypted; use security starttls or ssl",
                field="security",
            )

    @classmethod
    def from_env(
        cls, prefix: str = "PAPERFEED_SMTP_", environ: Mapping[str, str] | None = None
    ) -> SmtpSettings:
        """Settings from ``<prefix>HOST``, ``PORT``, ``SECURITY``, ``USERNAME``, ``PASSWORD``
        (or ``PASSWORD_FILE``, a file holding it), ``SENDER`` and ``TIMEOUT``."""
        env = os.environ if environ is None else environ
        security = env.get(prefix + "SECURITY", "starttls").strip().lower()
        if security not in SECURITY_MODES:
            modes = ", ".join(SECURITY_MODES)
            raise InputError("environment", f"must be one of {modes}", field=prefix + "SECURITY")
        try:
            return cls(
                host=env.get(prefix + "HOST", "localhost").strip(),
                port=_env_number(env, prefix + "PORT", int, DEFAULT_PORTS[security]),
                security=cast(Security, security),
                username=env.get(prefix + "USERNAME") or None,
                password=_env_password(env, prefix),
                sender=env.get(prefix + "SENDER", "paperfeed@localhost").strip(),
                timeout=_env_number(env, prefix + "TIMEOUT", float, 30.0),
            )
        except InputError as exc:
            if exc.origin != SETTINGS_ORIGIN:
                raise
            name = prefix + (exc.field or "").upper()
            raise InputError("environment", exc.message, field=name) from exc


@dataclass(frozen=True, slots=True)
class SendResult:
    """A message the server accepted; ``refused`` lists recipients it turned down."""

    message_id: str
    recipients: tuple[str, ...]
    attempts: int
    refused: tuple[tuple[str, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Failure:
    transient: bool
    reason: str
    code: int | None = None


def parse_mailbox(value: str, *, origin: str, field_name: str) -> Address:
    """One email address (``a@b.org`` or ``Name <a@b.org>``), or InputError naming the field."""
    if not value or clean_text(value) != value.strip():
        raise InputError(
            origin, "address holds line breaks or control characters", field=field_name
        )
    pairs = email.utils.getaddresses([value])
    try:
        if len(pairs) != 1:
            raise ValueError("expected exactly one address")
        name, spec = pairs[0]
        address = Address(display_name=name, addr_spec=spec)
    except (ValueError, IndexError, email.errors.MessageError) as exc:
        raise InputError(
            origin, f"not an email address: {value!r} ({exc})", field=field_name
        ) from exc
    if not address.username or not address.domain:
        raise InputError(origin, f"not an email address: {value!r}", field=field_name)
    return address


def build_message(
    digest: Digest,
    to_addr: str,
    settings: SmtpSettings,
    *,
    now: float | None = None,
    links: MailLinks | None = None,
) -> EmailMessage:
    """The digest as a multipart/alternative email (text/plain, then text/html); with
    ``links``, rating links per pick, links to the web app, and ``List-Unsubscribe``
    (RFC 2369) with one-click unsubscribing (RFC 8058)."""
    sender = parse_mailbox(settings.sender, origin=SETTINGS_ORIGIN, field_name="sender")
    recipient = parse_mailbox(to_addr, origin="recipient", field_name="to")
    message = EmailMessage(policy=email.policy.default)
    message["Subject"] = header_value(f"paperfeed: {headline(digest)}")
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = email.utils.formatdate(now, usegmt=True)
    message["Message-ID"] = digest_message_id(digest, sender.domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    if links is not None:
        message["List-Unsubscribe"] = f"<{header_value(links.unsubscribe, limit=2000)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable keeps the message 7-bit clean for servers without 8BITMIME.
    message.set_content(render_plain_email(digest, links), cte="quoted-printable")
    message.add_alternative(render_html(digest, links), subtype="html", cte="quoted-printable")
    return message


def digest_message_id(digest: Digest, domain: str) -> str:
    """One Message-ID per user and day, the same on every attempt: a copy re-sent after a
    crash between the server's acceptance and our record of it can be dropped by clients.

    A hash keeps it short (some clients mishandle a folded Message-ID) and free of whatever
    characters a user name holds; a digest without a date gets a random one.
    """
    if digest.date is None:
        return f"<pf.{secrets.token_hex(10)}@{domain}>"
    key = hashlib.sha1(f"{digest.user}\n{digest.date}".encode()).hexdigest()[:20]
    return f"<pf.{key}@{domain}>"


def header_value(text: str, limit: int = SUBJECT_MAX) -> str:
    """A header value that cannot start a new header: one line, no control characters."""
    value = clean_text(text)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def send_digest(
    message: EmailMessage,
    settings: SmtpSettings,
    *,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> SendResult:
    """Send ``message``; retry transient failures ``retries`` times, waiting
    ``backoff``, ``2*backoff``, ``4*backoff``... seconds; raise DeliveryError otherwise."""
    recipients = _recipients(message)
    attempt = 0
    while True:
        attempt += 1
        try:
            refused = _send_once(message, settings, ssl_context)
        except OSError as exc:  # smtplib.SMTPException and ssl.SSLError are OSErrors too
            failure = _classify(exc)
            if not failure.transient or attempt > retries:
                raise _delivery_error(failure, recipients, settings, attempt) from exc
            sleep(backoff * 2 ** (attempt - 1))
            continue
        return SendResult(
            message_id=str(message.get("Message-ID", "")),
            recipients=recipients,
            attempts=attempt,
            refused=tuple(
                (addr, code, _text(reply)) for addr, (code, reply) in sorted(refused.items())
            ),
        )


def _send_once(
    message: EmailMessage, settings: SmtpSettings, context: ssl.SSLContext | None
) -> dict[str, tuple[int, bytes]]:
    client = _connect(settings, context)
    try:
        if settings.security == "starttls":
            client.starttls(context=context or ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password or "")
        return client.send_message(message)
    finally:
        _close(client)


def _connect(settings: SmtpSettings, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=context or ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _classify(exc: BaseException) -> _Failure:
    """Whether a failure is worth retrying, and how to describe it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        details = "; ".join(
            f"{addr}: {code} {_text(reply)}" for addr, (code, reply) in exc.recipients.items()
        )
        transient = bool(codes) and all(400 <= c < 500 for c in codes)
        return _Failure(transient, f"recipients refused ({details})", codes[0] if codes else None)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        reply = f"server replied {code} {_text(exc.smtp_error)}"
        return _Failure(not 500 <= code < 600, reply, code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _Failure(False, f"server does not support what the settings ask for: {exc}")
    if isinstance(exc, ssl.SSLError):
        return _Failure(False, f"TLS failed: {exc}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _Failure(True, f"the server closed the connection: {exc}")
    if isinstance(exc, smtplib.SMTPException):  # e.g. no usable AUTH method: a setup problem
        return _Failure(False, f"{type(exc).__name__}: {exc}")
    return _Failure(True, f"connection failed: {exc or type(exc).__name__}")


def _delivery_error(
    failure: _Failure, recipients: tuple[str, ...], settings: SmtpSettings, attempts: int
) -> DeliveryError:
    where = f"{settings.host}:{settings.port}"
    text = f"could not send the digest to {', '.join(recipients)} via {where}: {failure.reason}"
    if failure.transient:
        text += f" (gave up after {attempts} attempts)"
    return DeliveryError(
        text, permanent=not failure.transient, attempts=attempts, code=failure.code
    )


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    found = tuple(addr for _, addr in email.utils.getaddresses(fields) if addr)
    if not found:
        raise DeliveryError("the message has no recipients", permanent=True)
    return found


def _text(reply: bytes | str) -> str:
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return clean_text(raw)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _env_number(env: Mapping[str, str], name: str, kind: type[_N], default: _N) -> _N:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise InputError("environment", f"not a number: {raw!r}", field=name) from exc


def _env_password(env: Mapping[str, str], prefix: str) -> str | None:
    if env.get(prefix + "PASSWORD"):
        return env[prefix + "PASSWORD"]
    path = env.get(prefix + "PASSWORD_FILE", "").strip()
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise InputError(path, f"cannot read the SMTP password file: {exc}") from exc
