"""Delivery: turning a Digest into what people read (text, JSON, HTML, Atom) and emailing it.

This layer imports only records, errors and ids from paperfeed (plus the stdlib and Jinja2).
"""

from __future__ import annotations

from paperfeed.deliver.atom import render_atom, render_atom_many
from paperfeed.deliver.email import (
    DeliveryError,
    SendResult,
    SmtpSettings,
    build_message,
    send_digest,
)
from paperfeed.deliver.html import render_html
from paperfeed.deliver.jsonout import digest_to_dict, render_json
from paperfeed.deliver.latex import latex_to_text
from paperfeed.deliver.links import MailLinks
from paperfeed.deliver.text import render_plain_email, render_text

__all__ = [
    "DeliveryError",
    "MailLinks",
    "SendResult",
    "SmtpSettings",
    "build_message",
    "digest_to_dict",
    "latex_to_text",
    "render_atom",
    "render_atom_many",
    "render_html",
    "render_json",
    "render_plain_email",
    "render_text",
    "send_digest",
]
