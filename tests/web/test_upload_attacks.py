"""The probe's hostile uploads, sent through the upload page as an analyst would send them: the files
kept in tests/web/attacks/ (attack_files.py made them). The bounded preview (a child process with
limited memory and time) refuses what no reader may load with a sentence naming the file and the limit,
on the page, with nothing kept; the rest is read with the right counts. No answer is a server error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from attack_files import ATTACKS, FOLDER
from conftest import World
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from birtizim.web.registry.models import Upload

REFUSED = {
    "far.xlsx": ("disability", "at most"),  # two cells spanning the sheet: 512 GiB once
    "bomb.xlsx": ("disability", "unpacks"),  # 1,000 times its size unpacked
    "wide.csv": ("pension", "4,003 columns; at most 200"),  # 54 s and 9 GB once
}
READ = {  # name: (kind, rows in, accepted, rejected)
    "quotes.csv": ("pension", 1, 1, 0),  # quotes and SQL in headers: column names, nothing else
    "surplus.csv": ("pension", 200, 199, 1),  # one row with 10,000 surplus fields is one row
    "u0085.csv": ("pension", 200, 200, 0),  # U+0085 is text, not a line break
}


def test_the_kept_files_are_what_the_recipe_makes() -> None:
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(ATTACKS) == sorted({*REFUSED, *READ})
    for name, make in ATTACKS.items():
        assert (FOLDER / name).read_bytes() == make(), name


def send(client: Any, kind: str, name: str) -> Any:
    return client.post("/uploads/", {"kind": kind, "file": SimpleUploadedFile(name, (FOLDER / name).read_bytes())})


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_no_reader_may_load_is_refused_on_the_page_and_nothing_is_kept(
    world: World, client_for: Any, name: str
) -> None:
    kind, words = REFUSED[name]
    before = Upload.objects.count()
    response = send(client_for("analyst"), kind, name)
    page = response.content.decode()
    assert response.status_code == 400 and 'lang="ru"' in page and 'id="upload-form"' in page
    assert name in page and words in page and "/tmp/" not in page and str(settings.DATA_DIR) not in page
    assert Upload.objects.count() == before
    assert not list((Path(settings.DATA_DIR) / "files").rglob(".incoming-*"))


@pytest.mark.parametrize("name", sorted(READ))
def test_a_file_that_once_broke_the_preview_is_read_with_the_right_counts(
    world: World, client_for: Any, name: str
) -> None:
    kind, rows_in, accepted, rejected = READ[name]
    analyst = client_for("analyst")
    response = send(analyst, kind, name)
    assert response.status_code == 302, response.content.decode()[:500]
    upload = Upload.objects.get(original_name=name)
    preview = upload.preview
    assert (preview["rows_in"], preview["accepted"], preview["rejected"]) == (rows_in, accepted, rejected)
    assert (Path(settings.DATA_DIR) / upload.stored_path).read_bytes() == (FOLDER / name).read_bytes()
    assert analyst.get(response["Location"]).status_code == 200
