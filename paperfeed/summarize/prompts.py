"""The prompts (TL;DR of a paper; why it matters to one reader) and the check of an answer.

The TL;DR prompt holds only the paper (title, authors, abstract), so its answer is the same
for every reader and is cached per paper. The "why" prompt is grounded in the pick's
reasons: the reader's nearest own paper, the shared terms, the interest, a co-author or a
followed author; the model is told to use nothing else. Both ask for the configured
language. ``PROMPT_VERSION`` is part of the cache key: change it when a prompt changes.

``checked`` turns an answer into one clean line or refuses it (LlmError): reasoning blocks
(``<think>...</think>``) and labels ("TL;DR:") are dropped; markdown fences, JSON, chat
template tokens, runaway repetition, refusal phrases and over-long text are refused.
"""

from __future__ import annotations

import re

from paperfeed.records import Paper, Reason
from paperfeed.summarize.client import LlmError

PROMPT_VERSION = 1
TLDR_CHARS = 420
WHY_CHARS = 260
ABSTRACT_CHARS = 2500
_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_LABEL = re.compile(r"^\s*(tl;?dr|summary|why( it matters)?( to you)?|answer)\s*[:：-]\s*", re.I)
_TEMPLATE = re.compile(r"<\|[a-z_]+\|>|\[/?INST\]|<s>|</s>", re.IGNORECASE)
_REFUSAL = re.compile(
    r"^(i'?m sorry|i am sorry|sorry, |i can(no|')t (help|assist|provide|do)|i cannot|"
    r"as an ai|i'?m unable|i am unable|i won'?t)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def tldr_messages(paper: Paper, language: str) -> list[dict[str, str]]:
    """The TL;DR prompt of one paper."""
    system = (
        "You summarize new research papers for busy researchers. "
        f"Answer in {language}. Write one or two plain sentences, at most 60 words, saying "
        "what the paper does and what it finds. Use only the title and abstract given. "
        "No preamble, no label, no markdown."
    )
    authors = ", ".join(paper.authors[:8]) + (" et al." if len(paper.authors) > 8 else "")
    user = (
        f"Title: {paper.title}\nAuthors: {authors or 'unknown'}\n"
        f"Abstract: {paper.abstract[:ABSTRACT_CHARS] or '(none given)'}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def grounds(reasons: tuple[Reason, ...], interest: str | None) -> list[str]:
    """The facts about the reader a "why" line may use: the pick's reasons as sentences."""
    facts = []
    for reason in reasons:
        terms = ", ".join(reason.terms)
        if reason.kind == "similar" and reason.paper_title:
            facts.append(f"It is close to the reader's own paper “{reason.paper_title}”.")
        elif reason.kind == "terms" and terms:
            facts.append(f"It shares these terms with the reader's papers: {terms}.")
        elif reason.kind in ("coauthor", "followed_author") and terms:
            facts.append(f"It is by {terms}, whom the reader follows or has written with.")
        elif reason.kind == "keyword" and terms:
            facts.append(f"It matches the reader's keyword: {terms}.")
        elif reason.text.strip():
            facts.append(reason.text.strip())
    if interest:
        facts.append(f"It belongs to the reader's interest: {interest}.")
    return facts


def why_messages(
    paper: Paper, tldr: str, reasons: tuple[Reason, ...], interest: str | None, language: str
) -> list[dict[str, str]]:
    """The "why it matters to you" prompt of one pick for one reader."""
    system = (
        "You tell one researcher, in one sentence, why a new paper matters to their own work. "
        f"Answer in {language}, at most 35 words, addressing the reader as 'you'. Use only the "
        "facts given about the reader; never invent their work. No preamble, no markdown."
    )
    facts = "\n".join(f"- {fact}" for fact in grounds(reasons, interest)) or "- (none given)"
    about = tldr or paper.abstract[:ABSTRACT_CHARS]
    user = f"New paper: {paper.title}\nWhat it does: {about}\n\nAbout the reader:\n{facts}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def checked(text: str, limit: int, *, cut: bool = False) -> str:
    """One clean line of at most ``limit`` characters, or LlmError("garbage"/"refusal")."""
    text = _THINK.sub(" ", text)
    if _TEMPLATE.search(text) or "```" in text or text.lstrip()[:1] in "{[<":
        raise LlmError("garbage", f"not plain text: {' '.join(text.split())[:60]!r}")
    line = " ".join(_LABEL.sub("", " ".join(text.split())).split()).strip("\"'“”‘’ ")
    if not line:
        raise LlmError("garbage", "an empty answer")
    if _REFUSAL.match(line):
        raise LlmError("refusal", line[:120])
    words = line.lower().split()
    if len(words) >= 12 and len(set(words)) < len(words) / 3:
        raise LlmError("garbage", f"repeats itself: {line[:60]!r}")
    if cut or len(line) > limit:
        line = _whole_sentences(line, limit)
    return line


def _whole_sentences(line: str, limit: int) -> str:
    """The leading whole sentences of ``line`` that fit in ``limit``; LlmError if none."""
    kept = ""
    for sentence in _SENTENCE_END.split(line):
        if len(kept) + len(sentence) + 1 > limit or not sentence.rstrip().endswith(
            (".", "!", "?", "。", "！", "？")
        ):
            break
        kept = f"{kept} {sentence}".strip()
    if not kept:
        raise LlmError("garbage", f"an unfinished or over-long answer ({len(line)} characters)")
    return kept
