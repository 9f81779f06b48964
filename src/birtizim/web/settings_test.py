"""Settings for the test suite: production settings (DEBUG off) with a fixed key and a scratch folder."""

import os
import tempfile

os.environ.setdefault("BIRTIZIM_SECRET_KEY", "test-only-key-" + "t" * 50)
os.environ.setdefault("BIRTIZIM_DATA_DIR", tempfile.mkdtemp(prefix="birtizim-test-"))
os.environ.setdefault("BIRTIZIM_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

from birtizim.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins; tests only
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: tests that start a real worker or server process share the test database with it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
