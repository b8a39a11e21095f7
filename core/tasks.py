"""Celery tasks of core: the audit sequencer, run by beat every second."""

from celery import shared_task

from core.transparency import audit_integrate


@shared_task(ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def audit_sequence() -> int | None:
    head = audit_integrate()
    return head.tree_size if head else None
