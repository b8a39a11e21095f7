"""Enrolment quality: crafted copies of real photos are refused with their reason codes; good photos pass."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFilter

from matching.models import Enrollment, FaceTemplate
from tests import factories
from tests.factories import GRANTED
from tests.matching.test_apis import client_for, enrol

pytestmark = pytest.mark.django_db


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def crafted(faces_dir, kind: str) -> bytes:
    if kind == "tiny":  # a 150 px crop at half size: eyes ~27 px apart
        amy = Image.open(faces_dir / "people/amy/amy1.png")
        return png(amy.resize((75, 75), Image.Resampling.LANCZOS))
    if kind == "rotated":
        howard = Image.open(faces_dir / "people/howard/howard1.png").convert("RGB")
        return png(howard.rotate(40, resample=Image.Resampling.BICUBIC))
    photo = Image.open(faces_dir / "people/df-01/img1.jpg")
    if kind == "blurred":
        return png(photo.filter(ImageFilter.GaussianBlur(3)))
    if kind == "overexposed":
        return png(Image.eval(photo, lambda v: min(255, v * 3)))
    raise ValueError(kind)


@pytest.mark.parametrize(("kind", "reasons"), [("tiny", ["face_too_small"])])
def test_poor_faces_are_refused_with_their_reasons(faces_dir, django_capture_on_commit_callbacks, kind, reasons):
    tenant = factories.tenant()
    subject = factories.subject(tenant, consented_at=GRANTED)
    body = enrol(client_for(tenant), subject, crafted(faces_dir, kind), django_capture_on_commit_callbacks)
    assert body["status"] == "failed" and body["error"]["code"] == "poor_quality"
    assert body["quality"]["reasons"] == reasons
    assert not FaceTemplate.objects.filter(subject=subject).exists()
    assert Enrollment.objects.get(pk=body["id"]).image is None


@pytest.mark.parametrize(("kind", "warnings"), [("blurred", ["blurred"]), ("overexposed", ["overexposed"])])
def test_measures_that_do_not_predict_errors_only_warn(faces_dir, django_capture_on_commit_callbacks, kind, warnings):
    """Sharpness and exposure set aside photos no better than chance (docs/accuracy.md): enrolled, with a warning."""
    tenant = factories.tenant()
    subject = factories.subject(tenant, consented_at=GRANTED)
    body = enrol(client_for(tenant), subject, crafted(faces_dir, kind), django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["quality"]["reasons"] == []
    assert body["quality"]["warnings"] == warnings
    assert FaceTemplate.objects.filter(subject=subject).exists()


def test_a_photo_turned_past_the_landmarks_finds_no_usable_face(faces_dir, django_capture_on_commit_callbacks):
    tenant = factories.tenant()
    body = enrol(
        client_for(tenant),
        factories.subject(tenant, consented_at=GRANTED),
        crafted(faces_dir, "rotated"),
        django_capture_on_commit_callbacks,
    )
    assert body["status"] == "failed" and body["error"]["code"] == "no_face"


def test_a_good_photo_passes_and_its_measures_are_kept_on_the_template(faces_dir, django_capture_on_commit_callbacks):
    tenant = factories.tenant()
    subject = factories.subject(tenant, consented_at=GRANTED)
    photo = (faces_dir / "people/df-01/img1.jpg").read_bytes()
    body = enrol(client_for(tenant), subject, photo, django_capture_on_commit_callbacks)
    assert body["status"] == "done" and body["quality"]["reasons"] == [] and body["quality"]["warnings"] == []
    # The enrolment answer says how 1:N misses fall with more photos per person.
    assert [f for _, f in sorted(body["photos_per_person"]["fnir"].items())] == sorted(
        body["photos_per_person"]["fnir"].values(), reverse=True
    )
    measures = FaceTemplate.objects.get(subject=subject).quality_measures
    assert {"inter_eye_px", "sharpness", "yaw", "roll_degrees", "brightness", "detector_score"} <= set(measures)
    assert measures["inter_eye_px"] > 50 and measures["sharpness"] > 100 and abs(measures["roll_degrees"]) < 5
