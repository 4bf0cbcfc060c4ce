"""Helpers of the trust tests: uploads through the web app, raw HTTP posts that count the
bytes a server took before it answered, signed-in clients from other loopback addresses,
and the process's peak memory."""

from __future__ import annotations

import json
import re
import select
import socket
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from .webserver import PASSWORD, csrf_of

_FLASH = re.compile(r'class="flash[^"]*"[^>]*>(.*?)</', re.S)


def jsonl(records: Iterable[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def upload(client: httpx.Client, name: str, data: bytes, kind: str = "") -> str:
    """Upload a file through /profile/import; the page text shown after the redirect."""
    token = csrf_of(client.get("/profile").text)
    answer = client.post(
        "/profile/import",
        data={"csrf": token, "kind": kind},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=True,
    )
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def client_from(base: str, address: str) -> httpx.Client:
    """An httpx client whose connections come from ``address`` (any of 127.0.0.0/8)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base, transport=transport, timeout=60)


def try_sign_in(client: httpx.Client, user: str, password: str = PASSWORD) -> int:
    token = csrf_of(client.get("/signin").text)
    answer = client.post("/signin", data={"user": user, "password": password, "csrf": token})
    return answer.status_code


#: How long ``raw_post`` waits for an answer before sending the next chunk.
ANSWER_WAIT = 0.1


def raw_post(
    base: str, path: str, headers: dict[str, str], body_chunks: Iterable[bytes]
) -> tuple[int | None, int]:
    """POST over a raw socket, sending ``body_chunks`` until the server answers; returns
    (status or None, body bytes sent). A server that reads the whole body first gets it."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent, status = 0, None
    chunked = headers.get("Transfer-Encoding") == "chunked"
    try:
        for chunk in body_chunks:
            # give the server a moment to answer before each chunk, so that a loaded
            # machine's slow answer is not counted as body the server read
            readable, _, _ = select.select([sock], [], [], ANSWER_WAIT)
            answer = sock.recv(65536) if readable else b""
            if answer:
                status = int(answer.split(b" ", 2)[1])
                break
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
            sock.sendall(frame)
            sent += len(chunk)
        if status is None:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
            answer = sock.recv(65536)
            status = int(answer.split(b" ", 2)[1]) if answer else None
    except (BrokenPipeError, ConnectionResetError):
        try:  # the server answered and closed while we were still sending
            answer = sock.recv(65536)
            status = int(answer.split(b" ", 2)[1]) if answer else status
        except OSError:
            pass
    finally:
        sock.close()
    return status, sent


def peak_rss_kib() -> int:
    """The peak resident memory of this process since the last ``reset_peak_rss``."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def current_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")
