from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The policy gate and every rule it is made of: consent in force, orders, retention, tenant, model."""

    name = "policy"
    default_auto_field = "django.db.models.BigAutoField"
