"""Reading an account file (`paperfeed export` output) at the edge: size-capped, JSON,
checked with pydantic before anything reaches the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paperfeed.config import MIB
from paperfeed.errors import InputError

MAX_ACCOUNT_FILE = 256 * MIB


class _PaperData(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=1000)
    title: str = Field(max_length=10_000)


class _AccountFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    format: str = Field(pattern="^paperfeed-account$")
    version: int = Field(ge=1, le=1)
    user: str = Field(min_length=1, max_length=64)
    papers: list[_PaperData] = Field(default_factory=list)


def read_account_file(path: str | Path) -> dict[str, Any]:
    """The account data in ``path``; InputError naming the file and field when unusable."""
    origin = str(path)
    file = Path(path)
    try:
        if file.stat().st_size > MAX_ACCOUNT_FILE:
            raise InputError(origin, f"larger than {MAX_ACCOUNT_FILE:,} bytes")
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise InputError(origin, "no such file") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(origin, f"not a JSON account file: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(origin, "not a JSON account file (expected an object)")
    try:
        _AccountFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(origin, first["msg"], field=".".join(map(str, first["loc"]))) from exc
    return data
