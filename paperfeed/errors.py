"""The errors paperfeed raises on purpose, each saying where the problem is."""

from __future__ import annotations


class PaperfeedError(Exception):
    """Base of every error paperfeed raises for users to read."""


class InputError(PaperfeedError):
    """Input that cannot be read: names the file (or URL), and the line or field when known."""

    def __init__(
        self,
        origin: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.origin = origin
        self.line = line
        self.field = field
        self.message = message
        where = origin
        if line is not None:
            where += f":{line}"
        if field is not None:
            where += f": field '{field}'" if where else f"field '{field}'"
        super().__init__(f"{where}: {message}")


class InvalidArgument(InputError):
    """A value handed to a library call is not valid; names the argument. Each channel says
    where it came from (the CLI: the command line; the web app: the form)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__("", message, field=field)


class SourceError(PaperfeedError):
    """A network source that could not be fetched after the allowed retries."""


class StoreBusy(Exception):
    """The database stayed busy: another connection held a lock past the store's
    ``busy_timeout`` (SQLite's busy timeout, PostgreSQL's ``lock_timeout``), or PostgreSQL
    gave up a transaction for a serialization failure or a deadlock. The step wrote nothing
    (its transaction was rolled back); try it again later. Raised by both stores
    (``paperfeed.store.busy``). Not a ``PaperfeedError``: it is no fault of the input, so
    code that shows input errors to people must not catch it as one."""


class MissingExtra(PaperfeedError):
    """An optional part is used but its extra is not installed."""

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"this needs the optional package '{module}': "
            f"install it with  pip install 'paperfeed[{extra}]'"
        )


def require(module: str, extra: str) -> object:
    """Import an optional module, or raise MissingExtra naming the install command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(module, extra) from exc
