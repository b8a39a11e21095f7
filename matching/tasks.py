"""Thin Celery tasks: messages carry ids only; the services do the work and record domain errors on the job.

A database or broker outage retries the task with bounded backoff; past the retries the relay re-sends the
job (its row still says it waits).
"""

from celery import shared_task
from celery.signals import worker_process_init
from django.utils import timezone

from core.audit import Actor
from core.failures import OUTAGES
from matching import face, partitions, relay
from matching.services import enrollments, jobs, matches, verifications

RETRY = {"autoretry_for": OUTAGES, "retry_backoff": 2, "retry_backoff_max": 30, "max_retries": 5}


@worker_process_init.connect
def face_models_warm(**_) -> None:
    """Each worker process loads the face models as it starts, not on its first probe (seconds)."""
    face.warm()


@shared_task(acks_late=True, **RETRY)
def enrollment_run(enrollment_id: str) -> None:
    enrollments.enrollment_run(enrollment_id=enrollment_id)


@shared_task(acks_late=True, **RETRY)
def match_job_run(job_id: str) -> None:
    matches.match_job_run(job_id=job_id)


@shared_task(acks_late=True, **RETRY)
def verification_run(verification_id: str) -> None:
    verifications.verification_run(verification_id=verification_id)


@shared_task
def probe_sweep() -> None:
    jobs.probe_sweep(actor=Actor.system("matching.probe_sweep"))


@shared_task
def jobs_relay() -> dict:
    return relay.jobs_relay(now=timezone.now())


@shared_task
def partitions_check() -> None:
    partitions.partitions_check()
