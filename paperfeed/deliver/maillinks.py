"""The links of one mailed digest: today's page, settings, unsubscribe, and a signed
thumbs up / down link per pick and per paper of the trending section, all on the site
``base_url`` names (see ``paperfeed.urls``).

Rating links open a page that asks for one confirmation click (a GET changes nothing, so
mail scanners that fetch every link do not vote); they work without signing in, are bound
to the user and the paper, and expire (``paperfeed.signing``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paperfeed import signing
from paperfeed.deliver.links import MailLinks
from paperfeed.records import Digest

if TYPE_CHECKING:
    from paperfeed.urls import Site


def mail_links(digest: Digest, site: Site, secret: str) -> MailLinks:
    """The links of ``digest`` on ``site``, signed with the site's ``secret``."""
    votes = {
        rec.paper.id: (
            site.vote(signing.vote_token(secret, digest.user, rec.paper.id, 1)),
            site.vote(signing.vote_token(secret, digest.user, rec.paper.id, -1)),
        )
        for rec in (*digest.recommendations, *digest.trending)
    }
    return MailLinks(
        today=site.today(digest.date),
        settings=site.settings(),
        unsubscribe=site.unsubscribe(signing.unsubscribe_token(secret, digest.user)),
        votes=votes,
    )
