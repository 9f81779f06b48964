"""A user's scope: who they are (role) and where they work (districts, or a provider's organisation).

Every selector that touches personal records takes a Scope, never a user, so the district filter
cannot be forgotten: a district officer's queries carry their districts into the SQL. What a role
may do is ``accounts.permissions``' table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from birtizim.web.accounts.models import Profile, Role


@dataclass(frozen=True)
class Scope:
    role: str
    districts: frozenset[str] | None  # None: every district of the region
    organisation: str | None = None  # a club provider's BIN: they see their own organisation only

    @property
    def is_provider(self) -> bool:
        return self.role == Role.PROVIDER and bool(self.organisation)

    def covers(self, district: str | None) -> bool:
        return self.districts is None or (district is not None and district in self.districts)

    def district_list(self) -> list[str] | None:
        return None if self.districts is None else sorted(self.districts)


NOBODY = Scope(role="", districts=frozenset())


def scope_for(user: User | AnonymousUser) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NOBODY
    try:
        profile = Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        # A superuser made with createsuperuser administers the region; anyone else has no role yet.
        return Scope(Role.ADMIN, None) if getattr(user, "is_superuser", False) else NOBODY
    if profile.role == Role.OFFICER:
        return Scope(Role.OFFICER, frozenset(profile.districts))
    if profile.role == Role.PROVIDER:
        # A provider sees no district's residents; their organisation bounds everything they see.
        return Scope(Role.PROVIDER, frozenset(), profile.organisation_bin or None)
    if profile.role in (Role.INSPECTOR, Role.FARES_ANALYST):
        # Fares are the city's, not a district's: no district's residents are theirs.
        return Scope(profile.role, frozenset())
    return Scope(profile.role, None)
