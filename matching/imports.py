"""Bulk enrolment (`manage.py import_faces`): a folder of photos, one folder per person or a CSV mapping photos to
external refs, and each person's consent evidence from a CSV, through the services and job pipeline of the API.

A person's subject and consents are recorded first, so the gate can let the enrolments in; each photo is then an
ordinary enrolment (`enrollment_create`: the same image check and gate, the same queue and worker), at most
`window` of them waiting at once, so the image bytes held in the database stay bounded and no photo waits long
enough to expire. Rerunning resumes: a subject is found by its external ref, a consent already recorded for the
same purpose and notice is never granted again (withdrawn since: the withdrawal stands), and a photo whose SHA-256
already has an enrolment for its subject is skipped (unless that one expired unrun). docs/import.md.
"""

from __future__ import annotations

import csv
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from consent import services as consent_services
from consent.models import Consent, Notice, Subject, Tenant
from core.audit import Actor
from core.errors import DomainError, Expired
from matching.images import ImageTooLarge
from matching.models import FINISHED, Enrollment, JobStatus
from matching.services.enrollments import enrollment_create
from matching.services.jobs import sha256

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
CONSENT_COLUMNS = ("external_ref", "jurisdiction", "purpose", "notice", "method", "evidence")
POLL_SECONDS = 0.2


class ImportInputError(ValueError):
    """The folder or a CSV cannot be read as documented (the command stops before writing anything)."""


@dataclass
class Person:
    external_ref: str
    photos: list[Path] = field(default_factory=list)
    consents: list[dict] = field(default_factory=list)


@dataclass
class Report:
    photos: int = 0
    enrolled: int = 0
    skipped: int = 0  # done by an earlier run (or twice in the folder)
    refused: Counter = field(default_factory=Counter)  # reason -> photos
    consents_granted: int = 0
    consents_kept: int = 0  # recorded by an earlier run (or withdrawn since)
    consents_refused: Counter = field(default_factory=Counter)  # reason -> consent rows
    seconds: float = 0.0

    def as_dict(self) -> dict:
        submitted = self.photos - self.skipped
        return {
            "photos": self.photos,
            "enrolled": self.enrolled,
            "skipped": self.skipped,
            "refused": sum(self.refused.values()),
            "refusals": dict(self.refused.most_common()),
            "consents": {
                "granted": self.consents_granted,
                "kept": self.consents_kept,
                "refused": dict(self.consents_refused.most_common()),
            },
            "seconds": round(self.seconds, 2),
            "photos_per_second": round(submitted / self.seconds, 2) if self.seconds else None,
        }


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[dict, int]]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportInputError(f"{path}: missing columns {missing} (needs {', '.join(required)})")
        for line, row in enumerate(reader, start=2):
            yield {k: (v or "").strip() for k, v in row.items() if k}, line


