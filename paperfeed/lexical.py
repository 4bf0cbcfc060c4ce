"""Lexical term statistics: tokenizing, TF-IDF and BM25 weights, sparse cosines, shared terms.

Small pure functions in the spirit of bm25s: text goes in, scipy.sparse rows come out.
A fitted :class:`Lexicon` holds the vocabulary and IDF of one background corpus; texts are
turned into L2-normalized rows with sublinear term frequency, so a dot product is a cosine.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from paperfeed.ids import fold

_BOILERPLATE = """
    paper papers propose proposed proposes proposing present presents presented introduce
    introduces introduced result results show shows shown showed demonstrate demonstrates
    demonstrated novel new existing based using use uses used work works study studies
    method methods approach approaches technique techniques experiment experiments
    experimental extensive significantly significant outperform outperforms outperforming
    achieve achieves achieved achieving state art sota effective effectiveness efficient
    furthermore moreover however additionally address addresses challenge challenges
    problem problems paradigm recent recently various different prior previous previously
    finally specifically particular particularly respectively compared comparison
    code available publicly github https http www com org url abstract article conference
    evaluate evaluated evaluation evaluations benchmark benchmarks task tasks performance
    superior improve improves improved improvement improvements key crucial important
    leverage leverages leveraging enable enables enabling able provide provides providing
    remain remains limited limitation limitations including include includes specific
    well also via within across among toward towards et al ie eg wide widely
"""

#: Words of academic boilerplate that say little about a paper's topic. They are kept for
#: scoring (dropping them measurably hurt both benchmarks: they carry a researcher's style)
#: but never shown as shared terms or interest labels.
ACADEMIC_STOPWORDS = frozenset(_BOILERPLATE.split())

# The English stop words of scikit-learn (the Glasgow IR group list), inlined so that
# importing paperfeed does not import scikit-learn (over a second on two cores).
STOPWORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone
    anything anyway anywhere are around as at back be became because become becomes becoming
    been before beforehand behind being below beside besides between beyond bill both bottom
    but by call can cannot cant co con could couldnt cry de describe detail do done down due
    during each eg eight either eleven else elsewhere empty enough etc even ever every
    everyone everything everywhere except few fifteen fifty fill find fire first five for
    former formerly forty found four from front full further get give go had has hasnt have
    he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter
    latterly least less ltd made many may me meanwhile might mill mine more moreover most
    mostly move much must my myself name namely neither never nevertheless next nine no
    nobody none noone nor not nothing now nowhere of off often on once one only onto or
    other others otherwise our ours ourselves out over own part per perhaps please put
    rather re same see seem seemed seeming seems serious several she should show side since
    sincere six sixty so some somehow someone something sometime sometimes somewhere still
    such system take ten than that the their them themselves then thence there thereafter
    thereby therefore therein thereupon these they thick thin third this those though three
    through throughout thru thus to together too top toward towards twelve twenty two un
    under until up upon us very via was we well were what whatever when whence whenever
    where whereafter whereas whereby wherein whereupon wherever whether which while whither
    who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def is_boilerplate(term: str) -> bool:
    """Whether a term (unigram or bigram) has an academic boilerplate word in it."""
    return any(stem_word in ACADEMIC_STOPWORDS for stem_word in term.split())


_KEEP_S = ("ss", "us", "is", "ics", "ous", "ayes", "series", "species")


def stem(token: str) -> str:
    """Light plural folding: ``networks`` -> ``network``, ``policies`` -> ``policy``."""
    if len(token) <= 4 or token.endswith(_KEEP_S):
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("sses", "xes", "zes", "ches", "shes")):
        return token[:-2]
    if token.endswith("s"):
        return token[:-1]
    return token


_LATEX = re.compile(r"\\[a-zA-Z]+")
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-cased, accent-free words of ``text`` (LaTeX commands dropped)."""
    text = _LATEX.sub(" ", text)
    if text.isascii():  # fast path: no accents to strip
        return _WORD.findall(text.lower())
    return fold(text).split()


