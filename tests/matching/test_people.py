"""The decision rule in the service: the real gated search over templates placed at known distances from a probe."""

from __future__ import annotations

import numpy as np
import pytest

from matching.models import FaceTemplate, MatchJob
from matching.services.people import people_nearest
from tests import factories
from tests.factories import FRAUD, GRANTED, MODEL

pytestmark = pytest.mark.django_db
PROBE = np.eye(128)[0]


def _at(distance: float, axis: int) -> list[float]:
    """A unit vector at this cosine distance from the probe."""
    return ((1 - distance) * PROBE + np.sqrt(1 - (1 - distance) ** 2) * np.eye(128)[axis]).tolist()


def _person(tenant, distance: float, axis: int):
    subject = factories.subject(tenant, consented_at=GRANTED)
    FaceTemplate.objects.create(
        tenant=tenant,
        subject=subject,
        model_name=MODEL,
        detector="dlib",
        embedding=_at(distance, axis),
        source_sha256="0" * 64,
    )
    return subject


def _search(tenant, *, review: bool = False) -> tuple[list[dict], list[dict]]:
    job = MatchJob.objects.create(
        tenant=tenant,
        purpose=FRAUD,
        model_name=MODEL,
        threshold=0.087,
        ratio_max=0.64,
        top_k=5,
        review=review,
        probe_sha256="0" * 64,
    )
    results, candidates, _ = people_nearest(job, PROBE.tolist())
    return results, candidates


def _named(tenant) -> list[dict]:
    return _search(tenant)[0]


def test_a_stranger_about_as_near_to_two_people_is_not_named():
    tenant = factories.tenant("tenant-ratio-a")
    _person(tenant, 0.070, 1)
    _person(tenant, 0.080, 2)
    _person(tenant, 0.120, 3)  # the cohort of the nearest: 0.070 / 0.100 = 0.70 > 0.64; of both: 0.080 / 0.120
    assert _named(tenant) == []


def test_a_person_clearly_nearer_than_the_next_people_is_named_with_the_ratio():
    tenant = factories.tenant("tenant-ratio-b")
    near = _person(tenant, 0.030, 1)
    _person(tenant, 0.080, 2)
    _person(tenant, 0.100, 3)  # the cohort's mean: 0.090; the second (0.080 / 0.100) is not clearly nearer
    [result] = _named(tenant)
    assert result["subject_id"] == str(near.pk) and result["ratio"] == pytest.approx(1 / 3, abs=1e-3)
    assert 0 < result["fpir_at_score"] < 0.01


def test_a_one_person_gallery_is_judged_by_the_distance_alone():
    tenant = factories.tenant("tenant-ratio-c")
    _person(tenant, 0.080, 1)
    assert [r["ratio"] for r in _named(tenant)] == [None]
    lone = factories.tenant("tenant-ratio-d")
    _person(lone, 0.090, 1)  # beyond the threshold
    assert _named(lone) == []


def test_the_review_band_returns_people_just_outside_the_decision_apart_from_the_matches():
    tenant = factories.tenant("tenant-review")
    near = _person(tenant, 0.055, 1)
    _person(tenant, 0.075, 2)
    _person(tenant, 0.090, 3)  # ratio 0.055 / 0.0825 = 0.67: beyond MATCH_RATIO_MAX, within the review band
    assert _search(tenant) == ([], [])  # off by default
    results, [candidate] = _search(tenant, review=True)
    assert results == [] and candidate["subject_id"] == str(near.pk)
    assert candidate["ratio"] == pytest.approx(0.055 / 0.0825, abs=1e-3) and 0.01 < candidate["fpir_at_score"] <= 0.1
    # A clear match stays a match, and is never a candidate as well.
    clear = factories.tenant("tenant-review-clear")
    near = _person(clear, 0.030, 1)
    _person(clear, 0.090, 2)
    _person(clear, 0.120, 3)
    results, candidates = _search(clear, review=True)
    assert [r["subject_id"] for r in results] == [str(near.pk)] and candidates == []
