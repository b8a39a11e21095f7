"""An over-long URL under /api/ gets the API's JSON error, through gunicorn as the Procfile runs it: Django's
414 uri_too_long past MAX_URL_BYTES, and the same answer from gunicorn itself past its request-line limit
(config/gunicorn_conf.py), where Django never sees the request; headers over gunicorn's limits are 431
headers_too_large. Before, gunicorn answered all of them with an HTML page."""

from __future__ import annotations

import httpx
import pytest
from django.conf import settings

from tests.helpers import wait_for

pytestmark = [pytest.mark.integration]


def _assert_json_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code and set(response.json()["error"]) == {"code", "message", "details"}


def _assert_uri_too_long(response: httpx.Response) -> None:
    _assert_json_error(response, 414, "uri_too_long")


def test_over_long_urls_and_headers_get_the_json_error_from_django_and_from_gunicorn(procfile_web):
    base_url, output = procfile_web
    ordinary = httpx.get(f"{base_url}/api/v1/subjects", timeout=10)
    assert ordinary.status_code in (401, 403) and ordinary.json()["error"]["code"]

    _assert_uri_too_long(httpx.get(f"{base_url}/api/v1/subjects?q={'x' * 5000}", timeout=10))
    _assert_uri_too_long(httpx.get(f"{base_url}/api/v1/{'a' * 5000}", timeout=10))
    # longer than any request line gunicorn parses: refused before Django runs
    _assert_uri_too_long(httpx.get(f"{base_url}/api/v1/subjects?q={'x' * 9000}", timeout=10))
    wait_for(output, lambda text: "Invalid request from ip=127.0.0.1" in text, timeout=30)  # gunicorn's own log
    huge_header = httpx.get(f"{base_url}/api/v1/subjects", headers={"X-Padding": "x" * 9000}, timeout=10)
    _assert_json_error(huge_header, 431, "headers_too_large")
    assert settings.MAX_URL_BYTES < 5000 < 8190  # 5000: past Django's limit, within gunicorn's


def test_an_over_long_page_url_is_refused_without_the_api_shape(client):
    response = client.get("/officer/?q=" + "x" * 5000)
    assert response.status_code == 414 and response["Content-Type"].startswith("text/plain")
