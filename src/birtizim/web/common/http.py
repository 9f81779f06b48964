"""The request a signed-in view receives, typed for what the middleware really puts on it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthedRequest(HttpRequest):
    """Behind ``login_required`` the user is a real ``User``; django-htmx's middleware adds ``htmx``."""

    user: User
    htmx: HtmxDetails
