"""The audit log's writes: who viewed, revealed or exported which personal records."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User

from birtizim.web.audit.models import Access

HASH_CHARS = 16  # 64 bits: no two of a region's IINs meet by chance; 30,000 of them fit in half a megabyte


def iin_hash(iin: str) -> str:
    """The keyed hash the audit log keeps instead of an IIN. ``iin_hash_sql`` computes the same in DuckDB."""
    return hashlib.sha256(f"{settings.AUDIT_HASH_KEY}:{iin}".encode()).hexdigest()[:HASH_CHARS]


def iin_hash_sql(column: str) -> tuple[str, list[str]]:
    """``iin_hash`` over a DuckDB column, set-based (one query for a whole export): SQL and its parameter."""
    return f"substr(sha256(? || ':' || {column}), 1, {HASH_CHARS})", [str(settings.AUDIT_HASH_KEY)]


def access_record(
    *,
    user: User | AnonymousUser,
    action: str,
    run_id: int | None,
    district: str = "",
    query: str = "",
    subject: str = "",
    subject_ref: object = "",
    person_ids: list[int] | None = None,
    records: int | None = None,
    iin_hashes: list[str] | None = None,
) -> Access:
    ids = person_ids or []
    return Access.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        action=action,
        run_id=run_id,
        district=district,
        query=query[:200],
        subject=subject,
        subject_ref=str(subject_ref)[:64],
        person_ids=ids,
        records=len(ids) if records is None else records,
        iin_hashes=iin_hashes or [],
    )
