"""The login page with the throttle in front of the password check (``common.throttle``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from birtizim.web.common import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses while the account or the address must wait -- before the password is hashed, so
    guessing costs the server nothing -- and counts each failure."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))[:150]
        if self.request is not None and username:
            wait = throttle.wait_seconds(self.request, username)
            if wait:
                self.throttled = True
                minutes = max(1, -(-wait // 60))
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed attempts: try again in %(n)s minute.",
                        "Too many failed attempts: try again in %(n)s minutes.",
                        minutes,
                    )
                    % {"n": minutes},
                    code="throttled",
                )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.request is not None and username:
                throttle.failure_record(self.request, username)
            raise
        # Only a login that really succeeded clears the count (a form sent without a password checks nothing).
        if self.request is not None and username and self.get_user() is not None:
            throttle.success_record(self.request, username)
        return cleaned

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(_("Wrong username or password."), code="invalid_login")


class ThrottledLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429  # Too Many Requests: the page still says when to come back
        return response
