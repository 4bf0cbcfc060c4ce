"""Form input of the web app, validated by pydantic (the only place the web layer uses it).

Every model reads a starlette form (``parse(Model, form)``); a bad field becomes a
``FormError`` whose message names the field, shown to the user next to the form.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from paperfeed.ids import normalize_user_name
from paperfeed.web.auth import MAX_PASSWORD, MIN_PASSWORD, USER_NAME

#: A password exactly as typed: spaces are part of it, never stripped.
Password = Annotated[str, StringConstraints(strip_whitespace=False)]

SCHEDULES = ("daily", "weekdays", "weekly", "never")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
MAX_TOP = 100

M = TypeVar("M", bound=BaseModel)


class FormError(ValueError):
    """A form field that cannot be used; the message is shown to the user."""


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class SignUpForm(_Form):
    """Choose a user name and a password."""

    user: str = Field(min_length=2, max_length=64)
    password: Password = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)

    @field_validator("user")
    @classmethod
    def _name(cls, value: str) -> str:
        value = normalize_user_name(value)
        if not USER_NAME.match(value):
            raise ValueError(
                "use 2-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        return value


class SignInForm(_Form):
    """User name and password."""

    user: str = Field(min_length=1, max_length=64)
    password: Password = Field(min_length=1, max_length=MAX_PASSWORD)

    @field_validator("user")
    @classmethod
    def _normalized(cls, value: str) -> str:
        return normalize_user_name(value)


class PasswordForm(_Form):
    """Change the password: the current one, and the new one twice."""

    current: Password = Field(min_length=1, max_length=MAX_PASSWORD)
    new: Password = Field(min_length=1, max_length=MAX_PASSWORD)
    repeat: Password = Field(min_length=1, max_length=MAX_PASSWORD)


class DeleteAccountForm(_Form):
    """Delete the account: the password, and the user name typed as confirmation."""

    password: Password = Field(min_length=1, max_length=MAX_PASSWORD)
    confirm: str = Field(min_length=1, max_length=64)


class PaperForm(_Form):
    """One paper of the profile (to remove it)."""

    paper_id: str = Field(min_length=1, max_length=300)


class FeedbackForm(_Form):
    """A thumbs up or down on one paper."""

    paper_id: str = Field(min_length=1, max_length=300)
    rating: Literal["up", "down", "clear"]
    next: str = "/"

    @property
    def value(self) -> int:
        """+1, -1, or 0 (withdraw an earlier rating)."""
        return {"up": 1, "down": -1, "clear": 0}[self.rating]


class IncludeForm(_Form):
    """Take one own paper into ranking, or leave it out."""

    paper_id: str = Field(min_length=1, max_length=300)
    included: Literal["yes", "no"]


class RulesForm(_Form):
    """Keyword rules and followed authors, one per line (or comma-separated)."""

    include_keywords: str = Field(default="", max_length=5000)
    exclude_keywords: str = Field(default="", max_length=5000)
    followed_authors: str = Field(default="", max_length=5000)

    @staticmethod
    def items(text: str) -> tuple[str, ...]:
        """The distinct non-empty entries of one textarea."""
        parts = (p.strip() for p in re.split(r"[\n,;]", text))
        return tuple(dict.fromkeys(p for p in parts if p))


class SettingsForm(_Form):
    """Digest size, schedule, e-mail address and the opt-in trending section."""

    top: int = Field(ge=1, le=MAX_TOP)
    schedule: Literal["daily", "weekdays", "weekly", "never"]
    email: str = Field(default="", max_length=320)
    trending: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise ValueError("not an e-mail address")
        return value


def parse(model: type[M], form: Any) -> M:
    """Validate a form into ``model``; a bad field raises FormError naming the field."""
    data = {key: form.get(key) for key in model.model_fields if form.get(key) is not None}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "form"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise FormError(f"{field.replace('_', ' ')}: {message}") from exc
