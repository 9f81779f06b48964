"""One small synthetic region reconciled once per session through the web's own services.

Users: an administrator, an analyst, an officer of Talgar, an officer of Karasay, a viewer and an
outsider (a login with no role). Every view is checked against the outsider and the other district.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.accounts.services import user_create
from birtizim.web.registry import runstore, services
from birtizim.web.registry.models import Run
from tests.regions import synthetic_region

PASSWORD = "correct-horse-battery"
HOME, OTHER = "talgar", "karasay"


@dataclass(frozen=True)
class World:
    region: Path
    run: Run
    users: dict[str, Any]


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=3_000, seed=5)


def upload_region(region: Path, user: Any) -> None:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    for source in manifest["sources"]:
        path = region / source["path"]
        services.upload_create(
            scope=Scope(Role.ANALYST, None),
            user=user,
            kind=source["kind"],
            file=SimpleUploadedFile(path.name, path.read_bytes()),
        )


@pytest.fixture(scope="session")
def world(django_db_setup: None, django_db_blocker: Any, region: Path) -> World:
    with django_db_blocker.unblock():
        users = {
            "admin": user_create(username="admin", password=PASSWORD, role=Role.ADMIN),
            "analyst": user_create(username="analyst", password=PASSWORD, role=Role.ANALYST),
            "officer": user_create(username="officer", password=PASSWORD, role=Role.OFFICER, districts=[HOME]),
            "other_officer": user_create(username="other", password=PASSWORD, role=Role.OFFICER, districts=[OTHER]),
            "viewer": user_create(username="viewer", password=PASSWORD, role=Role.VIEWER),
            "outsider": get_user_model().objects.create_user(username="outsider", password=PASSWORD),
        }
        upload_region(region, users["analyst"])
        services.run_create(scope=Scope(Role.ANALYST, None), user=users["analyst"])
        claimed = services.run_claim_next()
        assert claimed is not None
        run = services.run_execute(claimed)
        assert run.state == Run.State.SUCCEEDED, run.error
        run = services.run_publish(scope=Scope(Role.ANALYST, None), user=users["analyst"], run=run)
    yield World(region, run, users)
    runstore.close_all()


@pytest.fixture
def client_for(world: World, db: None) -> Any:
    def login(name: str) -> Client:
        c = Client()
        c.force_login(world.users[name], backend="django.contrib.auth.backends.ModelBackend")
        return c

    return login


def person_in(world: World, district: str) -> int:
    pid = runstore.value(world.run.folder, "SELECT min(person_id) FROM worklist WHERE district = ?", [district])
    assert pid is not None
    return int(pid)


@pytest.fixture
def in_english(settings: Any) -> Any:
    """Messages in the source language: tests that check a refusal's words are not tied to a .po file.

    Pages follow LANGUAGE_CODE when the reader chose nothing (the browser's language is ignored).
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache() -> Any:
    """Each test starts with an empty cache: ids come back after a rolled-back test, so a page's copy kept
    by one test (the dashboards keep theirs by run and data stamp) could otherwise answer another's."""
    from django.core.cache import cache

    cache.clear()
    yield
