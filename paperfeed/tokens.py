"""Tokenizing and stop words: text in, the terms the lexical models count out.

Words are lower-cased and accent-free, LaTeX commands dropped; tokens are words without
stop words, numbers or single letters, with light plural folding; terms add bigrams of
adjacent tokens. Academic boilerplate stays in the terms (it carries a researcher's style)
but is never shown to people (:func:`is_boilerplate`).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

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


@lru_cache(maxsize=1 << 18)
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


def analyze_once(text: str, bigrams: bool = True) -> tuple[str, ...]:
    """:func:`analyze` without the memo, for corpora too large to keep in it."""
    return _analyzed.__wrapped__(text, bigrams)
