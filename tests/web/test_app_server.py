"""The production server really serves: gunicorn with deploy/gunicorn.conf.py and production settings
(DEBUG off) on the suite's database answers the health check, a page with its security headers and a
static file through whitenoise, and logs requests without their query strings."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.databases import url_of

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_gunicorn_serves_the_app_with_production_settings(db: None, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings",  # production settings, not the tests'
        "DATABASE_URL": url_of(connection.settings_dict),
        "BIRTIZIM_DATA_DIR": str(settings.DATA_DIR),
        "BIRTIZIM_SECRET_KEY": "a-long-random-production-secret-" + "k9" * 30,
        "BIRTIZIM_ALLOWED_HOSTS": "127.0.0.1",
        "BIRTIZIM_SSL_REDIRECT": "0",  # no TLS here
        "BIRTIZIM_BIND": f"127.0.0.1:{port}",
        "BIRTIZIM_WORKERS": "2",
    }
    env.pop("BIRTIZIM_DEBUG", None)
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "deploy/gunicorn.conf.py"), "birtizim.web.wsgi"],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                status, _headers, body = get(port, "/health/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(log.read_text())
        assert status == 200 and body == b'{"status": "ok", "database": "ok", "data": "ok"}'
        # As nginx passes it on: TLS ended at the proxy (the header production trusts).
        behind_tls = {"X-Forwarded-Proto": "https"}
        status, headers, body = get(port, "/login/?next=/worklists/talgar/%3Fq%3D791028302728", behind_tls)
        assert status == 200 and b'name="password"' in body
        assert (
            "script-src 'self'" in headers["content-security-policy"] and "camera=()" in headers["permissions-policy"]
        )
        assert headers["x-frame-options"] == "DENY" and "max-age=31536000" in headers["strict-transport-security"]
        status, headers, body = get(port, "/static/birtizim/site.js")
        assert status == 200 and b"data-confirm" in body and "content-security-policy" in headers
    finally:
        server.terminate()
        server.wait(30)
    logged = log.read_text()
    assert '"GET /login/" 200' in logged and "791028302728" not in logged  # no query strings in the log
    assert "Booting worker" in logged and logged.count("Booting worker") == 2
