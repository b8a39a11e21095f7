#!/usr/bin/env python3
"""Check a Facegate evidence pack offline: the signed manifest, the signed tree head, every event and certificate.

Needs only Python and `cryptography` (pip install cryptography), no Facegate code and no network; the hashing
and proof checks are those of tools/verify_audit.py (RFC 9162), which must sit beside this file.

    python tools/verify_evidence.py evidence.zip [--jwks jwks.json | --public-key BASE64]

Trust the key you fetched yourself from Facegate's /.well-known/jwks.json (--jwks), or the raw Ed25519 public
key it publishes (--public-key, base64); without either, the key inside the pack is used, which shows the pack
is intact but not who made it. Prints one line per check and exits 1 when any fails.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_audit import head_valid, inclusion_valid  # type: ignore[import-not-found]  # noqa: E402

EVENT_FIELDS = ("seq", "at", "actor", "action", "object_type", "object_id", "details")
CERTIFICATE_FIELDS = (
    "id",
    "cause",
    "cause_id",
    "scope",
    "counts",
    "subjects",
    "started_at",
    "finished_at",
    "audit_seq_from",
    "audit_seq_to",
    "vacuumed_at",
)


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Malformed(Exception):
    """The pack is not a Facegate evidence pack: the reason."""


def read_pack(path) -> dict[str, bytes]:
    """The pack's files by their name inside its one top folder. Anything another ZIP reader could show differently
    is Malformed: a second top folder, an entry outside the folder or leaving it, two entries of one name (one
    reader shows the first, another the last)."""
    try:
        pack = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise Malformed(f"not a ZIP file ({error})") from None
    with pack:
        entries = [info for info in pack.infolist() if not info.is_dir()]
        names = [info.filename for info in entries]
        if not names:
            raise Malformed("the ZIP holds no file")
        if duplicate := next((n for n in names if names.count(n) > 1), None):
            raise Malformed(f"two entries named {duplicate!r}")
        tops = sorted({n.split("/", 1)[0] for n in names})
        if len(tops) != 1:
            raise Malformed(f"{len(tops)} top folders ({', '.join(map(repr, tops))}), not exactly one")
        files = {}
        for info in entries:
            _, sep, name = info.filename.partition("/")
            parts = name.split("/")
            if not sep or "\\" in name or any(part in ("", ".", "..") for part in parts):
                raise Malformed(f"entry {info.filename!r} is not a file inside the top folder")
            files[name] = pack.read(info)
    return files


def trusted_key(files: dict[str, bytes], jwks: dict | None, public_key_b64: str | None) -> bytes:
    if public_key_b64:
        return base64.b64decode(public_key_b64)
    kid = json.loads(_b64url(files["manifest.jwt"].decode().split(".")[0]))["kid"]
    keys = (jwks or {"keys": [json.loads(files["public_key.json"])["jwk"]]})["keys"]
    found = [k for k in keys if k.get("kid") == kid and k.get("crv") == "Ed25519"]
    if not found:
        raise Malformed(f"no Ed25519 key with kid {kid} in the key set")
    return _b64url(found[0]["x"])


def head_key(files: dict[str, bytes], jwks: dict | None, manifest_key: bytes) -> bytes:
    """The key of the signed head: by its key_id from the JWK Set (a head signed before a key rotation is signed by
    a retired key of the history), else the manifest's key."""
    head = json.loads(files["signed_head.json"])
    kid = (head or {}).get("key_id")
    found = [k for k in (jwks or {}).get("keys", []) if kid and k.get("kid") == kid and k.get("crv") == "Ed25519"]
    return _b64url(found[0]["x"]) if found else manifest_key


def manifest_checks(files: dict[str, bytes], key: bytes) -> list[tuple[str, bool]]:
    header_b64, payload_b64, signature_b64 = files["manifest.jwt"].decode().split(".")
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(_b64url(signature_b64), f"{header_b64}.{payload_b64}".encode())
        signed = True
    except InvalidSignature:
        signed = False
    manifest = json.loads(_b64url(payload_b64))
    checks = [("manifest signature (EdDSA)", signed)]
    checks.append(("manifest.json is the signed manifest", json.loads(files["manifest.json"]) == manifest))
    listed = set(manifest["files"]) | {"manifest.json", "manifest.jwt"}
    checks.append(("no file outside the manifest", set(files) <= listed))
    checks.append(("every file of the manifest", listed <= set(files)))
    for name, digest in sorted(manifest["files"].items()):
        checks.append((f"file {name} SHA-256", hashlib.sha256(files.get(name, b"")).hexdigest() == digest))
    return checks


