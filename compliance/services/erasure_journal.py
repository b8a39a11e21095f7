"""The erasure journal: every erasure, written outside the database, so that a restored backup can learn which
faces were erased after it was taken (`manage.py restore` replays it; docs/operations.md).

One file, `$ERASURE_JOURNAL_DIR/erasures.jsonl`, append-only, one JSON line per erasure batch:

    {"seq": 7, "prev": "<SHA-256 of line 6's body>", "at": "...", "kind": "subjects" | "templates",
     "certificate": "<the pass's certificate id>", "cause": "...", "subjects": [[subject, tenant], ...],
     "templates": [...], "kid": "<platform key id>", "sig": "<Ed25519 signature of the body>"}

The body is the line without "sig", in canonical JSON; each line names the SHA-256 of the previous body, so a
line edited, dropped or inserted breaks the chain, and the platform key (core/keys.py) signs every body. A line
verifies with the key of the history its kid names, if that key was not yet retired at the line's "at": lines
written before a key rotation stay valid, a kid outside the history is refused. Writers
on one host are serialised by an exclusive flock on the file; several hosts need a shared filesystem with
working locks (NFSv4) for the directory.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from core.audit import canonical
from core.keys import history_key, key_ring

JOURNAL_FILE = "erasures.jsonl"
GENESIS = "0" * 64  # the "prev" of line 1
_TAIL_CHUNK = 64 * 1024


class JournalError(Exception):
    """The journal is not what its writer wrote: a broken chain, a bad signature, an unknown key."""


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL_DIR) / JOURNAL_FILE


def body_hash(body: dict) -> str:
    return hashlib.sha256(canonical(body).encode()).hexdigest()


def _last_line(f) -> bytes | None:
    """The last complete line. A fragment after it (a write cut short by a crash, whose transaction therefore
    never committed: the line is fsynced before the commit) is cut off, so the next line chains to a whole one."""
    end = f.seek(0, os.SEEK_END)
    pos, tail = end, b""
    while pos > 0 and tail.count(b"\n") < 2:
        step = min(_TAIL_CHUNK, pos)
        pos -= step
        f.seek(pos)
        tail = f.read(step) + tail
    if not tail:
        return None
    if not tail.endswith(b"\n"):
        cut = tail.rfind(b"\n") + 1
        f.truncate(pos + cut)
        tail = tail[:cut]
    lines = tail.splitlines()
    return lines[-1] if lines else None


def _head_of(line: bytes | None) -> Head:
    if line is None:
        return Head(0, GENESIS)
    body = json.loads(line)
    body.pop("sig", None)
    return Head(int(body["seq"]), body_hash(body))


def journal_append(*, kind: str, certificate_id, cause: str, subjects, templates=()) -> Head:
    """Append one signed line and fsync it; `subjects` are (subject id, tenant id) pairs. Raises on any I/O error,
    so that the caller's transaction (the erasure batch) rolls back rather than commit an erasure with no line."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    with open(path, "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # released when the file closes
        previous = _head_of(_last_line(f))
        at = timezone.now()
        ring = key_ring()  # read after `at`: a key retired meanwhile is not read, so it never signs a later line
        body: dict[str, Any] = {
            "seq": previous.seq + 1,
            "prev": previous.hash,
            "at": at.isoformat(),
            "kind": kind,
            "certificate": str(certificate_id),
            "cause": cause,
            "subjects": sorted([str(s), str(t)] for s, t in subjects),
            "templates": sorted(str(t) for t in templates),
            "kid": ring.active.kid,
        }
        signature = base64.b64encode(ring.private.sign(canonical(body).encode())).decode()
        f.write((canonical({**body, "sig": signature}) + "\n").encode())
        f.flush()
        os.fsync(f.fileno())
    if created:  # the new file's directory entry must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return Head(body["seq"], body_hash(body))


def journal_head() -> Head:
    """The last line's place in the chain (Head(0, GENESIS) for an empty journal), read under the writers' lock."""
    path = journal_path()
    if not path.exists():
        return Head(0, GENESIS)
    with open(path, "r+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        return _head_of(_last_line(f))


def journal_verify() -> list[dict]:
    """Every line, checked: numbered 1, 2, …, each chained to the one before and signed by the key of the history
    its kid names, while that key was active.
    Returns the bodies (with "hash" added); raises JournalError naming the first bad line. An unterminated last
    fragment is a write cut short by a crash (its erasure never committed) and is left out."""
    path = journal_path()
    if not path.exists():
        return []
    entries, previous = [], GENESIS
    with open(path, "rb") as f:
        lines = [raw for raw in f if raw.endswith(b"\n")]
    for number, raw in enumerate(lines, start=1):
        try:
            body = json.loads(raw)
            signature = base64.b64decode(body.pop("sig"))
        except (ValueError, KeyError, TypeError) as exc:
            raise JournalError(f"{path} line {number}: not a journal line ({exc})") from exc
        if body.get("seq") != number or body.get("prev") != previous:
            raise JournalError(f"{path} line {number}: the hash chain is broken (a line was changed, removed or added)")
        key = history_key(body.get("kid"))
        if key is None:
            raise JournalError(f"{path} line {number}: signed by key {body.get('kid')!r}, not a key of the history")
        try:
            at = datetime.fromisoformat(body["at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise JournalError(f"{path} line {number}: no valid time ({exc})") from exc
        if key.retired_at is not None and at > key.retired_at:
            raise JournalError(
                f"{path} line {number}: dated {body['at']}, after its key {key.kid!r} was retired"
                f" ({key.retired_at.isoformat()})"
            )
        if not key.verifies(signature, canonical(body).encode(), signed_at=at):
            raise JournalError(f"{path} line {number}: the signature does not match the line")
        previous = body_hash(body)
        entries.append({**body, "hash": previous})
    return entries
