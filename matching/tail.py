"""Extrapolating 1:N false positives to galleries larger than the data: an extreme-value model of the lower tail of
impostor (different-person) distances.

A stranger is falsely named at threshold t in a gallery of N people when the nearest of N impostor distances is
≤ t: FPIR(t, N) = 1 - (1 - F(t))^N, with F the per-pair impostor distance CDF. FPIR 1 % at N = 10,000 needs
F(t) ≈ 1e-6, far below what a few thousand pairs show, so the lowest distances are fitted with a generalised
Pareto distribution (peaks over threshold, maximum likelihood) and F is read from the fit. The model assumes
independent pairs; real galleries hold look-alikes and probes that are near everybody, so the figures are
optimistic as much as the data's identities are few: the bootstrap over identities shows how uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matching import decision

# The lowest 2 % of impostor pairs, at most TAIL_MAX of them: the extreme tail. Fits on 5-10 % bend to the bulk
# of the distribution; with millions of pairs (../shared/faces/lfw-calibration: 23 million) the lowest 5,000 reach
# F = 2e-4 and the fit carries it to the 1e-7 of 100,000 people.
TAIL_FRACTION = 0.02
TAIL_MAX = 5_000
GALLERY_SIZES = (1_000, 10_000, 100_000)
_XI = np.linspace(-0.6, 0.6, 121)


@dataclass(frozen=True)
class Tail:
    u: float  # distances below u are the tail
    rate: float  # share of impostor pairs below u
    xi: float  # GPD shape of the excess u - d
    sigma: float  # GPD scale
    sorted_distances: np.ndarray  # every impostor distance, for F above u

    def cdf(self, t: float) -> float:
        """P(impostor distance <= t)."""
        if t >= self.u:
            return float(np.searchsorted(self.sorted_distances, t, side="right") / len(self.sorted_distances))
        return decision.impostor_cdf(t, u=self.u, rate=self.rate, xi=self.xi, sigma=self.sigma)

    def quantile(self, p: float) -> float:
        """The distance t with F(t) = p."""
        if p >= self.rate:
            return float(np.quantile(self.sorted_distances, min(p, 1.0)))
        s = p / self.rate
        y = -self.sigma * np.log(s) if abs(self.xi) < 1e-9 else self.sigma / self.xi * (s ** (-self.xi) - 1.0)
        return max(0.0, float(self.u - y))  # a distance; 0: no threshold reaches the target

    def fpir(self, t: float, gallery: int) -> float:
        return float(-np.expm1(gallery * np.log1p(-min(self.cdf(t), 1 - 1e-16))))

    def threshold_for(self, fpir: float, gallery: int) -> float:
        return self.quantile(float(-np.expm1(np.log1p(-fpir) / gallery)))


def fit(impostor: np.ndarray, tail_fraction: float = TAIL_FRACTION) -> Tail:
    """Maximum likelihood GPD on the excesses u - d of the lowest `tail_fraction` of the distances (grid search)."""
    d = np.sort(np.asarray(impostor, dtype=np.float64))
    k = max(30, min(int(tail_fraction * len(d)), TAIL_MAX))
    u = float(d[k])
    y = u - d[:k]
    sigmas = np.geomspace(max(float(y.mean()) / 50, 1e-6), float(y.max()) * 10 + 1e-6, 300)
    z = y[None, :] / sigmas[:, None]  # (sigma, excess)
    best = (-np.inf, 0.0, float(sigmas[0]))
    for xi in _XI:
        base = 1.0 + xi * z
        ok = (base > 0).all(axis=1)
        if abs(xi) < 1e-9:
            shape_term = z.sum(axis=1)
        else:
            shape_term = (1 + 1 / xi) * np.log(np.where(base > 0, base, 1.0)).sum(axis=1)
        ll = np.where(ok, -k * np.log(sigmas) - shape_term, -np.inf)
        j = int(np.argmax(ll))
        if ll[j] > best[0]:
            best = (float(ll[j]), float(xi), float(sigmas[j]))
    return Tail(u=u, rate=k / len(d), xi=best[1], sigma=best[2], sorted_distances=d)


def impostor_distances(embeddings: dict[str, np.ndarray], names: list[str] | None = None) -> np.ndarray:
    """Every cross-identity pair distance; `names` may repeat an identity (bootstrap), never paired with itself."""
    names = sorted(embeddings) if names is None else names
    vectors = np.vstack([embeddings[n] for n in names]).astype(np.float32)
    index = {n: i for i, n in enumerate(sorted(set(names)))}
    owner = np.repeat(np.array([index[n] for n in names]), [len(embeddings[n]) for n in names])
    out = []
    for start in range(0, len(vectors), 1024):  # blocks: the whole matrix of 7,000 photos is 200 MB
        d = 1.0 - vectors[start : start + 1024] @ vectors.T
        rows = np.arange(start, min(start + 1024, len(vectors)))
        upper = np.arange(len(vectors))[None, :] > rows[:, None]
        keep = upper & (owner[rows][:, None] != owner[None, :])
        out.append(d[keep].astype(np.float64))
    return np.concatenate(out)


def bootstrap(embeddings: dict[str, np.ndarray], statistic, *, rounds: int = 200, seed: int = 0) -> np.ndarray:
    """`statistic(tail)` over fits to identities resampled with replacement: the uncertainty of few identities."""
    rng = np.random.default_rng(seed)
    names = sorted(embeddings)
    values = []
    for _ in range(rounds):
        sample = rng.choice(names, size=len(names), replace=True).tolist()
        values.append(statistic(fit(impostor_distances(embeddings, sample))))
    return np.array(values)


def extrapolated(embeddings: dict[str, np.ndarray], *, thresholds: dict[str, float], rounds: int, seed: int) -> dict:
    """The distance alone at larger galleries (tail model + bootstrap over identities): the FPIR of each given
    threshold, and the threshold for FPIR 1 %. Pairs are treated as independent: optimistic where a gallery holds
    look-alikes."""
    model = fit(impostor_distances(embeddings))

    def figures(m: Tail) -> list[float]:
        return [m.threshold_for(0.01, n) for n in GALLERY_SIZES] + [
            m.fpir(t, n) for t in thresholds.values() for n in GALLERY_SIZES
        ]

    point, boot = figures(model), bootstrap(embeddings, figures, rounds=rounds, seed=seed)
    out: dict[str, Any] = {
        "impostor_pairs": len(model.sorted_distances),
        "tail": {
            "pairs": int(model.rate * len(model.sorted_distances)),
            "u": model.u,
            "xi": model.xi,
            "sigma": model.sigma,
        },
        "bootstrap_rounds": rounds,
        "galleries": {},
    }
    for i, n in enumerate(GALLERY_SIZES):
        g = {
            "threshold_for_fpir_1pct": point[i],
            "threshold_for_fpir_1pct_90": np.percentile(boot[:, i], [5, 95]).tolist(),
        }
        for k, name in enumerate(thresholds):
            j = len(GALLERY_SIZES) * (k + 1) + i
            g[f"fpir_at_{name}"] = point[j]
            g[f"fpir_at_{name}_90"] = np.percentile(boot[:, j], [5, 95]).tolist()
        out["galleries"][str(n)] = g
    return out
