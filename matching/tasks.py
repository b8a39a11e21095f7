"""Thin Celery tasks: messages carry ids only; the services do the work and record domain errors on the job."""

from celery import shared_task

from core.audit import Actor
from matching import partitions, services


@shared_task(acks_late=True)
def enrollment_run(enrollment_id: str) -> None:
    services.enrollment_run(enrollment_id=enrollment_id)


@shared_task(acks_late=True)
def match_job_run(job_id: str) -> None:
    services.match_job_run(job_id=job_id)


@shared_task
def probe_sweep() -> None:
    services.probe_sweep(actor=Actor.system("matching.probe_sweep"))


@shared_task
def partitions_check() -> None:
    partitions.partitions_check()
