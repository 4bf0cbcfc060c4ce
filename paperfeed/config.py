"""Settings: a TOML file validated by pydantic, with PAPERFEED_* environment overrides."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from paperfeed.errors import InputError
from paperfeed.urls import check_base_url

ENV_PREFIX = "PAPERFEED_"
KIB, MIB, GIB = 1024, 1024 * 1024, 1024 * 1024 * 1024


class SourcesConfig(BaseModel):
    """What `paperfeed run` ingests each day."""

    model_config = ConfigDict(extra="forbid")
    arxiv_categories: list[str] = Field(default_factory=lambda: ["cs.LG", "cs.CL", "cs.CV"])
    feeds: list[str] = Field(default_factory=list)
    hf_daily: bool = False
    allow_private_feeds: bool = False
    #: Any other SOURCE specs of the registry (biorxiv:neuroscience, openalex:S..., ...).
    specs: list[str] = Field(default_factory=list)


class SmtpConfig(BaseModel):
    """Where mail goes; the password comes from PAPERFEED_SMTP_PASSWORD only."""

    model_config = ConfigDict(extra="forbid")
    host: str = "localhost"
    port: int = 25
    security: Literal["starttls", "ssl", "none"] = "none"
    username: str = ""
    sender: str = "paperfeed@localhost"


class WebConfig(BaseModel):
    """The web app: whether anyone may sign up (a lab may add users with `paperfeed passwd`),
    and how long a session lives: ended after ``session_idle_hours`` without use and after
    ``session_max_days`` in any case (then the user signs in again)."""

    model_config = ConfigDict(extra="forbid")
    allow_signup: bool = True
    session_idle_hours: float = Field(default=72.0, gt=0)
    session_max_days: float = Field(default=14.0, gt=0)
    #: How long a page waits for a new day's listing to be prepared before it shows the
    #: progress ("preparing today's listing: 340 of 530") and refreshes itself.
    listing_wait_seconds: float = Field(default=2.0, ge=0)


class LimitsConfig(BaseModel):
    """What one input may cost. Going over a cap is an error naming the input; nothing is
    stored. Web request bodies are counted while they are read, before any parsing."""

    model_config = ConfigDict(extra="forbid")
    request_bytes: int = Field(default=64 * KIB, ge=1024)  # any request body but an upload
    upload_bytes: int = Field(default=5 * MIB, ge=1024)  # a file uploaded in the web app
    upload_expanded_bytes: int = Field(default=64 * MIB, ge=1024)  # an upload, uncompressed
    file_bytes: int = Field(default=4 * GIB, ge=1024)  # a file given to the command line
    file_expanded_bytes: int = Field(default=16 * GIB, ge=1024)  # ... uncompressed
    archive_members: int = Field(default=16, ge=1)  # gzip members in one file
    feed_bytes: int = Field(default=64 * MIB, ge=1024)  # one HTTP response, decoded
    concurrent_hashes: int = Field(default=2, ge=1)  # argon2 hashes running at once


class StoreConfig(BaseModel):
    """The database: how long a statement waits for another connection's lock before the
    store gives up with ``StoreBusy`` (retried by the web app and the daily job).

    ``busy_timeout`` is SQLite's busy timeout and PostgreSQL's ``lock_timeout`` alike."""

    model_config = ConfigDict(extra="forbid")
    busy_timeout: float = Field(default=10.0, gt=0)  # seconds per try, on either backend


class LlmConfig(BaseModel):
    """LLM summaries through an OpenAI-compatible chat-completions endpoint (off while
    ``base_url`` is empty). The key comes from PAPERFEED_LLM_API_KEY only."""

    model_config = ConfigDict(extra="forbid")
    base_url: str = ""  # e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1
    model: str = ""
    language: str = "English"
    timeout: float = Field(default=20.0, gt=0)  # seconds per request
    retries: int = Field(default=2, ge=0, le=5)
    concurrency: int = Field(default=4, ge=1, le=32)  # requests in flight at once
    budget: float = Field(default=90.0, gt=0)  # seconds one digest's summaries may take
    max_tokens: int = Field(default=300, ge=16, le=4096)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url.strip() and self.model.strip())


class TrendingConfig(BaseModel):
    """The opt-in "trending in your interests" section: papers with upvotes seen in the
    last ``days``, at least ``min_score`` close to the user (standard units), at most
    ``size`` of them."""

    model_config = ConfigDict(extra="forbid")
    days: int = Field(default=7, ge=1, le=60)
    size: int = Field(default=5, ge=1, le=50)
    min_score: float = 1.0


class WebhookConfig(BaseModel):
    """One chat channel (an apprise URL: slack://, discord://, tgram://, matrix://,
    ntfy://, json://...). ``url_env`` names an environment variable holding the URL, so
    its token can stay out of the file. ``users``: whose digests go there (all when empty)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    url: str = ""
    url_env: str = ""
    users: list[str] = Field(default_factory=list)


class DeliverConfig(BaseModel):
    """Channels besides mail: ``[[deliver.webhook]]`` entries."""

    model_config = ConfigDict(extra="forbid")
    webhook: list[WebhookConfig] = Field(default_factory=list)


class ClusterConfig(BaseModel):
    """Where `paperfeed run` ranks: '' in-process, a dask scheduler (tcp://host:8786), or
    local:N (a LocalCluster of N worker processes started for the run)."""

    model_config = ConfigDict(extra="forbid")
    address: str = ""
    users_per_task: int = Field(default=200, ge=1)  # users ranked together by one task


class Settings(BaseModel):
    """Everything configurable. Precedence: command line > environment > file > defaults."""

    model_config = ConfigDict(extra="forbid")
    db: str = ""
    top: int = Field(default=10, ge=1, le=500)
    threshold: float | None = None
    model: str = ""  # the embedding model (paperfeed.embed.EMBEDDERS); '' = the default
    base_url: str = ""  # the web app's address as readers reach it; '' = from each request
    user: str = ""  # the user commands act for when --user is not given
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    llm: LlmConfig = Field(default_factory=LlmConfig)
    trending: TrendingConfig = Field(default_factory=TrendingConfig)
    deliver: DeliverConfig = Field(default_factory=DeliverConfig)
    cluster: ClusterConfig = Field(default_factory=ClusterConfig)
    #: Knobs of the ranking by name (paperfeed.ranking.settings); checked when ranking.
    ranking: dict[str, object] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        try:
            return check_base_url(value)
        except InputError as exc:
            raise ValueError(exc.message) from exc


def default_config_path() -> Path:
    """``$PAPERFEED_CONFIG``, else config.toml in the user's config directory."""
    if os.environ.get("PAPERFEED_CONFIG"):
        return Path(os.environ["PAPERFEED_CONFIG"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("paperfeed")) / "config.toml"


def default_db_path() -> Path:
    """The database in the user's data directory."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("paperfeed")) / "paperfeed.db"


def _env_overrides(env: dict[str, str]) -> dict[str, object]:
    """PAPERFEED_DB, PAPERFEED_TOP, PAPERFEED_USER, PAPERFEED_SMTP_HOST ...,
    PAPERFEED_LLM_BASE_URL / _MODEL / _LANGUAGE as a dict tree; an empty variable counts
    as unset (a CI secret that was never set)."""
    env = {key: value for key, value in env.items() if value.strip()}  # empty means unset
    tree: dict[str, object] = {}
    for key in ("db", "top", "threshold", "model", "base_url", "user"):
        if f"{ENV_PREFIX}{key.upper()}" in env:
            tree[key] = env[f"{ENV_PREFIX}{key.upper()}"]
    smtp = {
        key: env[f"{ENV_PREFIX}SMTP_{key.upper()}"]
        for key in ("host", "port", "security", "username", "sender")
        if f"{ENV_PREFIX}SMTP_{key.upper()}" in env
    }
    if smtp:
        tree["smtp"] = smtp
    llm = {
        key: env[f"{ENV_PREFIX}LLM_{key.upper()}"]
        for key in ("base_url", "model", "language")
        if f"{ENV_PREFIX}LLM_{key.upper()}" in env
    }
    if llm:
        tree["llm"] = llm
    if f"{ENV_PREFIX}CATEGORIES" in env:
        cats = [c.strip() for c in env[f"{ENV_PREFIX}CATEGORIES"].split(",") if c.strip()]
        tree["sources"] = {"arxiv_categories": cats}
    return tree


def _merge(base: dict[str, object], over: dict[str, object]) -> dict[str, object]:
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def load_settings(
    path: Path | None = None, env: dict[str, str] | None = None, *, required: bool = False
) -> Settings:
    """Read the TOML file (if it exists), apply environment overrides, validate.

    A malformed file or a bad value raises InputError naming the file and the field; so
    does a missing file when it is ``required`` (named on the command line).
    """
    path = path or default_config_path()
    env = dict(os.environ) if env is None else env
    data: dict[str, object] = {}
    if required and not path.exists():
        raise InputError(
            str(path), "no such config file (`paperfeed config init` writes one with comments)"
        )
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(str(path), f"not valid TOML: {exc}") from exc
    data = _merge(data, _env_overrides(env))
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InputError(str(path), first["msg"], field=field) from exc
    if not settings.db:
        settings = settings.model_copy(update={"db": str(default_db_path())})
    return settings


CONFIG_TEMPLATE = """\
# paperfeed settings. Precedence: command line > environment (PAPERFEED_*) > this file >
# defaults. The values below are the defaults; change what you need.

# The database (PAPERFEED_DB); by default paperfeed.db in your data directory. A
# postgresql://user@host/db URL uses a PostgreSQL server (pip install 'paperfeed[postgres]'):
# db = "{db}"

# The user commands act for when --user is left out (PAPERFEED_USER); with one user in
# the store, that user.
user = ""

# Papers per digest (PAPERFEED_TOP), unless a user set their own (web: Profile > Delivery,
# or `paperfeed settings --top N`).
top = 10

# Drop picks whose score is below this (PAPERFEED_THRESHOLD); scores are in standard
# units of the field (each signal measured over earlier listings), so a paper scores the
# same whatever comes with it, and 1.0 keeps only clear matches. Unset: no threshold.
# threshold = 1.0

# The embedding model: "all-MiniLM-L6-v2-int8-len128" (the default, texts cut at 128
# tokens), "all-MiniLM-L6-v2-int8" (256 tokens, half as fast), or "hashing" (no model).
# model = ""

# The web app's address as readers reach it (PAPERFEED_BASE_URL), e.g.
# "https://papers.example.org". Feed addresses, and the rating, settings and unsubscribe
# links in mail, point here. Unset, the web app uses the address each request came in
# on, and mail carries no links.
base_url = ""

[sources]                       # what `paperfeed run` ingests each day
arxiv_categories = ["cs.LG", "cs.CL", "cs.CV"]   # PAPERFEED_CATEGORIES="cs.LG,cs.IR"
feeds = []                      # RSS/Atom feed URLs
hf_daily = false                # true: also Hugging Face Daily Papers
allow_private_feeds = false     # true lets feeds on private addresses (intranet) in
specs = []                      # other sources: "biorxiv:neuroscience", "openalex:S4306420609",
                                # "openreview:ICLR.cc/2025/Conference" (`paperfeed ingest --help`)

[smtp]                          # where mail goes; PAPERFEED_SMTP_HOST, _PORT, ...
host = "localhost"
port = 25
security = "none"               # "starttls" (port 587) or "ssl" (port 465) off this machine
username = ""                   # the password comes from PAPERFEED_SMTP_PASSWORD only
sender = "paperfeed@localhost"

[web]
allow_signup = true             # false: only `paperfeed passwd` makes accounts
listing_wait_seconds = 2.0      # then a page shows how far a new day's preparation got

# [ranking]                     # any knob of paperfeed/ranking/settings.py, e.g.
# history_papers = 20000        # earlier listings the feature space is fitted on

# LLM summaries (a TL;DR and a "why it matters to you" line per pick) from any
# OpenAI-compatible endpoint, a local one included; off while base_url or model is empty.
# The key comes from PAPERFEED_LLM_API_KEY only.
# [llm]
# base_url = "http://127.0.0.1:8080/v1"   # PAPERFEED_LLM_BASE_URL
# model = "llama3.1"                       # PAPERFEED_LLM_MODEL
# language = "English"                     # PAPERFEED_LLM_LANGUAGE

# The opt-in "trending in your interests" section (`paperfeed rules --trending`).
# [trending]
# days = 7                      # upvotes seen in the last days
# size = 5                      # at most this many papers
# min_score = 1.0               # how close to your work, in standard units

# Chat channels (pip install 'paperfeed[chat]'), one block per channel (an apprise URL).
# [[deliver.webhook]]
# name = "lab"
# url_env = "LAB_SLACK_URL"     # an environment variable holding slack://..., ntfy://...
# users = []                    # whose digests go there (all when empty)

[cluster]                       # where `paperfeed run` ranks (pip install 'paperfeed[cluster]')
address = ""                    # "" in-process; "tcp://host:8786" a dask scheduler; "local:2"
users_per_task = 200            # users ranked together (one product per signal) by one task
"""


def write_config_template(path: Path, *, overwrite: bool = False) -> None:
    """Write ``CONFIG_TEMPLATE`` to ``path`` (its folder made); an existing file is kept
    unless ``overwrite``."""
    if path.exists() and not overwrite:
        raise InputError(str(path), "a config file is already there (--force overwrites it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(CONFIG_TEMPLATE.format(db=default_db_path()), encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot write the config file: {exc.strerror}") from exc