def _token(word: str) -> str:
    """The stemmed token of a word, or "" for stopwords, numbers and single letters."""
    if len(word) < 2 or word in STOPWORDS or word.isdigit():
        return ""
    return stem(word)


def tokenize(text: str) -> list[str]:
    """Folded, stemmed word tokens of ``text`` without stopwords, numbers or single letters."""
    return [t for t in map(_token, words(text)) if t]


@lru_cache(maxsize=16384)
def _analyzed(text: str, bigrams: bool) -> tuple[str, ...]:
    tokens = [_token(w) for w in words(text)]
    terms = [t for t in tokens if t]
    if bigrams:
        terms += [f"{a} {b}" for a, b in itertools.pairwise(tokens) if a and b]
    return tuple(terms)


def analyze(text: str, bigrams: bool = True) -> list[str]:
    """Terms of ``text``: its tokens plus, when asked, bigrams of tokens adjacent in the text.

    Memoized per text: the same papers are analyzed again and again across calls.
    """
    return list(_analyzed(text, bigrams))


@dataclass(frozen=True)
class Lexicon:
    """Vocabulary and IDF of a background corpus: turns texts into TF-IDF rows.

    Its terms are words and bigrams, or with ``chars`` = n the character n-grams inside
    words (the spelling of a text: method names, compounds, inflections).
    """

    vocabulary: dict[str, int]
    idf: np.ndarray
    bigrams: bool = True
    chars: int = 0

    @property
    def terms(self) -> list[str]:
        """Term of each column."""
        out = [""] * len(self.vocabulary)
        for term, col in self.vocabulary.items():
            out[col] = term
        return out

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw term counts of ``texts`` over this vocabulary (unknown terms dropped)."""
        if self.chars and not self.vocabulary:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        if self.chars:
            return _char_counter(self.chars, self.vocabulary).transform(texts).tocsr()
        return count_matrix([analyze(t, self.bigrams) for t in texts], self.vocabulary)

    def tfidf(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear-tf, IDF-weighted, L2-normalized rows of ``texts``."""
        return tfidf_rows(self.counts(texts), self.idf)