def _event_matches_leaf(event: dict) -> bool:
    """The event's columns are exactly what its leaf bytes say (a legacy leaf may also carry its chain hash)."""
    try:
        leaf = json.loads(base64.b64decode(event["leaf"]))
    except ValueError:
        return False
    return set(leaf) - {"chain_hash"} == set(EVENT_FIELDS) and all(leaf[f] == event[f] for f in EVENT_FIELDS)


def log_checks(files: dict[str, bytes], key: bytes) -> tuple[list[tuple[str, bool]], list[str]]:
    head = json.loads(files["signed_head.json"])
    proven = json.loads(files["events.json"])
    if head is None:
        return [("a signed tree head", False)], []
    checks = [(f"tree head {head['tree_size']} signature", head_valid(head, base64.b64encode(key).decode()))]
    checks.append(("events are proven against that head", proven["tree_size"] == head["tree_size"]))
    root = bytes.fromhex(head["root_hash"])
    for event in proven["events"]:
        name = f"event {event['index']} ({event['action']})"
        checks.append((f"{name} columns match its leaf", _event_matches_leaf(event)))
        path = [bytes.fromhex(h) for h in event["audit_path"]]
        leaf = base64.b64decode(event["leaf"])
        checks.append((f"{name} included", inclusion_valid(event["index"], head["tree_size"], leaf, path, root)))
    notes = []
    for event in proven["not_yet_in_signed_head"]:
        checks.append(
            (f"pending event seq {event['seq']} ({event['action']}) columns match its leaf", _event_matches_leaf(event))
        )
        notes.append(f"event seq {event['seq']} ({event['action']}) is not yet in a signed head: not proven")
    return checks, notes


def certificate_checks(files: dict[str, bytes]) -> list[tuple[str, bool]]:
    """Each certificate's SHA-256 matches its content and the one its certificate.issue event recorded (a proven
    event, or one not yet in a signed head, which log_checks reports)."""
    events = json.loads(files["events.json"])
    issued = {
        e["object_id"]: e["details"].get("sha256")
        for e in events["events"] + events["not_yet_in_signed_head"]
        if e["action"] == "certificate.issue"
    }
    checks = []
    for name in sorted(n for n in files if n.startswith("certificates/")):
        cert = json.loads(files[name])
        digest = hashlib.sha256(canonical({f: cert[f] for f in CERTIFICATE_FIELDS})).hexdigest()
        checks.append((f"certificate {cert['id']} SHA-256 matches its content", digest == cert["sha256"]))
        checks.append((f"certificate {cert['id']} SHA-256 is the one in the log", issued.get(cert["id"]) == digest))
    return checks


def verify_pack(path, jwks: dict | None = None, public_key_b64: str | None = None) -> tuple[bool, list[str]]:
    """(all passed, report lines). A malformed pack is INVALID with its reason, never an exception."""
    try:
        files = read_pack(path)
        for required in ("manifest.jwt", "manifest.json", "signed_head.json", "events.json", "public_key.json"):
            if required not in files:
                raise Malformed(f"no {required}")
        key = trusted_key(files, jwks, public_key_b64)
        checks = manifest_checks(files, key)
        logged, notes = log_checks(files, head_key(files, jwks, key))
        checks += logged + certificate_checks(files)
    except Malformed as error:
        return False, [f"FAIL  {error}", "evidence pack INVALID"]
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:  # bad JSON, base64, a field
        return False, [f"FAIL  malformed pack ({type(error).__name__}: {error})", "evidence pack INVALID"]
    if not (jwks or public_key_b64):
        notes.append("the key inside the pack was trusted: this shows the pack is intact, not who made it (--jwks)")
    lines = [f"{'PASS' if ok else 'FAIL'}  {name}" for name, ok in checks] + [f"NOTE  {n}" for n in notes]
    passed = all(ok for _, ok in checks)
    return passed, [*lines, "evidence pack VALID" if passed else "evidence pack INVALID"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pack", help="the evidence pack (ZIP)")
    parser.add_argument("--jwks", help="the JWK Set fetched from Facegate's /.well-known/jwks.json (a file)")
    parser.add_argument("--public-key", help="the published Ed25519 public key, base64 of its 32 bytes")
    args = parser.parse_args()
    jwks = json.loads(Path(args.jwks).read_text()) if args.jwks else None
    passed, lines = verify_pack(args.pack, jwks, args.public_key)
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
