"""Ranking: one :class:`Ranker` over a feature space, per-user models and the day's products.

Modules, in the order data flows: ``settings`` (every knob), ``space`` (the TF-IDF
feature space), ``background`` / ``packaged`` (what models learn against), ``candidates``
(a list encoded once), ``interests``, ``model`` / ``train`` (a user's models), ``signals``,
``combine``, ``choose`` (rules, filters, diversity), ``reasons``, and ``ranker``.
"""

from paperfeed.ranking.candidates import CandidateIndex
from paperfeed.ranking.model import UserModel
from paperfeed.ranking.papers import to_paper, to_papers
from paperfeed.ranking.ranker import Ranker
from paperfeed.ranking.settings import DEFAULTS, RankingSettings

__all__ = [
    "DEFAULTS",
    "CandidateIndex",
    "Ranker",
    "RankingSettings",
    "UserModel",
    "to_paper",
    "to_papers",
]
