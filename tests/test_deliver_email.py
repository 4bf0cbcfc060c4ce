"""Tests of paperfeed.deliver.email against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from deliver_digests import TITLES_SHOWN, empty_digest, make_digest

from paperfeed.deliver import DeliveryError, SmtpSettings, build_message, send_digest
from paperfeed.errors import InputError

TO = "alice@example.org"
SENDER = "paperfeed <digest@paperfeed.example>"


@dataclass
class Collector:
    """An aiosmtpd handler that keeps what it accepts; ``replies`` scripts DATA answers."""

    replies: list[str] = field(default_factory=list)
    received: list[Any] = field(default_factory=list)
    data_calls: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_calls += 1
        if self.replies:
            return self.replies.pop(0)
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: Collector, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def settings_for(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER, "timeout": 5,
    }  # fmt: skip
    values.update(changes)
    return SmtpSettings(**values)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_message_is_multipart_alternative_with_text_and_html() -> None:
    message = build_message(make_digest(), TO, settings_for(25))
    parsed = parse(message.as_bytes())
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in parsed.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and html is not None
    assert TITLES_SHOWN["2606.01234"] in plain.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.get_content()
    assert parsed["Subject"] == "paperfeed: 4 papers for 2026-06-30"
    assert parsed["Date"] and parsed["Message-ID"].endswith("@paperfeed.example>")
    assert message.as_bytes().isascii()  # 7-bit clean: quoted-printable bodies


def test_message_id_is_the_same_for_every_attempt_at_a_users_day() -> None:
    first = build_message(make_digest(), TO, settings_for(25))
    again = build_message(make_digest(), TO, settings_for(25))
    assert first["Message-ID"] == again["Message-ID"]
    other = build_message(replace(make_digest(), user="someone else"), TO, settings_for(25))
    assert other["Message-ID"] != first["Message-ID"]


def test_hostile_names_cannot_add_headers() -> None:
    parsed = parse(build_message(make_digest(), TO, settings_for(25)).as_bytes())
    assert parsed["Bcc"] is None
    assert sorted(parsed.keys()) == sorted(
        ["Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
         "Content-Type", "MIME-Version"]
    )  # fmt: skip
    with pytest.raises(InputError, match="to"):
        build_message(
            make_digest(), "alice@example.org\r\nBcc: victim@example.com", settings_for(25)
        )
    with pytest.raises(InputError):
        build_message(make_digest(), "alice@example.org, victim@example.com", settings_for(25))


def test_subject_of_an_empty_day_and_a_hostile_date() -> None:
    parsed = parse(build_message(empty_digest(), TO, settings_for(25)).as_bytes())
    assert parsed["Subject"] == "paperfeed: no new papers for 2026-06-28"
    hostile = make_digest(date="2026-06-30\r\nBcc: victim@example.com")
    parsed = parse(build_message(hostile, TO, settings_for(25)).as_bytes())
    assert parsed["Bcc"] is None
    assert "\n" not in parsed["Subject"]


def test_sends_through_a_real_smtp_server() -> None:
    handler = Collector()
    with smtp_server(handler) as port:
        settings = settings_for(port)
        message = build_message(make_digest(), TO, settings)
        result = send_digest(message, settings, sleep=_no_sleep)
    assert result.attempts == 1 and result.recipients == (TO,) and not result.refused
    assert len(handler.received) == 1
    envelope = handler.received[0]
    assert envelope.rcpt_tos == [TO]
    assert envelope.mail_from == "digest@paperfeed.example"
    received = parse(envelope.content)
    assert received.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in received.iter_parts()] == ["text/plain", "text/html"]
    assert received["Bcc"] is None
    assert received["Message-ID"].strip() == result.message_id


def test_connection_refused_is_retried_with_backoff_then_fails() -> None:
    waits: list[float] = []
    settings = settings_for(free_port())  # nothing listens there
    message = build_message(make_digest(), TO, settings)
    with pytest.raises(DeliveryError, match="after 3 attempts") as caught:
        send_digest(message, settings, retries=2, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0]
    assert caught.value.attempts == 3 and not caught.value.permanent


def test_a_4xx_reply_is_retried_and_the_message_delivered_once() -> None:
    handler = Collector(replies=["451 try again"])
    waits: list[float] = []
    with smtp_server(handler) as port:
        settings = settings_for(port)
        result = send_digest(
            build_message(make_digest(), TO, settings), settings, sleep=waits.append
        )
    assert result.attempts == 2 and waits == [2.0]
    assert handler.data_calls == 2 and len(handler.received) == 1


def test_a_5xx_reply_fails_at_once() -> None:
    handler = Collector(replies=["550 mailbox unavailable"])
    waits: list[float] = []
    with smtp_server(handler) as port:
        settings = settings_for(port)
        message = build_message(make_digest(), TO, settings)
        with pytest.raises(DeliveryError, match="550 mailbox unavailable") as caught:
            send_digest(message, settings, sleep=waits.append)
    assert caught.value.permanent and caught.value.code == 550 and caught.value.attempts == 1
    assert waits == [] and handler.data_calls == 1 and not handler.received


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"bot", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_logs_in_when_a_username_is_set() -> None:
    handler = Collector()
    options = {"authenticator": _authenticator, "auth_required": True, "auth_require_tls": False}
    with smtp_server(handler, **options) as port:
        good = settings_for(port, username="bot", password="s3cret")
        send_digest(build_message(make_digest(), TO, good), good, sleep=_no_sleep)
        bad = settings_for(port, username="bot", password="wrong")
        with pytest.raises(DeliveryError, match="535") as caught:
            send_digest(build_message(make_digest(), TO, bad), bad, sleep=_no_sleep)
    assert len(handler.received) == 1
    assert caught.value.permanent


def test_starttls_is_never_skipped_silently() -> None:
    handler = Collector()
    with smtp_server(handler) as port:  # this server offers no STARTTLS
        settings = settings_for(port, security="starttls")
        message = build_message(make_digest(), TO, settings)
        with pytest.raises(DeliveryError, match="STARTTLS") as caught:
            send_digest(message, settings, sleep=_no_sleep)
    assert caught.value.permanent and not handler.received


def test_settings_from_environment() -> None:
    env = {
        "PAPERFEED_SMTP_HOST": "mail.example.org",
        "PAPERFEED_SMTP_SECURITY": "ssl",
        "PAPERFEED_SMTP_USERNAME": "bot",
        "PAPERFEED_SMTP_PASSWORD": "s3cret",
        "PAPERFEED_SMTP_SENDER": SENDER,
    }
    settings = SmtpSettings.from_env(environ=env)
    assert (settings.host, settings.port, settings.security) == ("mail.example.org", 465, "ssl")
    assert settings.password == "s3cret" and "s3cret" not in repr(settings)
    with pytest.raises(InputError, match="PAPERFEED_SMTP_PORT"):
        SmtpSettings.from_env(environ={**env, "PAPERFEED_SMTP_PORT": "sixty"})
    with pytest.raises(InputError, match="SECURITY"):
        SmtpSettings.from_env(environ={**env, "PAPERFEED_SMTP_SECURITY": "tls-ish"})
    with pytest.raises(InputError, match=r"field 'PAPERFEED_SMTP_PORT'.*1-65535"):
        SmtpSettings.from_env(environ={**env, "PAPERFEED_SMTP_PORT": "70000"})


def test_password_file_and_refusing_plaintext_passwords(tmp_path: Any) -> None:
    secret = tmp_path / "password"
    secret.write_text("from-file\n")
    env = {"X_HOST": "mail.example.org", "X_USERNAME": "bot", "X_PASSWORD_FILE": str(secret)}
    assert SmtpSettings.from_env(prefix="X_", environ=env).password == "from-file"
    with pytest.raises(InputError, match=r"X_SECURITY.*unencrypted"):
        SmtpSettings.from_env(prefix="X_", environ={**env, "X_SECURITY": "none"})
    with pytest.raises(InputError, match="sender"):
        SmtpSettings(sender="paperfeed\r\nBcc: x@y.org")


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected retry (would sleep {seconds}s)")
