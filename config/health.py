"""GET /healthz: database, pgvector, Redis, a Celery worker and the model weights, each named."""
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

MIN_PGVECTOR = (0, 8)


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}
    pgvector = row[0] if row else None
    ok = pgvector is not None and tuple(int(p) for p in pgvector.split(".")[:2]) >= MIN_PGVECTOR
    return {"ok": ok, "server_version": server, "pgvector": pgvector}


def _redis() -> dict:
    import redis

    try:
        return {"ok": bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _celery() -> dict:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=1.0)
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}
    return {"ok": bool(replies), "workers": sorted(name for reply in replies for name in reply)}


def _weights() -> dict:
    from matching import weights

    missing = weights.missing()
    return {"ok": not missing, "missing": missing, "model": settings.FACE_MODEL, "detector": settings.FACE_DETECTOR}


def healthz(request):
    parts = {"database": _database(), "redis": _redis(), "celery": _celery(), "weights": _weights()}
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, **parts}
    return JsonResponse(body, status=200 if not failing else 503)
