"""The dashboard's figures are rendered once per run, scope and language and then served from memory:
the copy never crosses scopes or languages, and a newly published run replaces it (a draft does not)."""

from __future__ import annotations

import re
from typing import Any

from conftest import HOME, World
from django.core.cache import cache
from django.utils import timezone

from birtizim.web.registry.models import Run


def residents(page: bytes) -> int:
    found = re.search(r'data-indicator="residents" data-value="(\d+)"', page.decode())
    assert found is not None
    return int(found.group(1))


def test_the_dashboard_copy_follows_scope_language_and_run(world: World, client_for: Any) -> None:
    cache.clear()
    region = residents(client_for("analyst").get("/").content)
    talgar = residents(client_for("officer").get("/").content)
    home = next(d for d in world.run.summary["districts"] if d["district"] == HOME)
    assert region == sum(d["residents"] for d in world.run.summary["districts"]) and talgar == home["residents"]
    assert residents(client_for("officer").get("/").content) == talgar  # served from the copy, still Talgar's
    analyst = client_for("analyst")
    analyst.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert "Тұрғындар" in analyst.get("/").content.decode()  # another language, another copy
    # A new run with other figures: the next request shows them, not the old copy.
    summary = {
        **world.run.summary,
        "districts": [{**d, "residents": d["residents"] + 1} for d in world.run.summary["districts"]],
    }
    draft = Run.objects.create(
        state=Run.State.SUCCEEDED, folder=world.run.folder, summary=summary, finished_at=timezone.now()
    )
    assert residents(client_for("officer").get("/").content) == talgar  # a draft is not on the dashboard
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at"])
    assert residents(client_for("officer").get("/").content) == talgar + 1  # published: the new figures
