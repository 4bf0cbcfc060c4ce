"""The links a mailed digest carries when the web app's address is known: today's page,
the settings, unsubscribing, and a signed thumbs up / down link per pick.

They are made by the daily job (``paperfeed.deliver.maillinks``) and handed to the renderers as
plain data, so this layer stays free of URLs' and tokens' making.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MailLinks:
    """``votes`` maps a pick's paper id to its (thumbs up, thumbs down) links."""

    today: str
    settings: str
    unsubscribe: str
    votes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
