"""The Content-Security-Policy header (Django 5.2 has none of its own; SecurityMiddleware sets the others).

The pages load nothing from elsewhere and run no inline script; inline styles remain in the templates. The
Swagger UI is served split (its script a file of its own), so it runs under the same policy.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
