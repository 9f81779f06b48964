"""The address a request really came from, behind the reverse proxies production puts in front.

Behind nginx every request arrives from the proxy's own address; the client's is in the header the
proxy sets (``X-Forwarded-For``: each proxy appends the address it saw). Only the entries our own
proxies appended can be trusted -- anything to their left was sent by the client and may be forged --
so with ``TRUSTED_PROXIES`` = n the client is the n-th address from the right. Without proxies (n = 0)
or with fewer entries than proxies (the header did not come through them), it is ``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = _valid(str(request.META.get("REMOTE_ADDR", ""))) or ""
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    header = str(request.META.get(settings.PROXY_HEADER, ""))[:2000]  # a header is bounded by the server anyway
    hops = [h for h in header.split(",") if h.strip()]
    if len(hops) < proxies:
        return remote
    return _valid(hops[-proxies]) or remote
