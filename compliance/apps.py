from django.apps import AppConfig


def restore_check() -> dict:
    """Start-up and /healthz check: no restore is half done (its erasure journal replay not finished)."""
    from compliance.services.backups import restore_pending  # see ready()

    pending = restore_pending()
    problems = []
    if pending:
        problems = [
            f"A restore of {pending['backup']} (started {pending['since']}) has not replayed the erasure journal:"
            " run `manage.py restore` again before opening the service."
        ]
    return {"ok": not pending, "problems": problems}


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django wants: the service module touches models, which exist only once apps are ready.
        from compliance.services import webhooks
        from core import checks, events, metrics

        events.writer_register(webhooks.webhook_emit)
        metrics.collector_register(webhooks.webhook_pending_metrics)
        checks.register("restore", restore_check)
