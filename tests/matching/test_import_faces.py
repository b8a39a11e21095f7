"""`manage.py import_faces`: a folder per person and a consent CSV, enrolled by a real worker on real photos, the
gate respected, refusals summed by reason, and a rerun that skips what is done."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from consent.models import Consent
from consent.services import consent_withdraw
from core.audit import Actor
from matching.models import Enrollment, FaceTemplate
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
FRAUD = "fraud_prevention"


def consents_csv(path, rows):
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["external_ref", "jurisdiction", "purpose", "notice", "method", "evidence"])
        writer.writerows(rows)
    return path


def run(folder, tenant, consents, **options) -> dict:
    out = folder.parent / "summary.json"
    stdout = io.StringIO()
    call_command(
        "import_faces", str(folder), tenant=tenant.slug, consents=str(consents), json=out, no_progress=True,
        stdout=stdout, **options,
    )  # fmt: skip
    summary = json.loads(out.read_text())
    assert f"{summary['enrolled']} enrolled" in stdout.getvalue()
    return summary


@pytest.fixture
def tenant():
    return factories.tenant("bank")


@pytest.fixture
def folder(tmp_path, faces_dir):
    people = faces_dir / "people"
    root = tmp_path / "photos"
    for ref, photos in {
        "c-001": ["df-01/img1.jpg", "df-01/img2.jpg"],
        "c-002": ["df-02/img8.jpg"],
        "c-003": ["df-03/img26.jpg"],  # no consent row
        "c-004": ["penny/penny1.png"],  # US-IL without a signature: the consent is refused
    }.items():
        (root / ref).mkdir(parents=True)
        for photo in photos:
            shutil.copy(people / photo, root / ref / photo.replace("/", "-"))
    shutil.copy(faces_dir / "group" / "couple.jpg", root / "c-002" / "couple.jpg")
    (root / "c-002" / "notes.txt").write_text("not a photo")
    (root / "c-002" / "broken.jpg").write_bytes(b"\xff\xd8 this is not a JPEG")
    return root


def test_a_folder_is_enrolled_through_the_gate_and_a_rerun_skips_what_is_done(celery_worker, tenant, folder, tmp_path):
    notice = factories.notice(tenant, FRAUD)
    evidence = json.dumps({"signed_name": "A. Person", "ip": "192.0.2.1"})
    consents = consents_csv(
        tmp_path / "consents.csv",
        [
            ["c-001", "GB", FRAUD, notice.version, "electronic_signature", evidence],
            ["c-002", "GB", FRAUD, str(notice.pk), "explicit_opt_in", "{}"],  # a notice by its id or its version
            ["c-004", "US-IL", FRAUD, notice.version, "explicit_opt_in", "{}"],
            ["c-404", "GB", FRAUD, notice.version, "explicit_opt_in", "{}"],  # nobody of that name in the folder
        ],
    )
    # A first run that stops early: only one of c-001's photos, through a photos CSV.
    photos = tmp_path / "photos.csv"
    photos.write_text("photo,external_ref\nc-001/df-01-img1.jpg,c-001\n")
    first = run(folder, tenant, consents, photos=str(photos))
    assert (first["photos"], first["enrolled"], first["refused"]) == (1, 1, 0)

    summary = run(folder, tenant, consents)
    assert summary["photos"] == 7 and summary["skipped"] == 1 and summary["enrolled"] == 2
    assert summary["refusals"] == {
        "multiple_faces": 1,  # couple.jpg
        "unsupported_media_type": 1,  # broken.jpg, refused before it was queued
        "no_consent_in_csv": 1,  # c-003: no subject is made
        "consent_required": 1,  # c-004: its consent was refused, so the gate refuses the photo
    }
    assert summary["consents"] == {"granted": 1, "kept": 1, "refused": {"consent_evidence_required": 1}}
    assert summary["photos_per_second"] > 0
    by_ref = {ref: FaceTemplate.objects.filter(subject__external_ref=ref).count() for ref in ("c-001", "c-002")}
    assert by_ref == {"c-001": 2, "c-002": 1}
    assert not tenant.subjects.filter(external_ref__in=["c-003", "c-404"]).exists()
    assert Consent.objects.get(subject__external_ref="c-001").evidence["signed_name"] == "A. Person"
    assert not Enrollment.objects.filter(image__isnull=False).exists()  # every image's bytes gone

    # The person withdraws; their next photo (and a copy of one already enrolled) comes with a rerun.
    consent_withdraw(consent=Consent.objects.get(subject__external_ref="c-002"), actor=Actor.system("test"))
    shutil.copy(folder / "c-002" / "df-02-img8.jpg", folder / "c-002" / "same-bytes.jpg")
    shutil.copy(folder / "c-001" / "df-01-img2.jpg", folder / "c-002" / "new.jpg")  # new for this subject
    again = run(folder, tenant, consents)
    assert again["enrolled"] == 0 and again["skipped"] == 5  # 4 ended before + the same bytes under another name
    assert again["refusals"] == {"consent_required": 2, "no_consent_in_csv": 1, "unsupported_media_type": 1}
    assert again["consents"]["granted"] == 0  # the withdrawal stands: the CSV never grants it again
    assert Consent.objects.filter(subject__external_ref="c-002", withdrawn_at__isnull=True).count() == 0


def test_bad_inputs_stop_before_anything_is_written(tenant, folder, tmp_path, celery_worker):
    bad = tmp_path / "bad.csv"
    bad.write_text("external_ref,purpose\nc-001,fraud_prevention\n")
    with pytest.raises(CommandError, match="missing columns"):
        run(folder, tenant, bad)
    with pytest.raises(CommandError, match="No tenant"):
        call_command("import_faces", str(folder), tenant="nobody", consents=str(bad))
    assert not Enrollment.objects.exists() and not tenant.subjects.exists()
