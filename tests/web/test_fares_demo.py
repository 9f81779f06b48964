"""``manage.py birtizim_fares_demo``: the demo month has the news story's 983 protocols, the logins
work, and the analyst's page shows the month; the fares catalogue is complete in Russian and Kazakh."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from test_translations import entries

from birtizim.web.fares import entities
from birtizim.web.fares.models import Plan, Protocol

FARES_LOCALE = Path(__file__).parents[2] / "src/birtizim/web/fares/locale"


def test_the_demo_loads_june_with_983_protocols_and_prints_logins(db: None, settings: Any) -> None:
    out = io.StringIO()
    call_command("birtizim_fares_demo", stdout=out)
    printed = out.getvalue()
    assert Protocol.objects.filter(**entities.in_month("offence_at", "2026-06")).count() == 983
    assert "983 in 2026-06" in printed
    logins = dict(re.findall(r"^  (inspector|transport)\s+(\S+)", printed, re.M))
    assert set(logins) == {"inspector", "transport"}
    assert Plan.objects.filter(month__in=["2026-04", "2026-05", "2026-06"]).count() == 3
    analyst = Client()
    assert analyst.post("/login/", {"username": "transport", "password": logins["transport"]}).status_code == 302
    page = analyst.get("/fares/overview/?month=2026-06").content.decode()
    assert 'data-value="983"' in page and "983\u00a0протокола" in page
    inspector = Client()
    assert inspector.post("/login/", {"username": "inspector", "password": logins["inspector"]}).status_code == 302
    assert inspector.get("/", follow=True).redirect_chain[-1][0] == "/fares/inspector/"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_fares_string_is_translated_and_compiled(language: str) -> None:
    po = FARES_LOCALE / language / "LC_MESSAGES" / "django.po"
    found = entries(po)
    assert len(found) > 200
    assert [key for key, forms, fuzzy in found if fuzzy or not forms or not all(forms)] == []
    with po.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert [key for key, forms, _ in found if len(forms) == 1 and catalogue.gettext(key) != forms[0]] == []
