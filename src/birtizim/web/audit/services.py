from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from birtizim.web.audit.models import Access


def access_record(
    *,
    user: User | AnonymousUser,
    action: str,
    run_id: int | None,
    district: str = "",
    query: str = "",
    person_ids: list[int] | None = None,
    records: int | None = None,
) -> Access:
    ids = person_ids or []
    return Access.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        action=action,
        run_id=run_id,
        district=district,
        query=query[:200],
        person_ids=ids,
        records=len(ids) if records is None else records,
    )
