"""Reads about accounts that the modules share."""

from __future__ import annotations

from django.contrib.auth.models import User

from birtizim.web.accounts.models import Profile, Role


def officers_of(district: str) -> list[User]:
    """Active district officers whose districts include ``district``, by username.

    Who a flag can be assigned to, who may be an object's responsible officer, who hears of an
    object's alerts when nobody is responsible. Districts are a JSON list, filtered here in Python
    (SQLite and PostgreSQL query JSON arrays differently; there are tens of officers, not thousands).
    """
    profiles = Profile.objects.filter(role=Role.OFFICER, user__is_active=True).select_related("user")
    return sorted((p.user for p in profiles if district in (p.districts or [])), key=lambda u: u.get_username())
