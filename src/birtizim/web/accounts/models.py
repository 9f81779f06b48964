"""Who a user is to Birtizim: one role and, for district officers, the districts they work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Region administrator")
    ANALYST = "analyst", _("Analyst")
    OFFICER = "officer", _("District officer")
    VIEWER = "viewer", _("Viewer")
    PROVIDER = "provider", _("Club provider")  # staff of a children's club (vouchers): their organisation only
    INSPECTOR = "inspector", _("Fare inspector")  # their own team's shifts and their own protocols only
    FARES_ANALYST = "fares_analyst", _("Transport department analyst")  # the city's fares; no other module


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=16, choices=Role.choices)
    # District codes from birtizim.reference (e.g. "talgar"); only district officers use them.
    districts = models.JSONField(default=list, blank=True)
    # For club providers: the BIN of the organisation whose groups and children they may see.
    organisation_bin = models.CharField(max_length=12, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"
