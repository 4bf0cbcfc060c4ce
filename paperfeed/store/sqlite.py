"""The Store: the only module that touches the database (SQLite, stdlib ``sqlite3``).

``Store.open(path)`` creates or upgrades the database (ordered migrations, see
``schema.py``); ``":memory:"`` gives a private in-memory one. The methods live in mixins
by subject; every public write runs in a transaction, its own or the caller's
(``with store.transaction(): ...`` makes one command all-or-nothing).

Connection (``base.py``): ``Store(path)``, ``Store.open(path)``, ``close()``, context
manager, ``transaction()``, ``counts()``, ``check()``, ``version``.

Papers (``papers.py``, dedup rule in its docstring): ``upsert_papers(papers, *, listed=True)
-> UpsertResult``, ``find_paper_id(paper)``, ``resolve_id(id)``, ``get_paper(id)``,
``get_papers(ids)``, ``count_papers()``. Listings (``listings.py``): ``papers_on(date)``,
``listing_dates()``, ``latest_date()``, ``history_texts(before, limit)``, ``count_listed()``.

Search (``search.py``): ``search_page(query, limit, offset) -> SearchPage`` (titles,
abstracts and authors, a true count), ``search(query, limit=20)``,
``embedded_papers(model)`` (ids and cached vectors, for "more like this").

Users (``users.py``): ``add_user``, ``users``, ``has_user``, ``set_password_hash``,
``password_hash``, ``set_email``, ``email``, ``set_rules``, ``rules``, ``set_setting``,
``get_setting``, ``add_profile_papers``, ``set_included``, ``profile_links``,
``load_profile``.

Activity (``activity.py``): ``add_feedback``, ``feedback``, ``feedback_events``,
``record_shown``, ``shown_ids``, ``save_digest``, ``load_digest``, ``digest_dates``,
``claim_delivery``, ``confirm_delivery``, ``delivery_state``,
``unmark_sent``, ``was_sent``.

Accounts (``accounts.py``): sessions (``create_session``, ``session_user``,
``end_session``, ``end_sessions``; ``set_password_hash`` ends them all),
``remove_profile_paper``, ``delete_user``, ``account_data`` (export),
``restore_account`` (import).

Staged ingest (``staging.py``): ``ingest_papers(batches, origin)`` (all or nothing, in
short writes), ``clean_dead_ingests()``.

Caches (``vectors.py``): embeddings (a ``paperfeed.embed.VectorStore``): ``get_vectors``,
``put_vectors``, ``count_vectors``.

Summaries (``summaries.py``): ``cached_summaries``, ``put_summaries``, ``cached_why``,
``put_why``. Trending (``trending.py``): ``record_upvotes``, ``upvote_history``,
``save_trending``, ``load_trending``. Sync (``sync.py``): ``sync_state``,
``synced_items``, ``apply_sync``.

What the ranking learns (``models.py``, a ``paperfeed.ranking.ranker.ModelStore``):
``latest_space``, ``get_space``, ``get_background``, ``put_space``, ``get_model``,
``put_model``, ``model_keys``.
"""

from __future__ import annotations

from paperfeed.store.accounts import AccountsMixin
from paperfeed.store.listings import ListingsMixin
from paperfeed.store.models import ModelsMixin
from paperfeed.store.search import SearchMixin
from paperfeed.store.staging import StagingMixin
from paperfeed.store.summaries import SummariesMixin
from paperfeed.store.sync import SyncMixin
from paperfeed.store.trending import TrendingMixin
from paperfeed.store.vectors import VectorsMixin


class Store(
    SyncMixin,
    TrendingMixin,
    AccountsMixin,
    StagingMixin,
    SearchMixin,
    ListingsMixin,
    VectorsMixin,
    ModelsMixin,
    SummariesMixin,
):
    """A paperfeed database; safe to share between threads, and between processes by file."""


__all__ = ["Store"]
