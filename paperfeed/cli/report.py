"""The daily job's report: lines for the terminal, and a Markdown job summary (for a CI
run's page, e.g. GitHub Actions' ``$GITHUB_STEP_SUMMARY``) that says why when nothing
was sent."""

from __future__ import annotations

from collections.abc import Sequence

from paperfeed.daily import UserRun


def run_lines(runs: Sequence[UserRun]) -> list[str]:
    """One line per user (mail and posts), then the notes."""
    lines = []
    for item in runs:
        posts = "".join(f"; chat {name}: {status}" for name, status in item.posts)
        lines.append(f"{item.user} {item.date}: {item.picks} picks, {item.status}{posts}")
    lines.extend(f"note: {note}" for item in runs for note in item.notes)
    return lines


def nothing_sent(runs: Sequence[UserRun], problems: Sequence[str]) -> str:
    """Why this run delivered nothing ('' when it delivered something)."""
    if any(item.delivered for item in runs):
        return ""
    if not runs:
        return "There are no users: import a profile first (`paperfeed profile import`)."
    reasons = sorted({_reason(item) for item in runs})
    if problems:
        reasons.append(f"{len(problems)} source(s) could not be read (see warnings below)")
    return "Nothing was sent: " + "; ".join(reasons) + "."


def _reason(item: UserRun) -> str:
    statuses = [item.status, *(status for _, status in item.posts)]
    if item.status.startswith("no papers"):
        return item.status
    if all(status == "already sent" for status in statuses):
        return "today's digests were already sent by an earlier run"
    if item.status == "no address" and not item.posts:
        return f"{item.user} has no e-mail address and no chat channel"
    if item.status == "not sent (mail off)" and not item.posts:
        return "mail is off (--no-mail, or no [smtp] settings) and no chat channel is set"
    failed = [status for status in statuses if status.startswith("failed")]
    return f"{item.user}: {failed[0]}" if failed else f"{item.user}: {item.status}"


def job_summary(runs: Sequence[UserRun], problems: Sequence[str], day: str | None) -> str:
    """The run as Markdown: a table per user, the warnings, the notes, and why nothing was
    sent when that is so."""
    parts = [f"## paperfeed daily run{f' for {day}' if day else ''}", ""]
    why = nothing_sent(runs, problems)
    if why:
        parts += [f"> **{why}**", ""]
    if runs:
        parts += ["| user | picks | mail | chat |", "| --- | --- | --- | --- |"]
        for item in runs:
            posts = ", ".join(f"{name}: {status}" for name, status in item.posts) or "-"
            parts.append(f"| {item.user} | {item.picks} | {_cell(item.status)} | {_cell(posts)} |")
        parts.append("")
    notes = [note for item in runs for note in item.notes]
    for title, items in (("Warnings", problems), ("Notes", notes)):
        if items:
            parts += [f"### {title}", "", *(f"- {_cell(line)}" for line in items), ""]
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())
