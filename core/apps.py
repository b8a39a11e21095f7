from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared mechanisms every other app may use: domain errors, the audit log, signed links, enqueueing."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core import metrics
        from core.signin import signin_completed
        from core.transparency import audit_lag_metrics

        user_logged_in.connect(signin_completed, dispatch_uid="core.signin.signin_completed")
        metrics.collector_register(audit_lag_metrics)
