"""What the JSON APIs share: a response parsed into an object, errors naming the URL."""

from __future__ import annotations

import json
from typing import Any

from paperfeed.errors import InputError


def load_object(text: str, origin: str) -> dict[str, Any]:
    """The JSON object of a response; InputError naming ``origin`` when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            origin, f"malformed or truncated JSON: {exc.msg}", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise InputError(origin, "JSON nested too deeply") from exc
    if not isinstance(data, dict):
        raise InputError(origin, f"expected a JSON object, found {type(data).__name__}")
    return data


def text_of(record: dict[str, Any], key: str) -> str:
    """A string field with whitespace collapsed ('' when missing or not a string)."""
    value = record.get(key)
    return " ".join(value.split()) if isinstance(value, str) else ""


def whole(value: object) -> int:
    """A count from an int or a string of digits, else 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return 0
