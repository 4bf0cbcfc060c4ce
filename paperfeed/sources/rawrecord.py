"""Typed reads of one raw record (a JSON object, a CSV row) whose errors say where it was."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from paperfeed.errors import InputError
from paperfeed.sources.fields import clean, iso_date


@dataclass(frozen=True, slots=True)
class RawRecord:
    """The fields of one record read from ``origin``.

    ``line`` (JSON Lines, CSV) and ``prefix`` (``"items[3]."`` in a JSON array) place the
    record in its file, so every error names the file, the line and the field. With
    ``numbers`` a number where text is expected is read as its text (CSL allows it).
    """

    data: Mapping[str, object]
    origin: str
    line: int | None = None
    prefix: str = ""
    numbers: bool = False

    def error(self, message: str, key: str = "") -> InputError:
        """An InputError at field ``key`` of this record (at the record itself without one)."""
        field = f"{self.prefix}{key}" if key else self.prefix.rstrip(".")
        return InputError(self.origin, message, line=self.line, field=field or None)

    def text(self, key: str) -> str:
        """A text field, '' when absent."""
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if self.numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.error(f"expected text, got {value!r:.60}", key)

    def title(self, message: str = "missing title") -> str:
        """The ``title`` field, which must hold more than whitespace."""
        title = self.text("title")
        if not clean(title):
            raise self.error(message, "title")
        return title

    def date(self, key: str = "date") -> str | None:
        """An ISO date field ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), None when blank."""
        try:
            return iso_date(self.text(key))
        except ValueError as exc:
            raise self.error(str(exc), key) from exc

    def strings(self, key: str, split: Callable[[str], list[str]]) -> list[str]:
        """A list of strings, or one string cut up by ``split``; [] when absent."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return split(value)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise self.error("expected a list of strings", key)
