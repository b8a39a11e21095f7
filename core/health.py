"""GET /healthz: every registered check (database, pgvector, Redis, a Celery worker, the model weights), each named."""

from django.http import JsonResponse

from core import checks


def healthz(request):
    parts = checks.run()
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, **parts}
    return JsonResponse(body, status=200 if not failing else 503)
