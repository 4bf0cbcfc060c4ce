"""The `paperfeed` command: thin shells over paperfeed.pipeline, paperfeed.daily and the store."""

from paperfeed.cli import core, dbops, find, ops, people
from paperfeed.cli.base import cli

__all__ = ["cli", "core", "dbops", "find", "main", "ops", "people"]


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="paperfeed")
