"""How a webhook reaches its endpoint, and which URLs may be endpoints: a tenant chooses the URL, so the URL is
hostile until checked. One parse (urlsplit) decides the host, the port and the target; a URL that another parser
(http.client, a proxy) could read otherwise is refused. The host is resolved once, every address it resolves to
must be public (unless WEBHOOK_ALLOW_PRIVATE_URLS), and the connection goes to the address that was checked, with
the URL's host in the Host header and in TLS's SNI and certificate check. Redirects are never followed: a 3xx is a
failed attempt with its status. Any error of an attempt is returned as its reason, never raised."""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.errors import DomainError

# What http.client refuses in a request line or a host (its _contains_disallowed_url_pchar_re), and what parsers
# disagree on: a backslash is a path separator to a browser, part of the userinfo or host to others.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


class WebhookUrlRefused(DomainError):
    code = "webhook_url_refused"
    default_message = "Webhook URLs must be http(s) and, in production, reach a public address."


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # the request target: path and query


def url_parse(url: str) -> Target:
    """The one reading of a webhook URL, or WebhookUrlRefused: http(s), ASCII, a host, no userinfo, nothing
    http.client would refuse or read otherwise."""
    if not url.isascii() or _UNSAFE.search(url):
        raise WebhookUrlRefused(url=url, reason="characters a URL parser may read otherwise")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlRefused(url=url)
    if "@" in parts.netloc:
        raise WebhookUrlRefused(url=url, reason="user information in the URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookUrlRefused(url=url, reason="not a port") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=parts.hostname, port=port, path=path)


def url_resolve(url: str) -> tuple[Target, str]:
    """The URL's target and the one address to connect to, every address of its host checked."""
    target = url_parse(url)
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookUrlRefused(url=url, reason="does not resolve") from None
    addresses = [str(info[4][0]) for info in infos]  # an IPv4 or IPv6 address (SOCK_STREAM)
    if not settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise WebhookUrlRefused(url=url, reason="private or loopback address")
    return target, addresses[0]


def url_check(url: str) -> None:
    """At creation: the URL as it will be delivered to (resolved again, and checked again, at each attempt)."""
    url_resolve(url)


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    # http.client names the host in the Host header and in TLS (SNI, certificate check) and resolves it again to
    # connect: the socket goes to the checked address instead, so a second DNS answer is never asked for.
    conn._create_connection = lambda _hostport, timeout, source: socket.create_connection(  # type: ignore[attr-defined]  # http.client's connect hook, left out of typeshed
        (address, target.port), timeout, source
    )
    return conn


def webhook_post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """One POST: (HTTP status or None, the reason it failed, "" when it did not). Never raises."""
    try:
        target, address = url_resolve(url)
    except WebhookUrlRefused:
        return None, "url_refused"
    conn = _connection(target, address, settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        status = conn.getresponse().status
    except Exception as error:  # whatever the endpoint or the network does, the attempt ends with its reason
        return None, type(error).__name__
    finally:
        conn.close()
    return status, "redirect_not_followed" if 300 <= status < 400 else ""
