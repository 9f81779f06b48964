"""The pages a refusal or a failure shows: styled like every page, in the reader's language, with a viewport.

Django's own 403/404/500 pages are a line of English without a stylesheet; ``urls.handler403/404/500``
point here, and so does the ``DomainErrors`` middleware, so a refusal reads the same wherever it was
decided. The exception's own message is never shown for 403 and 404 (it may name what the reader may
not see); a 409's message is the service's sentence for the reader, already in their language.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, title: str, message: str, detail: str = "") -> HttpResponse:
    context = {"status": status, "title": title, "message": message, "detail": detail}
    if not hasattr(request, "user"):  # refused before the login was read (a bad Host header, say)
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
    return render(request, "error.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("Not allowed"),
        _("Your role does not allow this page or action. If your work needs it, ask the region's administrator."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Page not found"),
        _(
            "There is no such page, or it is not open to you: "
            "records of other districts and organisations are not shown."
        ),
    )


def conflict(request: HttpRequest, message: str) -> HttpResponse:
    return _page(
        request, 409, _("Someone acted first"), message or _("The record changed meanwhile. Open it again and repeat.")
    )


def bad_request(
    request: HttpRequest, exception: Exception | None = None, message: str = "", status: int = 400
) -> HttpResponse:
    return _page(
        request, status, _("The request cannot be used"), message or _("Check what was entered and send it again.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the context processors read the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
