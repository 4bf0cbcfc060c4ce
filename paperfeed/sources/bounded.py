"""Reading files within caps: compressed size, uncompressed size and gzip members.

A decompression bomb (1 MB of gzip that expands to gigabytes) is refused while it is
being expanded, in chunks, never held whole: ``InputError`` names the file and the cap.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from paperfeed.config import GIB
from paperfeed.errors import InputError

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Caps for one file: bytes on disk, bytes once expanded, gzip members."""

    file_bytes: int = 4 * GIB
    expanded_bytes: int = 16 * GIB
    members: int = 16


def _size_checked(path: Path, origin: str, limits: ReadLimits) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError(origin, "no such file") from exc
    except OSError as exc:
        raise InputError(origin, f"cannot read the file: {exc.strerror or exc}") from exc
    if path.is_dir():
        raise InputError(origin, "a directory, not a file")
    if size > limits.file_bytes:
        raise InputError(
            origin, f"the file is {size:,} bytes; the limit is {limits.file_bytes:,} bytes"
        )


class _Expanding(io.RawIOBase):
    """The uncompressed bytes of a gzip file (all members), counted against the caps."""

    def __init__(self, handle: io.BufferedReader, origin: str, limits: ReadLimits) -> None:
        self._handle, self._origin, self._limits = handle, origin, limits
        self._inflate = zlib.decompressobj(wbits=31)
        self._members, self._out, self._pending = 1, 0, b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _next(self, wanted: int) -> bytes:
        while not self._done:
            data = self._inflate.decompress(self._pending, max(wanted, 1))
            self._pending = self._inflate.unconsumed_tail
            if self._inflate.eof:
                self._next_member()
            if data:
                self._count(len(data))
                return data
            if not self._pending and not self._inflate.eof:
                self._pending = self._handle.read(_CHUNK)
                if not self._pending:
                    raise InputError(self._origin, "the gzip stream is truncated")
        return b""

    def _next_member(self) -> None:
        rest = self._inflate.unused_data + self._pending
        self._pending = b""
        if not rest:
            rest = self._handle.read(_CHUNK)
        if not rest:
            self._done = True
            return
        self._members += 1
        if self._members > self._limits.members:
            raise InputError(
                self._origin,
                f"the gzip file holds more than {self._limits.members} members (the limit)",
            )
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = rest

    def _count(self, size: int) -> None:
        self._out += size
        if self._out > self._limits.expanded_bytes:
            raise InputError(
                self._origin,
                f"expands to more than {self._limits.expanded_bytes:,} bytes "
                "(the limit for uncompressed data); nothing was stored",
            )

    def close(self) -> None:
        self._handle.close()
        super().close()


def open_bounded(path: Path, origin: str, limits: ReadLimits) -> io.BufferedIOBase:
    """The file's bytes (gunzipped when it is gzip), as a stream that enforces ``limits``."""
    _size_checked(path, origin, limits)
    handle = path.open("rb")
    if handle.peek(2)[:2] != _GZIP_MAGIC:
        return handle
    return io.BufferedReader(_Expanding(handle, origin, limits), buffer_size=_CHUNK)


def read_bounded(path: Path, origin: str, limits: ReadLimits, *, gzipped: bool) -> bytes:
    """All bytes of the file (gunzipped when ``gzipped``), refused past ``limits``."""
    _size_checked(path, origin, limits)
    try:
        with path.open("rb") as handle:
            if not gzipped:
                return handle.read()
            stream = _Expanding(handle, origin, limits)
            parts, size = [], 0
            while chunk := stream._next(_CHUNK):
                parts.append(chunk)
                size += len(chunk)
            return b"".join(parts)
    except zlib.error as exc:
        raise InputError(origin, f"not a valid gzip file: {exc}") from exc
    except OSError as exc:
        raise InputError(origin, f"cannot read the file: {exc.strerror or exc}") from exc
