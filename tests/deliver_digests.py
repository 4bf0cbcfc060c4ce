"""Digest fixtures shared by the tests of paperfeed.deliver, including a hostile paper."""

from __future__ import annotations

from paperfeed.records import Digest, Interest, Paper, Reason, Recommendation

RL = "reinforcement learning · reward"
DIFFUSION = "diffusion & policy"

LONG_ABSTRACT = (
    "We propose a reward model that learns from sparse human preferences and "
    "transfers across tasks. " * 8
).strip()

POLICY_PAPER = Paper(
    id="2606.01234",
    title=r"Fast $\alpha$-Policies via \textbf{Reward} Shaping",
    abstract=LONG_ABSTRACT,
    authors=("Jane Doe", "John Smith", "Ada Lovelace", "Alan Turing", "Grace Hopper"),
    categories=("cs.LG",),
    date="2026-06-30",
    url="https://arxiv.org/abs/2606.01234",
)
VAE_PAPER = Paper(
    id="2606.04321",
    title=r"$\beta$-VAE Meets Diffusion Policies with $O(n^{2})$ Cost",
    abstract=r"We bound the error by $\epsilon \leq 0.1$ using \emph{score matching}.",
    authors=("Wei Zhang", "Maria García"),
    date="2026-06-30",
    url="data:text/html,<script>alert(1)</script>",  # dropped: the arXiv page is used
)
EVIL_PAPER = Paper(
    id="title:0123456789abcdef",  # no arXiv id, no DOI: the only URL it has is hostile
    title="<script>alert(1)</script>",
    abstract="<img src=x onerror=alert(1)> " + "payload " * 60,
    authors=("Eve\r\nBcc: victim@example.com", "Mallory\x1b[2J<m@evil.example>"),
    date="2026-06-30",
    url="javascript:alert(1)",
)
PLAIN_PAPER = Paper(
    id="2606.07777",
    title="A Survey of Everything",
    abstract="Short.",
    authors=("Solo Author",),
    date="2026-06-29",
)

PICKS = (
    Recommendation(
        POLICY_PAPER,
        0.83,
        1,
        (
            Reason(
                "similar", "close to your paper “Reward Models” (0.71)", "p1", "Reward Models", 0.71
            ),
            Reason("terms", "shared terms: diffusion, policy", terms=("diffusion", "policy")),
        ),
        RL,
    ),
    Recommendation(
        VAE_PAPER,
        0.74,
        2,
        (Reason("coauthor", "co-author: Jane Doe", terms=("Jane Doe",)),),
        DIFFUSION,
    ),
    Recommendation(
        EVIL_PAPER,
        0.61,
        3,
        (Reason("similar", 'close to your paper “<b onmouseover="alert(1)">x</b>” (0.55)'),),
        None,
    ),
    Recommendation(
        PLAIN_PAPER,
        0.40,
        4,
        (Reason("followed_author", ""), Reason("terms", "", terms=("survey", "everything"))),
        RL,
    ),
)

TITLES_SHOWN = {
    "2606.01234": "Fast α-Policies via Reward Shaping",
    "2606.04321": "β-VAE Meets Diffusion Policies with O(n²) Cost",
    "title:0123456789abcdef": "<script>alert(1)</script>",
    "2606.07777": "A Survey of Everything",
}

INTERESTS = (
    Interest(RL, ("reinforcement", "learning", "reward"), ("p1",)),
    Interest(DIFFUSION, ("diffusion", "policy"), ("p2",)),
)


def make_digest(date: str = "2026-06-30", picks: tuple[Recommendation, ...] = PICKS) -> Digest:
    """A digest of four picks over two interests, one of them hostile."""
    return Digest("alice", date, picks, INTERESTS, candidates=1234, note="")


def empty_digest() -> Digest:
    """A day arXiv listed nothing."""
    note = "arXiv published no new papers on 2026-06-28"
    return Digest("alice", "2026-06-28", (), INTERESTS, candidates=0, note=note)
