"""Parent confirmation links: signed, expiring, one-time tokens a parent opens without an account.

A token is ``v1.<payload>.<signature>``: the payload is the base64url JSON of what the link
confirms (enrolment, child, group, a month or one session, a random nonce, the expiry), and the
signature is HMAC-SHA256 over the version and payload with a server secret. Changing a single
character of the payload breaks the signature, and without the secret nobody can sign a new one,
so the link cannot be forged or pointed at another child, group or month.

Single use is the caller's job, because only the caller's database can make it atomic:

1. ``redeem(token, secret=..., used_nonces=...)`` verifies the token and refuses a nonce already in
   ``used_nonces`` (any container: a set in tests, a lazy view of the database column in the app);
2. the caller records the nonce **in the same transaction** as the confirmation, in a column with a
   UNIQUE constraint; when two clicks race, the second insert fails and must be reported as reuse.

Step 1 alone has a window between the check and the write; step 2 closes it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Container
from dataclasses import asdict, dataclass

VERSION = "v1"
# Bound into every signature, so a token signed with the same secret for another purpose never verifies here.
PURPOSE = b"birtizim/vouchers/parent-confirmation/"
MIN_SECRET_BYTES = 32  # HMAC-SHA256's own output size: a shorter secret is the weakest link
DEFAULT_TTL = dt.timedelta(days=10)  # a month's link stays open until the timesheet's confirmation window closes


class LinkError(ValueError):
    """The link cannot be used; the subclass says why (safe to show to the parent)."""


class ForgedLink(LinkError):
    """Malformed, tampered with, or signed with another secret."""


class ExpiredLink(LinkError):
    """Genuine but past its expiry."""


class ReusedLink(LinkError):
    """Genuine and unexpired, but its nonce was already used."""


class ReplacedLink(LinkError):
    """Genuine, but a newer link for the same child and month replaced it."""


@dataclass(frozen=True, slots=True)
class LinkPayload:
    enrolment_id: int
    child_id: int
    group_id: int
    period: str | None  # "YYYY-MM" for a month's link, or
    session_id: int | None  # one session's link; exactly one of the two is set
    nonce: str
    expires_at: int  # Unix seconds (UTC)

    def expires(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.expires_at, dt.UTC)


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the link secret must be at least {MIN_SECRET_BYTES} bytes")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, PURPOSE + body.encode("ascii"), hashlib.sha256).digest())


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware: expiry is compared in UTC")
    return now


def issue(
    *,
    secret: bytes,
    enrolment_id: int,
    child_id: int,
    group_id: int,
    period: dt.date | None = None,
    session_id: int | None = None,
    ttl: dt.timedelta = DEFAULT_TTL,
    now: dt.datetime | None = None,
    nonce: str | None = None,
) -> str:
    """A signed link token for a month (``period``, any day of it) or for one session (``session_id``)."""
    _check_secret(secret)
    if (period is None) == (session_id is None):
        raise ValueError("a link confirms either a month (period) or one session (session_id)")
    if ttl <= dt.timedelta(0):
        raise ValueError("ttl must be positive")
    payload = LinkPayload(
        enrolment_id=enrolment_id,
        child_id=child_id,
        group_id=group_id,
        period=None if period is None else f"{period:%Y-%m}",
        session_id=session_id,
        nonce=nonce or secrets.token_urlsafe(16),
        expires_at=int((_now(now) + ttl).timestamp()),
    )
    body = VERSION + "." + _b64(json.dumps(asdict(payload), separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return body + "." + _sign(secret, body)


_FIELDS: dict[str, tuple[type, bool]] = {  # field -> (type, may be null)
    "enrolment_id": (int, False),
    "child_id": (int, False),
    "group_id": (int, False),
    "period": (str, True),
    "session_id": (int, True),
    "nonce": (str, False),
    "expires_at": (int, False),
}


def verify(token: str, *, secret: bytes, now: dt.datetime | None = None) -> LinkPayload:
    """The payload of a genuine, unexpired token; raises ``ForgedLink`` or ``ExpiredLink``."""
    _check_secret(secret)
    version, sep1, rest = token.partition(".")
    payload_b64, sep2, signature = rest.partition(".")
    if version != VERSION or not (sep1 and sep2 and payload_b64 and signature):
        raise ForgedLink("this is not a confirmation link")
    body = version + "." + payload_b64
    try:
        expected = _sign(secret, body)
    except UnicodeEncodeError:
        raise ForgedLink("this is not a confirmation link") from None
    # constant-time comparison: timing must not reveal how much of a guessed signature is right
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "surrogatepass")):
        raise ForgedLink("the link's signature does not match: it was altered or not issued by us")
    try:
        data = json.loads(_unb64(payload_b64))
    except (binascii.Error, ValueError):  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ForgedLink("the link's content is unreadable") from None
    # A valid signature means we wrote it, but check the shape anyway: a leaked old-format token must not crash us.
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        raise ForgedLink("the link's content is not a confirmation")
    for field, (kind, nullable) in _FIELDS.items():
        value = data[field]
        if (value is None and not nullable) or (value is not None and (type(value) is not kind)):
            raise ForgedLink(f"the link's {field} is malformed")
    payload = LinkPayload(**data)
    if (payload.period is None) == (payload.session_id is None):
        raise ForgedLink("the link must name a month or a session")
    if _now(now).timestamp() >= payload.expires_at:
        raise ExpiredLink(f"the link expired at {payload.expires():%Y-%m-%d %H:%M} UTC")
    return payload


def redeem(token: str, *, secret: bytes, used_nonces: Container[str], now: dt.datetime | None = None) -> LinkPayload:
    """``verify`` plus single use: raises ``ReusedLink`` when the nonce is in ``used_nonces``.

    Does not record the nonce: the caller stores it with the confirmation in one transaction under
    a UNIQUE constraint (see the module docstring), and treats a violation as ``ReusedLink``.
    """
    payload = verify(token, secret=secret, now=now)
    if payload.nonce in used_nonces:
        raise ReusedLink("this link was already used")
    return payload
