from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared mechanisms every other app may use: domain errors, the audit log, signed links, enqueueing."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
