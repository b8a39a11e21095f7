"""RFC 9162 Merkle tree hashing (section 2.1): roots, the compact range the sequencer extends, and proofs.

Pure functions over 32-byte hashes; the database stays out of here. Proof generation follows the RFC's
recursive definitions (PATH and PROOF/SUBPROOF) with each subtree hashed once per proof.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def compact_append(compact: list[bytes], size: int, leaf_hashes: Sequence[bytes]) -> tuple[list[bytes], int]:
    """Extend a compact range (the roots of the perfect subtrees that make up `size` leaves, largest first)."""
    compact = list(compact)
    for h in leaf_hashes:
        # Merge while the new subtree and the last one are the same height: the trailing one-bits of size.
        merged, n = h, size
        while n & 1:
            merged = node_hash(compact.pop(), merged)
            n >>= 1
        compact.append(merged)
        size += 1
    return compact, size


def compact_root(compact: Sequence[bytes]) -> bytes:
    """MTH of the whole tree: fold the perfect subtrees from the right (RFC 9162's split is the largest first)."""
    if not compact:
        return EMPTY_ROOT
    root = compact[-1]
    for h in reversed(compact[:-1]):
        root = node_hash(h, root)
    return root


class Tree:
    """The leaf hashes of one tree size, with memoised subtree hashes for proofs."""

    def __init__(self, leaf_hashes: Sequence[bytes]):
        self.leaves = leaf_hashes
        self._memo: dict[tuple[int, int], bytes] = {}

    def mth(self, lo: int, hi: int) -> bytes:
        if hi - lo == 0:
            return EMPTY_ROOT
        if hi - lo == 1:
            return self.leaves[lo]
        key = (lo, hi)
        if key not in self._memo:
            k = _split(hi - lo)
            self._memo[key] = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        return self._memo[key]

    def root(self) -> bytes:
        return self.mth(0, len(self.leaves))

    def inclusion_path(self, index: int, lo: int = 0, hi: int | None = None) -> list[bytes]:
        """PATH(m, D[lo:hi]) of RFC 9162 2.1.3.1."""
        hi = len(self.leaves) if hi is None else hi
        if hi - lo <= 1:
            return []
        k = _split(hi - lo)
        if index < k:
            return [*self.inclusion_path(index, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.inclusion_path(index - k, lo + k, hi), self.mth(lo, lo + k)]

    def consistency_proof(self, m: int) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 9162 2.1.4.1; empty when m is 0 or n."""
        if m == 0 or m == len(self.leaves):
            return []
        return self._subproof(m, 0, len(self.leaves), True)

    def _subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.mth(lo, hi)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, complete), self.mth(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]
