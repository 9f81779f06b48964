"""Two middlewares: the reader's chosen language, and the one place domain errors become responses."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from birtizim.web.common.errors import Conflict, DomainError, NotAllowed, NotFound


def language_by_choice(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Russian unless the reader chose another language with the switcher.

    Office computers in the akimat often run an English or a Kazakh Windows whose browser asks for
    English; staff still expect the platform in Russian, and they switch to Kazakh on purpose. So the
    browser's Accept-Language header is ignored: the language is the one chosen (Django's language
    cookie), else ``LANGUAGE_CODE``.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


class DomainErrors:
    """``NotAllowed`` -> 403, ``NotFound`` -> 404, ``Conflict`` -> 409, from any view.

    403 and 404 are Django's own pages (the same as ``PermissionDenied`` and ``Http404`` give), so a
    refusal looks the same wherever it was decided.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotAllowed):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, NotFound):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, Conflict):
            return HttpResponse(str(exception), status=409, content_type="text/plain; charset=utf-8")
        if isinstance(exception, DomainError):
            return HttpResponse(str(exception), status=exception.status, content_type="text/plain; charset=utf-8")
        return None
