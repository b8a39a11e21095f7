from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django wants: the service module touches models, which exist only once apps are ready.
        from compliance.services import webhooks
        from core import events

        events.writer_register(webhooks.webhook_emit)
