"""The one place that strings the layers together: read, rank, record, deliver.

``reading``: publication lists and listings into the store. ``digests``: a day ranked
into every user's digest. ``actions``: what follows a digest (summaries, rendering,
ratings, rules). The channels (CLI, web app, daily job, cluster) call these names only.
"""

from paperfeed.pipeline.actions import (
    give_feedback,
    render,
    summarize,
    summarizer_for,
    update_rules,
    with_summaries,
)
from paperfeed.pipeline.digests import (
    DigestWanted,
    EmptyProfile,
    build_digest,
    build_digests,
    build_digests_apart,
    check_rankable,
    mark_shown,
    nothing_listed,
    prepare_day,
    ranker_for,
    train_user,
)
from paperfeed.pipeline.reading import (
    ImportReport,
    IngestReport,
    check_date,
    fetch_source,
    import_profile,
    ingest,
    is_network_source,
    link_batch,
    read_limits,
    source_batches,
)

__all__ = [
    "DigestWanted",
    "EmptyProfile",
    "ImportReport",
    "IngestReport",
    "build_digest",
    "build_digests",
    "build_digests_apart",
    "check_date",
    "check_rankable",
    "fetch_source",
    "give_feedback",
    "import_profile",
    "ingest",
    "is_network_source",
    "link_batch",
    "mark_shown",
    "nothing_listed",
    "prepare_day",
    "ranker_for",
    "read_limits",
    "render",
    "source_batches",
    "summarize",
    "summarizer_for",
    "train_user",
    "update_rules",
    "with_summaries",
]
