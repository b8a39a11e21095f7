"""Which 1:N decision rule carries to people it was not tuned on: identity-disjoint folds.

Each split deals the identities into two halves (those with enough photos to enrol, and the others, dealt
separately so both halves have some of each). Every rule's threshold for FPIR 1 % is chosen on one half's
open-set searches (matching/openset.py) and measured on the other half's, and the other way round. The service's
rule (matching/decision.py: distance within the default threshold AND a runner-up ratio) takes its ratio from
the tuning half the same way, and keeps the default threshold, which is the 10,000-person cap of the tail model.

A threshold that was right for the tuning identities and lets many more strangers through on the others does
not carry; this is the question the few identities of a small folder can answer (an FPIR at 10,000 people,
they cannot: see matching/tail.py).
"""

from __future__ import annotations

import numpy as np

from matching import decision, openset

TARGET = 0.01


def _halves(names: list[str], rng) -> tuple[list[str], list[str]]:
    shuffled = rng.permutation(names).tolist()
    return shuffled[::2], shuffled[1::2]


def disjoint(
    embeddings: dict[str, list[np.ndarray]],
    *,
    photos_per_person: int,
    threshold: float,
    splits: int = 10,
    trials: int = 30,
    seed: int = 0,
) -> dict:
    """Per rule: the value tuned for FPIR 1 % on one half, and the FPIR / FNIR it gave on the other half."""
    rng = np.random.default_rng(seed)
    reserve = max(openset.GALLERY_RESERVE, photos_per_person)
    enrollable = sorted(n for n, v in embeddings.items() if len(v) > reserve)
    others = sorted(n for n, v in embeddings.items() if len(v) <= reserve)
    rows: dict[str, list[tuple[float, float, float]]] = {r: [] for r in (*decision.RULES, "service", "at_default")}
    for split in range(splits):
        (ea, eb), (oa, ob) = _halves(enrollable, rng), _halves(others, rng)
        for tune, test in ((ea + oa, eb + ob), (eb + ob, ea + oa)):
            part = {}
            for name, half in (("tune", tune), ("test", test)):
                size = max(2, sum(n in enrollable for n in half) // 2)
                part[name] = openset.searches(
                    {n: embeddings[n] for n in half},
                    photos_per_person=photos_per_person,
                    trials=trials,
                    seed=seed + split,
                    gallery_size=size,
                )
            for rule in decision.RULES:
                tuned = openset.threshold_for_fpir(openset.scored(part["tune"], rule)[2], TARGET)
                mated, hits, non_mated = openset.scored(part["test"], rule)
                rows[rule].append((tuned, openset.fpir_at(non_mated, tuned), openset.fnir_at(mated, hits, tuned)))
            ratio_max = rows["ratio"][-1][0]
            rows["service"].append(
                (ratio_max, *openset.rule_outcome(part["test"], threshold=threshold, ratio_max=ratio_max))
            )
            # The distance alone at the default threshold, untuned: what the ratio adds to it.
            rows["at_default"].append(
                (threshold, *openset.rule_outcome(part["test"], threshold=threshold, ratio_max=1.0))
            )
    out = {"splits": splits, "folds": 2 * splits, "target_fpir": TARGET, "threshold": threshold, "rules": {}}
    for rule, values in rows.items():
        a = np.array(values)
        out["rules"][rule] = {
            "tuned_mean": float(a[:, 0].mean()),
            "tuned_std": round(float(a[:, 0].std()), 6),
            "fpir_mean": float(a[:, 1].mean()),
            "fpir_std": float(a[:, 1].std()),
            "fpir_max": float(a[:, 1].max()),
            "fnir_mean": float(a[:, 2].mean()),
            "fnir_std": float(a[:, 2].std()),
        }
    return out
