"""Russian unless the reader chose another language with the switcher.

Office computers in the akimat often run an English or a Kazakh Windows whose browser asks for
English; staff still expect the platform in Russian, and they switch to Kazakh on purpose. So the
browser's Accept-Language header is ignored: the language is the one chosen (Django's language
cookie), else ``LANGUAGE_CODE``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def language_by_choice(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
