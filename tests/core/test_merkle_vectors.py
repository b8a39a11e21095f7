"""Known-answer tests: the tree hashing and proofs of `core/merkle.py` and the offline verifier
`tools/verify_audit.py` against the published RFC 6962 test vectors (the eight leaves, their roots, inclusion and
consistency proofs of Certificate Transparency's reference implementation, as kept in transparency-dev/merkle's
`proof/verify_test.go`), and the corruptions that reference suite says must fail."""

from __future__ import annotations

import pytest

from core.merkle import Tree, compact_append, compact_root, leaf_hash
from tests.helpers import load_tool

verifier = load_tool("verify_audit")

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]  # fmt: skip
# ROOTS[n - 1] is the tree head of the first n leaves.
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
# (leaf index, tree size, audit path): the reference suite numbers leaves from 1; these are 0-based.
INCLUSION = [
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# (first size, second size, consistency proof)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
EMPTY_TREE = bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def _hashes(path: list[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in path]


@pytest.mark.parametrize("size", range(1, 9))
def test_tree_heads_match_the_published_roots(size):
    hashes = [leaf_hash(leaf) for leaf in LEAVES[:size]]
    assert Tree(hashes).root() == ROOTS[size - 1]
    compact, n = compact_append([], 0, hashes)
    assert (compact_root(compact), n) == (ROOTS[size - 1], size)


def test_the_empty_tree_head_is_the_hash_of_nothing():
    assert Tree([]).root() == EMPTY_TREE


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_published_paths_and_verify(index, size, path):
    tree = Tree([leaf_hash(leaf) for leaf in LEAVES[:size]])
    assert tree.inclusion_path(index) == _hashes(path)
    assert verifier.inclusion_valid(index, size, LEAVES[index], _hashes(path), ROOTS[size - 1])


@pytest.mark.parametrize(("index", "size", "path"), [case for case in INCLUSION if case[2]])
def test_corrupted_inclusion_proofs_fail(index, size, path):
    proof, root, leaf = _hashes(path), ROOTS[size - 1], LEAVES[index]
    probes = [
        (index - 1, size, leaf, proof, root),
        (index + 1, size, leaf, proof, root),
        (index ^ 2, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size // 2, leaf, proof, root),
        (index, size, b"WrongLeaf", proof, root),
        (index, size, leaf, proof, EMPTY_TREE),
        (index, size, leaf, proof, SOME_HASH),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [*proof, root], root),
        (index, size, leaf, [b"", *proof], root),
        (index, size, leaf, [root, *proof], root),
        (index, size, leaf, proof[:-1], root),
    ]
    if len(proof) > 1:
        probes.append((index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root))
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        probes.append((index, size, leaf, flipped, root))
    for probe in probes:
        if 0 <= probe[0]:
            assert not verifier.inclusion_valid(*probe), probe


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_published_proofs_and_verify(first, second, path):
    tree = Tree([leaf_hash(leaf) for leaf in LEAVES[:second]])
    assert tree.consistency_proof(first) == _hashes(path)
    assert verifier.consistency_valid(first, second, ROOTS[first - 1], ROOTS[second - 1], _hashes(path))


@pytest.mark.parametrize(("first", "second", "path"), [case for case in CONSISTENCY if case[2]])
def test_corrupted_consistency_proofs_fail(first, second, path):
    proof, root1, root2 = _hashes(path), ROOTS[first - 1], ROOTS[second - 1]
    probes = [
        (first - 1, second, root1, root2, proof),
        (first + 1, second, root1, root2, proof),
        (first ^ 2, second, root1, root2, proof),
        (first, second * 2, root1, root2, proof),
        (first, second // 2, root1, root2, proof),
        (first, second, b"WrongRoot", root2, proof),
        (first, second, root1, b"WrongRoot", proof),
        (first, second, root2, root1, proof),
        (first, second, root1, root2, []),
        (first, second, root1, root2, [*proof, b""]),
        (first, second, root1, root2, [*proof, root1]),
        (first, second, root1, root2, [*proof, root2]),
        (first, second, root1, root2, [b"", *proof]),
        (first, second, root1, root2, [root1, *proof]),
        (first, second, root1, root2, [root2, *proof]),
        (first, second, root1, root2, [proof[0], *proof]),
        (first, second, root1, root2, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = [*proof]
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        probes.append((first, second, root1, root2, flipped))
    for probe in probes:
        assert not verifier.consistency_valid(*probe), probe
