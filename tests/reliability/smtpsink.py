"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts.

``Inbox`` counts messages per recipient from the SMTP envelope; ``hold_rcpt`` makes it
stall a client right after RCPT TO (the moment between the daily job's claim and the
message's arrival), and ``rcpt_seen`` tells the test a client got that far.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler: messages by recipient, plus hooks to stall a client."""

    def __init__(self, hold_rcpt: bool = False, data_delay: float = 0.0) -> None:
        self.hold_rcpt = hold_rcpt
        self.data_delay = data_delay
        self.rcpt_seen = threading.Event()
        self.messages: list[tuple[tuple[str, ...], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.rcpt_seen.set()
        if self.hold_rcpt:
            await asyncio.sleep(60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((tuple(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 OK"

    def per_recipient(self) -> Counter[str]:
        """How many messages each envelope recipient got."""
        with self._lock:
            return Counter(r for rcpts, _ in self.messages for r in rcpts)

    def distinct_per_recipient(self) -> Counter[str]:
        """How many different digests (by Message-ID) each envelope recipient got.

        A digest re-sent after a kill between the server's acceptance and paperfeed's record
        of it carries the same Message-ID, so mail clients can drop the copy.
        """
        with self._lock:
            seen = {(r, str(m["Message-ID"])) for rcpts, m in self.messages for r in rcpts}
        return Counter(r for r, _ in seen)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """Serve ``inbox`` on 127.0.0.1; yields the port."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