def people_read(folder: Path, *, consents_csv: Path, photos_csv: Path | None = None) -> list[Person]:
    """The people to import, in a stable order: photos from `folder/<external_ref>/*` or from `photos_csv`
    (columns photo, external_ref; paths relative to `folder`), consent rows from `consents_csv`."""
    people: dict[str, Person] = {}
    if photos_csv is None:
        for directory in sorted(p for p in folder.iterdir() if p.is_dir()):
            photos = sorted(p for p in directory.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
            people[directory.name] = Person(directory.name, photos)
    else:
        for row, line in _rows(photos_csv, ("photo", "external_ref")):
            photo = folder / row["photo"]
            if not photo.is_file():
                raise ImportInputError(f"{photos_csv}:{line}: no photo {photo}")
            people.setdefault(row["external_ref"], Person(row["external_ref"])).photos.append(photo)
    for row, line in _rows(consents_csv, CONSENT_COLUMNS):
        try:
            row["evidence"] = json.loads(row["evidence"] or "{}")
        except json.JSONDecodeError:
            raise ImportInputError(f"{consents_csv}:{line}: evidence is not JSON") from None
        if row["external_ref"] in people:
            people[row["external_ref"]].consents.append(row)
    return [p for p in people.values() if p.photos]


def _notice(tenant: Tenant, row: dict) -> Notice | None:
    """The CSV names a notice by its id or by its version for the row's purpose."""
    try:
        lookup = {"pk": uuid.UUID(row["notice"])}
    except ValueError:
        lookup = {"purpose": row["purpose"], "version": row["notice"]}
    return Notice.objects.filter(tenant=tenant, **lookup).first()


def _subject(tenant: Tenant, person: Person, report: Report, actor: Actor) -> tuple[Subject | None, str]:
    """The person's subject with the CSV's consents recorded; or None and the reason every photo is refused."""
    subject = Subject.objects.filter(tenant=tenant, external_ref=person.external_ref).first()
    if subject is None:
        if not person.consents:
            return None, "no_consent_in_csv"  # no subject is made for a person who gave no consent
        first = person.consents[0]
        try:
            subject = consent_services.subject_create(
                tenant=tenant,
                external_ref=person.external_ref,
                jurisdiction=first["jurisdiction"],
                email=first.get("email", ""),
                actor=actor,
            )
        except DomainError as error:
            return None, error.code
    for row in person.consents:
        notice = _notice(tenant, row)
        if Consent.objects.filter(subject=subject, purpose=row["purpose"], notice=notice).exists():
            report.consents_kept += 1
            continue
        try:
            consent_services.consent_grant(
                subject=subject,
                purpose=row["purpose"],
                notice=notice,
                method=row["method"],
                evidence=row["evidence"],
                actor=actor,
            )
            report.consents_granted += 1
        except DomainError as error:
            report.consents_refused[error.code] += 1
    return subject, ""


def _done_before(subject: Subject, digest: str) -> bool:
    enrollments = Enrollment.objects.filter(subject=subject, image_sha256=digest)
    return enrollments.exclude(status=JobStatus.FAILED, error_code=Expired.code).exists()


def _reason(error_code: str, quality: dict | None) -> str:
    reasons = (quality or {}).get("reasons") or []
    return f"{error_code}: {', '.join(reasons)}" if error_code == "poor_quality" and reasons else error_code


def _collect(waiting: set, report: Report, tick: Callable[[], None]) -> None:
    """Take the outcome of every waiting enrolment that has ended."""
    ended = Enrollment.objects.filter(pk__in=waiting, status__in=FINISHED).values_list(
        "pk", "status", "error_code", "quality"
    )
    for pk, status, error_code, quality in ended:
        waiting.discard(pk)
        if status == JobStatus.DONE:
            report.enrolled += 1
        else:
            report.refused[_reason(error_code, quality)] += 1
        tick()


def faces_import(
    *,
    tenant: Tenant,
    people: list[Person],
    window: int,
    largest_face: bool = False,
    tick: Callable[[], None] = lambda: None,
    actor: Actor,
) -> Report:
    """Enrol every person's photos and wait for the worker to end them all; `tick` is called once per photo."""
    report, waiting, started = Report(), set(), time.monotonic()
    for person in people:
        subject, refusal = _subject(tenant, person, report, actor)
        seen = set()
        for path in person.photos:
            report.photos += 1
            if subject is None:  # refused, for the reason `refusal` names
                report.refused[refusal] += 1
                tick()
                continue
            try:
                if path.stat().st_size > settings.MAX_IMAGE_BYTES:
                    raise ImageTooLarge(max_bytes=settings.MAX_IMAGE_BYTES, size=path.stat().st_size)
                image = path.read_bytes()
                digest = sha256(image)
                if digest in seen or _done_before(subject, digest):
                    report.skipped += 1
                    tick()
                    continue
                seen.add(digest)
                enrollment = enrollment_create(
                    subject=subject, api_key=None, image=image, largest_face=largest_face, actor=actor
                )
                waiting.add(enrollment.pk)
            except DomainError as error:
                report.refused[error.code] += 1
                tick()
            while len(waiting) >= window:
                _collect(waiting, report, tick)
                if len(waiting) >= window:
                    time.sleep(POLL_SECONDS)
    while waiting:
        _collect(waiting, report, tick)
        if waiting:
            time.sleep(POLL_SECONDS)
    report.seconds = time.monotonic() - started
    return report
