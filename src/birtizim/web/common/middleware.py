"""Middlewares: the reader's chosen language, security headers, the idle session's end, and the one
place domain errors become responses."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from birtizim.web.common import error_pages
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

    The pages are ``common.error_pages``' (the same as ``PermissionDenied`` and ``Http404`` give through
    ``urls.handler403/404``), so a refusal looks the same wherever it was decided.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotAllowed):
            return error_pages.permission_denied(request, exception)
        if isinstance(exception, NotFound):
            return error_pages.page_not_found(request, exception)
        if isinstance(exception, Conflict):
            return error_pages.conflict(request, str(exception))
        if isinstance(exception, DomainError):
            return error_pages.bad_request(request, exception, str(exception), exception.status)
        return None


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 sets the others).

    The policy allows scripts and styles from our own origin only: no inline script, no ``on...=``
    attribute, no ``style=`` attribute (templates keep behaviour in ``static/birtizim/*.js`` and htmx's
    settings in a meta tag), so an injected fragment could not run even if escaping ever failed.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


SEEN = "_seen"  # when the session was last used, in whole seconds since the epoch


def session_idle_end(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A session ends after ``SESSION_COOKIE_AGE`` seconds without a request.

    Django stores a session's end when the session is saved; a session used again is saved at most once
    a minute (``SESSION_TOUCH_SECONDS``), which pushes its end forward without a write per request. The
    cookie itself has no date (``SESSION_EXPIRE_AT_BROWSER_CLOSE``): closing the browser ends it too.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # Only a signed-in session is kept alive: touching an anonymous one would store a row per visit.
        if session is not None and session.session_key is not None and "_auth_user_id" in session:
            now = int(time.time())
            seen = session.get(SEEN)
            if not isinstance(seen, int) or now - seen >= settings.SESSION_TOUCH_SECONDS:
                session[SEEN] = now
        return get_response(request)

    return middleware
