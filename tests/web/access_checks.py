"""The two checks every module's access tests make over all of its requests: an anonymous visitor is
sent to the login page, and a client without the right is refused (403, or 404 where even the
record's existence is not told). Each returns the requests that broke the rule, so a failure names them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.test import Client

Request = tuple[str, str]  # (how, url): "get", "post", "htmx" or a module's own kinds, and the URL
Fetch = Callable[[Client, str, str], Any]  # a module's way to make each kind of request


def not_sent_to_login(requests: Iterable[Request], fetch: Fetch) -> list[Request]:
    broken = []
    for how, url in requests:
        response = fetch(Client(), how, url)
        if not (response.status_code == 302 and response["Location"].startswith("/login/")):
            broken.append((how, url))
    return broken


def not_refused(client: Client, requests: Iterable[Request], fetch: Fetch) -> list[tuple[str, str, int]]:
    answers = ((how, url, fetch(client, how, url).status_code) for how, url in requests)
    return [(how, url, status) for how, url, status in answers if status not in (403, 404)]