def count_matrix(docs: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """A documents x vocabulary matrix of term counts."""
    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[int] = []
    for doc in docs:
        counted = Counter(vocabulary[t] for t in doc if t in vocabulary)
        indices.extend(counted.keys())
        data.extend(counted.values())
        indptr.append(len(indices))
    shape = (len(docs), len(vocabulary))
    matrix = sp.csr_matrix((np.array(data, np.float32), indices, indptr), shape=shape)
    matrix.sort_indices()
    return matrix


def fit_lexicon(
    texts: Iterable[str], *, min_df: int = 1, max_df: float = 0.5, bigrams: bool = True
) -> Lexicon:
    """Fit vocabulary and smoothed IDF (``ln((1+n)/(1+df)) + 1``) on a background corpus.

    Terms in fewer than ``min_df`` documents or in more than ``max_df`` of them are dropped
    (a bigram must reach ``max(min_df, 2)`` to keep the vocabulary small).
    """
    docs = (analyze(text, bigrams) for text in texts)
    return _fit_terms(docs, min_df=min_df, max_df=max_df, bigrams=bigrams)


def fit_lexicon_with_rows(
    texts: Sequence[str], *, bigrams: bool = True
) -> tuple[Lexicon, sp.csr_matrix]:
    """:func:`fit_lexicon` plus the TF-IDF rows of the same texts, each text analyzed once
    (a background of tens of thousands of papers would not fit the analysis memo)."""
    docs = (_analyzed.__wrapped__(text, bigrams) for text in texts)  # not through the memo
    return _lexicon_with_rows(docs, min_df=1, max_df=0.5, bigrams=bigrams, chars=0)


def fit_char_lexicon_with_rows(texts: Sequence[str], n: int = 4) -> tuple[Lexicon, sp.csr_matrix]:
    """A lexicon of the character ``n``-grams within words (lower-cased, a word padded with
    a space each side) found in at least two ``texts``, and the TF-IDF rows of the texts."""
    docs = map(_char_counter(n).build_analyzer(), texts)
    return _lexicon_with_rows(docs, min_df=2, max_df=1.0, bigrams=False, chars=n)


def _lexicon_with_rows(
    docs: Iterable[Sequence[str]], *, min_df: int, max_df: float, bigrams: bool, chars: int
) -> tuple[Lexicon, sp.csr_matrix]:
    vocabulary, doc_freq, counts = _fit_counts(docs, min_df=min_df, max_df=max_df)
    lexicon = Lexicon(vocabulary, _idf(doc_freq, counts.shape[0]), bigrams, chars)
    return lexicon, tfidf_rows(counts, lexicon.idf, in_place=True)


def _idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed IDF, ``ln((1 + n) / (1 + df)) + 1``."""
    return (np.log((1.0 + n_docs) / (1.0 + doc_freq)) + 1.0).astype(np.float32)


def _fit_counts(
    docs: Iterable[Sequence[str]], *, min_df: int, max_df: float
) -> tuple[dict[str, int], np.ndarray, sp.csr_matrix]:
    """The kept terms of ``docs`` (as :func:`_fit_terms` keeps them) with their document
    frequencies, and the docs' term counts over them."""
    ids_of, ids, values, sizes = _term_ids(docs)
    doc_freq = np.bincount(ids, minlength=len(ids_of))
    kept = _kept_terms(((t, doc_freq[i]) for t, i in ids_of.items()), len(sizes), min_df, max_df)
    old_id = np.array([ids_of[t] for t in kept], dtype=np.int64)
    del ids_of
    new_col = np.full(len(doc_freq), -1, dtype=np.int32)
    new_col[old_id] = np.arange(len(kept), dtype=np.int32)
    columns = new_col[ids]
    del ids
    keep = columns >= 0
    lengths = np.zeros(len(sizes), dtype=np.int64)
    if keep.size:
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
        lengths[sizes > 0] = np.add.reduceat(keep, starts[sizes > 0], dtype=np.int64)
    columns, values = columns[keep], values[keep]
    indptr = np.r_[0, np.cumsum(lengths)]
    counts = sp.csr_matrix((values, columns, indptr), shape=(len(sizes), len(kept)))
    counts.sort_indices()
    return {t: i for i, t in enumerate(kept)}, doc_freq[old_id], counts


def _term_ids(
    docs: Iterable[Sequence[str]],
) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """Every term of ``docs`` numbered; each doc's distinct term ids and their counts, all
    docs end to end, and the number of distinct terms of each doc.

    Each doc becomes numbers as it is analyzed: 21k analyzed abstracts held as strings took
    ~300 MB, and scikit-learn's counter ~400 MB for their character n-grams."""
    ids_of: dict[str, int] = {}
    id_rows, count_rows = [], []
    for doc in docs:
        counted = Counter(doc)
        id_rows.append(np.fromiter((ids_of.setdefault(t, len(ids_of)) for t in counted), np.int32))
        count_rows.append(np.fromiter(counted.values(), np.float32, len(counted)))
    sizes = np.array([len(row) for row in id_rows], dtype=np.int64)
    ids = np.concatenate([np.zeros(0, np.int32), *id_rows])
    del id_rows
    values = np.concatenate([np.zeros(0, np.float32), *count_rows])
    return ids_of, ids, values, sizes


def _char_counter(n: int, vocabulary: dict[str, int] | None = None) -> Any:
    """scikit-learn's counter of in-word character n-grams (imported only when used)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer="char_wb",
        ngram_range=(n, n),
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _fit_terms(
    docs: Iterable[Sequence[str]], *, min_df: int, max_df: float, bigrams: bool
) -> Lexicon:
    doc_freq: Counter[str] = Counter()
    n_docs = 0
    for terms in docs:
        doc_freq.update(set(terms))
        n_docs += 1
    kept = _kept_terms(doc_freq.items(), n_docs, min_df, max_df)
    vocabulary = {t: i for i, t in enumerate(kept)}
    df = np.array([doc_freq[t] for t in kept], dtype=np.float64)
    return Lexicon(vocabulary, _idf(df, n_docs), bigrams)


def _kept_terms(
    doc_freqs: Iterable[tuple[str, Any]], n_docs: int, min_df: int, max_df: float
) -> list[str]:
    """Terms in at least ``min_df`` docs (a bigram at least 2) and at most ``max_df`` of
    them, sorted."""
    ceiling = max_df * n_docs if n_docs > 10 else n_docs
    return sorted(
        t for t, df in doc_freqs if df <= ceiling and df >= (max(min_df, 2) if " " in t else min_df)
    )


def tfidf_rows(counts: sp.csr_matrix, idf: np.ndarray, *, in_place: bool = False) -> sp.csr_matrix:
    """Sublinear tf (``1 + ln tf``) times IDF, each row scaled to unit length.

    Computed on the data array: scipy's copy-multiply-scale chain held three copies of the
    matrix at once. ``in_place`` reuses the arrays of ``counts``, which the caller gives up.
    """
    rows = sp.csr_matrix(counts, copy=not in_place)
    data = rows.data.astype(np.float32, copy=False)
    np.log(data, out=data)
    data += 1.0
    data *= idf.astype(np.float32)[rows.indices]
    rows.data = data
    return normalize_sparse(rows, in_place=True)


def bm25_rows(
    counts: sp.csr_matrix,
    idf: np.ndarray,
    *,
    k1: float = 1.2,
    b: float = 0.75,
    avg_length: float | None = None,
) -> sp.csr_matrix:
    """BM25 term weights per document (saturated tf with length normalization, times IDF)."""
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    avg = avg_length if avg_length is not None else float(lengths.mean() or 1.0)
    weighted = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    row_of = np.repeat(np.arange(counts.shape[0]), np.diff(weighted.indptr))
    norm = k1 * (1.0 - b + b * lengths[row_of] / avg)
    weighted.data = weighted.data * (k1 + 1.0) / (weighted.data + norm)
    return sp.csr_matrix(weighted @ sp.diags(idf.astype(np.float32)))


def normalize_sparse(matrix: sp.csr_matrix, *, in_place: bool = False) -> sp.csr_matrix:
    """Rows scaled to unit L2 length (empty rows stay empty), as float32; ``in_place``
    scales the data array of ``matrix`` itself when it is already float32."""
    rows = sp.csr_matrix(matrix, copy=not in_place)
    data = rows.data.astype(np.float32, copy=False)
    lengths = np.diff(rows.indptr)
    squares = np.zeros(len(lengths), dtype=np.float32)
    if data.size:
        squares[lengths > 0] = np.add.reduceat(data * data, rows.indptr[:-1][lengths > 0])
    data *= np.repeat((1.0 / np.maximum(np.sqrt(squares), 1e-12)).astype(np.float32), lengths)
    rows.data = data
    return rows


def cosine(a: sp.spmatrix, b: sp.spmatrix) -> np.ndarray:
    """Dense matrix of cosines between the rows of ``a`` and of ``b`` (both L2-normalized)."""
    return np.asarray((a @ b.T).todense(), dtype=np.float32)


def shared_terms(a: sp.spmatrix, b: sp.spmatrix, terms: Sequence[str], k: int = 5) -> list[str]:
    """The ``k`` terms that contribute most to the cosine of two single rows, best first.

    A bigram counts double (it stands for two words); a term sharing a word with one already
    chosen is skipped, so "language model" does not come with "language" and "model" again.
    """
    product = sp.csr_matrix(a).multiply(sp.csr_matrix(b)).tocsr()
    words = [len(terms[col].split()) for col in product.indices]
    order = np.argsort(-product.data * np.array(words), kind="stable")
    chosen: list[str] = []
    for col in product.indices[order]:
        term = terms[col]
        if is_boilerplate(term) or any(set(term.split()) & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return chosen
