"""The decision rule in the service: the real gated search over templates placed at known distances from a probe."""

from __future__ import annotations

import numpy as np
import pytest

from matching.models import FaceTemplate, MatchJob
from matching.services.people import people_nearest
from tests.factories import FRAUD, MODEL, make_subject, make_tenant

pytestmark = pytest.mark.django_db
PROBE = np.eye(128)[0]


def _at(distance: float, axis: int) -> list[float]:
    """A unit vector at this cosine distance from the probe."""
    return ((1 - distance) * PROBE + np.sqrt(1 - (1 - distance) ** 2) * np.eye(128)[axis]).tolist()


def _person(tenant, distance: float, axis: int):
    subject = make_subject(tenant)
    FaceTemplate.objects.create(
        tenant=tenant,
        subject=subject,
        model_name=MODEL,
        detector="dlib",
        embedding=_at(distance, axis),
        source_sha256="0" * 64,
    )
    return subject


def _named(tenant) -> list[dict]:
    job = MatchJob.objects.create(
        tenant=tenant, purpose=FRAUD, model_name=MODEL, threshold=0.034, ratio_max=0.66, top_k=5, probe_sha256="0" * 64
    )
    return people_nearest(job, PROBE.tolist())[0]


def test_a_stranger_about_as_near_to_two_people_is_not_named():
    tenant = make_tenant("tenant-ratio-a")
    _person(tenant, 0.030, 1)
    _person(tenant, 0.040, 2)  # the runner-up: 0.030 / 0.040 = 0.75 > 0.66
    assert _named(tenant) == []


def test_a_person_clearly_nearer_than_the_runner_up_is_named_with_the_ratio():
    tenant = make_tenant("tenant-ratio-b")
    near = _person(tenant, 0.030, 1)
    _person(tenant, 0.060, 2)
    [result] = _named(tenant)
    assert result["subject_id"] == str(near.pk) and result["ratio"] == pytest.approx(0.5, abs=1e-3)


def test_a_one_person_gallery_is_judged_by_the_distance_alone():
    tenant = make_tenant("tenant-ratio-c")
    _person(tenant, 0.030, 1)
    assert [r["ratio"] for r in _named(tenant)] == [None]
    lone = make_tenant("tenant-ratio-d")
    _person(lone, 0.040, 1)  # beyond the threshold: no runner-up makes it looser
    assert _named(lone) == []
