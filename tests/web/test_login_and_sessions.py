"""Logins and sessions: a growing wait per account and per real client address (behind the proxy),
sessions that end with the browser and after idle time, security headers, and the health check."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import PASSWORD, World
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone

from birtizim.web.common import throttle
from birtizim.web.common.client import client_address
from birtizim.web.common.middleware import SEEN
from birtizim.web.common.models import LoginFailures

PROXY = "10.0.0.1"  # nginx: every request reaches the app from here


def behind_proxy(client_ip: str) -> Client:
    """A browser at ``client_ip`` whose requests come through the one trusted proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def attempt(client: Client, username: str, password: str = "wrong") -> Any:
    return client.post("/login/", {"username": username, "password": password})


def expire_blocks() -> None:
    """As if the wait had passed."""
    LoginFailures.objects.update(blocked_until=timezone.now() - dt.timedelta(seconds=1))


def test_it_reads_the_client_address_from_the_trusted_proxys_entry(settings: Any) -> None:
    factory = RequestFactory()
    settings.TRUSTED_PROXIES = 1
    # The client may send a header of its own; only the entry our proxy appended (the last) counts.
    forged = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_address(forged) == "203.0.113.5"
    assert client_address(factory.get("/", REMOTE_ADDR=PROXY)) == PROXY  # no header: not through the proxy
    assert client_address(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk")) == PROXY
    settings.TRUSTED_PROXIES = 2
    assert client_address(forged) == "1.2.3.4"
    settings.TRUSTED_PROXIES = 0  # reached directly: the header is the client's own words
    assert client_address(forged) == PROXY


def test_it_makes_an_account_wait_longer_after_each_failure_instead_of_a_long_lock(world: World, db: None) -> None:
    free = throttle._rules("account").free
    client = behind_proxy("203.0.113.5")
    for _ in range(free):
        assert attempt(client, "analyst").status_code == 200  # the form again, "wrong password"
    refused = attempt(client, "analyst", PASSWORD)  # even the right password waits now...
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "Слишком много неудачных попыток: повторите через 1 минуту." in refused.content.decode()
    waits = [throttle.wait_seconds(RequestFactory().get("/", REMOTE_ADDR=PROXY), "analyst")]
    for _ in range(6):  # ...each further failure doubles the wait, up to the ceiling
        expire_blocks()
        attempt(client, "analyst")
        waits.append(throttle.wait_seconds(RequestFactory().get("/", REMOTE_ADDR=PROXY), "analyst"))
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    expire_blocks()
    assert attempt(client, "analyst", PASSWORD).status_code == 302  # after the wait the owner gets in
    assert throttle.wait_seconds(RequestFactory().get("/"), "analyst") == 0


def test_a_form_without_a_password_does_not_clear_the_count(world: World, db: None) -> None:
    client = behind_proxy("203.0.113.5")
    for _ in range(throttle._rules("account").free):
        attempt(client, "analyst")
    expire_blocks()
    client.post("/login/", {"username": "analyst", "password": ""})  # checks nothing, so clears nothing
    assert attempt(client, "analyst").status_code == 200  # one more failure...
    assert throttle.wait_seconds(RequestFactory().get("/"), "analyst") == 60  # ...and the wait doubled


def test_it_tells_users_behind_the_same_proxy_apart(world: World, db: None, settings: Any) -> None:
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "address_free": 3}
    guesser = behind_proxy("203.0.113.5")
    for name in ("a1", "a2", "a3", "a4"):  # a different account each time: only the address can tell
        attempt(guesser, name)
    assert attempt(guesser, "admin", PASSWORD).status_code == 429
    # A colleague elsewhere reaches the app through the same proxy, and logs in.
    assert attempt(behind_proxy("198.51.100.7"), "admin", PASSWORD).status_code == 302


def test_a_forged_header_does_not_slip_past_the_wait(world: World, db: None) -> None:
    free = throttle._rules("account").free
    for n in range(free + 1):
        forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5")
        attempt(forged, "viewer")
    assert attempt(behind_proxy("198.51.100.9"), "viewer", PASSWORD).status_code == 429  # the account waits


def test_the_throttle_table_names_no_one(world: World, db: None) -> None:
    attempt(behind_proxy("203.0.113.5"), "analyst")
    keys = " ".join(LoginFailures.objects.values_list("key", flat=True))
    assert "analyst" not in keys and "203.0.113.5" not in keys and keys.count(":") == 2


def test_the_session_cookie_ends_with_the_browser(world: World, db: None) -> None:
    client = Client()
    assert attempt(client, "analyst", PASSWORD).status_code == 302
    cookie = client.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"] and cookie["secure"]


def test_an_idle_session_ends_and_a_used_one_lives_on(world: World, db: None, settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60  # idle minutes, not the fortnight Django defaults to
    client = Client()
    attempt(client, "analyst", PASSWORD)
    key = client.cookies["sessionid"].value

    def ends_in() -> float:
        return (Session.objects.get(session_key=key).expire_date - timezone.now()).total_seconds()

    assert client.get("/").status_code == 200
    assert abs(ends_in() - settings.SESSION_COOKIE_AGE) < 30
    # 29 minutes idle: still signed in, and the request pushes the end forward again.
    session = client.session
    session[SEEN] = int(timezone.now().timestamp()) - 29 * 60
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    assert client.get("/").status_code == 200 and ends_in() > settings.SESSION_COOKIE_AGE - 30
    # Within a minute of the last touch a request writes nothing to the session store.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=600))
    assert client.get("/").status_code == 200 and ends_in() < 601
    # Past the idle time the session is gone: back to the login page.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", ["/login/", "/", "/static/birtizim/site.css", "/health/"])
def test_every_response_carries_the_content_security_and_permissions_policies(
    world: World, client_for: Any, url: str
) -> None:
    response = client_for("analyst").get(url)
    assert response.status_code == 200
    csp = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"] and csp["frame-ancestors"] == "'none'"
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_pages_configure_htmx_for_the_policy_and_run_no_inline_script(world: World, client_for: Any) -> None:
    page = client_for("analyst").get("/uploads/").content.decode()
    config = page.split('name="htmx-config" content=\'', 1)[1].split("'", 1)[0]
    assert json.loads(config) == {"allowEval": False, "allowScriptTags": False, "includeIndicatorStyles": False}
    assert "<script>" not in page and "<script src=" in page


def test_the_health_check_answers_without_a_login_and_says_what_fails(db: None, settings: Any, tmp_path: Any) -> None:
    ok = Client().get("/health/")
    assert ok.status_code == 200 and ok.json() == {"status": "ok", "database": "ok", "data": "ok"}
    assert "sessionid" not in ok.cookies and ok["Cache-Control"].startswith("max-age=0")
    settings.DATA_DIR = tmp_path / "gone"  # an unmounted data disk
    failing = Client().get("/health/")
    assert failing.status_code == 503 and failing.json()["data"] == "failing" and failing.json()["database"] == "ok"


def test_the_health_check_is_reachable_over_plain_http_behind_the_ssl_redirect(db: None, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/health/").status_code == 200  # the proxy's and systemd's local checks
    assert Client().get("/login/").status_code == 301
