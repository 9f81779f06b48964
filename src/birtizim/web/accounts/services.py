"""Creating users with roles (the demo and ``manage.py birtizim_user`` use this)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from birtizim.engine import is_valid_bin
from birtizim.reference import region as reference_region
from birtizim.web.accounts.models import Profile, Role


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    districts: list[str] | None = None,
    region: str = "almaty-2019",
    organisation_bin: str = "",
) -> User:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(Role.values)}")
    districts = districts or []
    known = {d.code for d in reference_region(region).districts}
    unknown = sorted(set(districts) - known)
    if unknown:
        raise ValueError(f"unknown districts for {region}: {', '.join(unknown)}")
    if role == Role.OFFICER and not districts:
        raise ValueError("a district officer needs at least one district")
    # A BIN carries the IIN's check digit; a typo here would attach the account to no organisation.
    if role == Role.PROVIDER and not is_valid_bin(organisation_bin):
        raise ValueError(f"a club provider needs their organisation's valid BIN, got {organisation_bin!r}")
    user = User.objects.create_user(username=username, password=password)
    Profile.objects.create(
        user=user,
        role=role,
        districts=sorted(districts) if role == Role.OFFICER else [],
        organisation_bin=organisation_bin.strip() if role == Role.PROVIDER else "",
    )
    return user
