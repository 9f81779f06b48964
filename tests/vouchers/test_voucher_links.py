import base64
import datetime as dt
import json

import pytest

from birtizim.vouchers import links
from birtizim.vouchers.links import ExpiredLink, ForgedLink, ReusedLink

SECRET = b"k" * 32
NOW = dt.datetime(2019, 11, 1, 10, 0, tzinfo=dt.UTC)


def token(**overrides: object) -> str:
    args: dict[str, object] = {
        "secret": SECRET,
        "enrolment_id": 41,
        "child_id": 7,
        "group_id": 3,
        "period": dt.date(2019, 10, 1),
        "now": NOW,
    }
    return links.issue(**(args | overrides))  # type: ignore[arg-type]


def test_a_genuine_link_gives_back_what_it_confirms() -> None:
    payload = links.verify(token(), secret=SECRET, now=NOW + dt.timedelta(days=1))
    assert (payload.enrolment_id, payload.child_id, payload.group_id) == (41, 7, 3)
    assert payload.period == "2019-10" and payload.session_id is None
    assert payload.expires() == NOW + links.DEFAULT_TTL


def test_a_session_link_names_the_session() -> None:
    payload = links.verify(token(period=None, session_id=905), secret=SECRET, now=NOW)
    assert payload.session_id == 905 and payload.period is None


def test_each_link_has_its_own_nonce() -> None:
    a, b = (links.verify(token(), secret=SECRET, now=NOW) for _ in range(2))
    assert a.nonce != b.nonce and len(a.nonce) >= 16


def _reencode(t: str, **changes: object) -> str:
    version, body, signature = t.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data.update(changes)
    new_body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{version}.{new_body}.{signature}"


@pytest.mark.parametrize(
    "changes", [{"child_id": 8}, {"group_id": 4}, {"period": "2019-11"}, {"expires_at": 4_000_000_000}]
)
def test_a_link_pointed_elsewhere_is_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ForgedLink, match="signature"):
        links.verify(_reencode(token(), **changes), secret=SECRET, now=NOW)


def test_a_tampered_character_is_rejected() -> None:
    t = token()
    i = t.index(".") + 5
    flipped = t[:i] + ("A" if t[i] != "A" else "B") + t[i + 1 :]
    with pytest.raises(ForgedLink):
        links.verify(flipped, secret=SECRET, now=NOW)


def test_a_link_signed_with_another_secret_is_rejected() -> None:
    with pytest.raises(ForgedLink, match="signature"):
        links.verify(token(secret=b"x" * 32), secret=SECRET, now=NOW)


@pytest.mark.parametrize("garbage", ["", "v1", "v1.", "v1.abc", "v2.abc.def", "v1.abc.dé", "v1.💥.x", "..."])
def test_garbage_is_rejected_as_forged(garbage: str) -> None:
    with pytest.raises(ForgedLink):
        links.verify(garbage, secret=SECRET, now=NOW)


def test_an_expired_link_is_rejected() -> None:
    t = token(ttl=dt.timedelta(days=10))
    links.verify(t, secret=SECRET, now=NOW + dt.timedelta(days=10) - dt.timedelta(seconds=1))
    with pytest.raises(ExpiredLink, match="expired at 2019-11-11 10:00"):
        links.verify(t, secret=SECRET, now=NOW + dt.timedelta(days=10))


def test_a_used_link_is_rejected() -> None:
    used: set[str] = set()
    t = token()
    payload = links.redeem(t, secret=SECRET, used_nonces=used, now=NOW)
    used.add(payload.nonce)  # the caller records the nonce with the confirmation
    with pytest.raises(ReusedLink):
        links.redeem(t, secret=SECRET, used_nonces=used, now=NOW)
    links.redeem(token(), secret=SECRET, used_nonces=used, now=NOW)  # another link of the same month is fine


def test_redeem_checks_the_signature_before_the_nonce() -> None:
    with pytest.raises(ForgedLink):
        links.redeem(_reencode(token(), child_id=8), secret=SECRET, used_nonces=set(), now=NOW)


def test_it_refuses_weak_secrets_and_vague_links() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        token(secret=b"short")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        links.verify(token(), secret=b"short", now=NOW)
    with pytest.raises(ValueError, match="either a month"):
        token(session_id=5)  # a month and a session at once
    with pytest.raises(ValueError, match="timezone"):
        links.verify(token(), secret=SECRET, now=dt.datetime(2019, 11, 1))
