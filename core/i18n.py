"""The visitor's language, for the data subject's portal only.

Django's LocaleMiddleware picks the language from the language cookie (set by the portal's switcher, posting to
django.views.i18n.set_language) or the browser's Accept-Language. Here it does so only under the paths in
settings.TRANSLATED_PATH_PREFIXES: the officer console and the API (its error messages included, which Django and
DRF would otherwise translate) stay in settings.LANGUAGE_CODE. URLs carry no language prefix: signed links are
mailed with fixed paths.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def _translated(request: HttpRequest) -> bool:
    prefixes: tuple[str, ...] = tuple(settings.TRANSLATED_PATH_PREFIXES)
    return request.path_info.startswith(prefixes)


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if _translated(request):
            super().process_request(request)
        else:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if _translated(request):
            return super().process_response(request, response)  # Content-Language, Vary: Accept-Language
        return response
