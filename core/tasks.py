"""Celery tasks of core: the audit sequencer, run by beat every second."""

from celery import shared_task

from core.transparency import audit_integrate


@shared_task(ignore_result=True)
def audit_sequence():
    head = audit_integrate()
    return head.tree_size if head else None
