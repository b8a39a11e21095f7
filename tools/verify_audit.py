#!/usr/bin/env python3
"""Check Facegate's audit log offline: signed tree heads, inclusion proofs, consistency proofs.

Needs only hashlib and `cryptography` (pip install cryptography), no Facegate code. The verification
algorithms are those of RFC 9162 sections 2.1.3.2 and 2.1.4.2.

    python tools/verify_audit.py https://facegate.example/api/v1 TOKEN [--index N] [--from M] [--jwks jwks.json]

Trust the JWK Set you fetched yourself from Facegate's /.well-known/jwks.json (--jwks: every key of its history,
so heads signed before a key rotation verify), or one raw public key (--public-key).

Signed bytes of a tree head (docs/audit.md):
    b"facegate-audit-tree-head-v1\\n" + tree_size (8 bytes, big-endian) + timestamp in ms since the Unix epoch
    (8 bytes, big-endian) + root hash (32 bytes)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import struct
import sys
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEAD_CONTEXT = b"facegate-audit-tree-head-v1\n"


def signed_bytes(tree_size: int, timestamp: int, root_hash: bytes) -> bytes:
    return HEAD_CONTEXT + struct.pack(">QQ", tree_size, timestamp) + root_hash


def head_valid(head: dict, public_key_b64: str | None = None) -> bool:
    """The head's Ed25519 signature over its signed bytes, with the key you trust (default: the one it names)."""
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64 or head["public_key"]))
    message = signed_bytes(head["tree_size"], head["timestamp"], bytes.fromhex(head["root_hash"]))
    try:
        key.verify(base64.b64decode(head["signature"]), message)
    except InvalidSignature:
        return False
    return True


def jwks_key(head: dict, jwks: dict) -> str | None:
    """The base64 public key of the head's key_id in the JWK Set, or None: a kid outside the set, or a head dated
    after its key's retired_at, is not trusted."""
    from datetime import datetime

    for jwk in jwks.get("keys", []):
        if jwk.get("kid") == head.get("key_id") and jwk.get("crv") == "Ed25519":
            retired = jwk.get("retired_at")
            if retired and head["timestamp"] > datetime.fromisoformat(retired).timestamp() * 1000:
                return None
            return base64.b64encode(base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))).decode()
    return None


def _trusted_head_valid(head: dict, public_key_b64: str | None, jwks: dict | None) -> bool:
    if jwks is None:
        return head_valid(head, public_key_b64)
    key = jwks_key(head, jwks)
    return key is not None and head_valid(head, key)


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def inclusion_valid(index: int, tree_size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    if index >= tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def consistency_valid(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> bool:
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof  # the empty tree is a prefix of every tree
    if first > second or not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def _get(base: str, token: str, path: str) -> dict:
    request = urllib.request.Request(base.rstrip("/") + path, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:  # the API's JSON error, e.g. a tree size no head was signed for
        sys.exit(f"{path}: HTTP {exc.code} {exc.read().decode(errors='replace')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("api", help="base URL of the API, e.g. http://127.0.0.1:8000/api/v1")
    parser.add_argument("token", help="an officer token")
    parser.add_argument("--index", type=int, help="check that this event is in the latest head")
    parser.add_argument(
        "--from", dest="first", type=int, help="check that the tree of this earlier signed head is a prefix"
    )
    parser.add_argument("--public-key", help="the published public key (base64) to trust instead of the head's")
    parser.add_argument("--jwks", help="the JWK Set fetched from /.well-known/jwks.json (a file): the key history")
    args = parser.parse_args()
    jwks = json.loads(open(args.jwks).read()) if args.jwks else None  # noqa: SIM115, PTH123 - a one-shot read
    head = _get(args.api, args.token, "/audit/head")
    ok = _trusted_head_valid(head, args.public_key, jwks)
    print(f"head {head['tree_size']} {head['root_hash']} signature {'valid' if ok else 'INVALID'}")
    root = bytes.fromhex(head["root_hash"])
    if args.index is not None:
        event = _get(args.api, args.token, f"/audit/events/{args.index}")
        proof = _get(args.api, args.token, f"/audit/proof?index={args.index}&tree_size={head['tree_size']}")
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        good = inclusion_valid(args.index, head["tree_size"], base64.b64decode(event["leaf"]), path, root)
        print(f"event {args.index} included: {good}")
        ok = ok and good
    if args.first is not None:
        old = _get(args.api, args.token, f"/audit/head?tree_size={args.first}")
        proof = _get(args.api, args.token, f"/audit/consistency?from={args.first}&to={head['tree_size']}")
        path = [bytes.fromhex(h) for h in proof["proof"]]
        good = _trusted_head_valid(old, args.public_key, jwks) and consistency_valid(
            args.first, head["tree_size"], bytes.fromhex(old["root_hash"]), root, path
        )
        print(f"tree {args.first} is a prefix of {head['tree_size']}: {good}")
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
