"""Photos of progress reports: checked by size and by content, kept byte for byte under their SHA-256
in the object's folder, counted on the report, and served only to the readers of their object."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import World
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from test_projects_world import ADMIN, AS_OF, D, Objects, build_objects

from birtizim.web.projects import services
from birtizim.web.projects.models import Report, ReportPhoto

# Assertions below read the source-language words of refusals and form errors.
pytestmark = pytest.mark.usefixtures("in_english")

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(255, -1, -1)) * 3
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x01\x02\x03" * 200
PDF = b"%PDF-1.4\n" + b"x" * 500


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def new_report(objects: Objects, photos: list[SimpleUploadedFile]) -> Report:
    return services.report_create(
        scope=ADMIN,
        user=None,
        project=objects.home,
        date=AS_OF,
        percents={"A": 100, "B": 60},
        accepted_money=Decimal(0),
        workforce=10,
        photos=photos,
    )


def first_report(objects: Objects) -> Report:
    report = objects.home.reports.order_by("date").first()
    assert report is not None
    return report


def stored_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "files").rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------------
# Storing
# --------------------------------------------------------------------------------------------


def test_photos_are_stored_byte_for_byte_under_their_checksum(objects: Objects, data_dir: Path) -> None:
    # The type comes from the bytes: a PNG called .jpg is a PNG; a WebP without its extension is accepted.
    report = new_report(objects, [upload("site.jpg", PNG), upload("roof.JPG", JPEG), upload("wall", WEBP)])
    photos = list(report.photo_files.order_by("id"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg", "image/webp"]
    assert report.photos == 3 == Report.objects.get(pk=report.pk).photos
    for p, content in zip(photos, (PNG, JPEG, WEBP), strict=True):
        path = data_dir / p.stored_path
        assert path.parent == data_dir / "files" / p.sha256[:2]  # the one store of every upload
        assert path.read_bytes() == content
        assert p.sha256 == hashlib.sha256(content).hexdigest() and path.name.startswith(p.sha256)
        assert p.size == len(content)
    assert [p.original_name for p in photos] == ["site.jpg", "roof.JPG", "wall"]
    assert len(stored_files(data_dir)) == 3  # no temporary file left behind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", PDF, "JPEG, PNG or WebP"),  # the extension says JPEG, the bytes say PDF
        ("photo.png", b"GIF89a" + b"\x00" * 100, "JPEG, PNG or WebP"),
        ("photo.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 50, "JPEG, PNG or WebP"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_photo_inside_is_refused_and_nothing_is_kept(
    objects: Objects, data_dir: Path, name: str, content: bytes, message: str
) -> None:
    reports = Report.objects.count()
    with pytest.raises(services.ProjectsError, match=message):
        new_report(objects, [upload("good.png", PNG), upload(name, content)])
    assert Report.objects.count() == reports and ReportPhoto.objects.count() == 0
    assert not (data_dir / "projects").exists() or stored_files(data_dir) == []


def test_a_photo_over_the_settings_limit_is_refused(objects: Objects, data_dir: Path, settings: Any) -> None:
    settings.INTAKE = {**settings.INTAKE, "photo": {**settings.INTAKE["photo"], "max_bytes": len(JPEG)}}
    report = first_report(objects)
    with pytest.raises(services.ProjectsError, match="larger than"):
        services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("big.jpg", JPEG + b"\x00")])
    assert report.photo_files.count() == 0
    # Exactly at the limit is accepted.
    services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("ok.jpg", JPEG)])
    assert report.photo_files.count() == 1


def test_photos_added_later_keep_the_count_and_refuse_duplicates(objects: Objects, data_dir: Path) -> None:
    report = first_report(objects)
    assert report.photos == 0
    services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("a.jpg", JPEG)])
    services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("b.png", PNG)])
    report.refresh_from_db()
    assert report.photos == 2 == report.photo_files.count()
    with pytest.raises(services.ProjectsError, match="already attached"):
        services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("again.jpg", JPEG)])
    report.refresh_from_db()
    assert report.photos == 2
    # The same bytes on another report of the object: a second row, one file on disk.
    other = objects.home.reports.order_by("-date").first()
    assert other is not None and other.pk != report.pk
    services.report_photos_add(scope=ADMIN, user=None, report=other, files=[upload("same.jpg", JPEG)])
    assert ReportPhoto.objects.filter(sha256=hashlib.sha256(JPEG).hexdigest()).count() == 2
    assert len(stored_files(data_dir)) == 2


def test_attaching_photos_recomputes_no_forecast(objects: Objects, data_dir: Path) -> None:
    before = objects.home.snapshot.computed_at
    services.report_photos_add(scope=ADMIN, user=None, report=first_report(objects), files=[upload("a.jpg", JPEG)])
    objects.home.snapshot.refresh_from_db()
    assert objects.home.snapshot.computed_at == before


# --------------------------------------------------------------------------------------------
# Over HTTP
# --------------------------------------------------------------------------------------------


def test_an_officer_attaches_photos_with_the_report_form(objects: Objects, data_dir: Path, client_for: Any) -> None:
    officer = client_for("officer")
    post = {"date": AS_OF.isoformat(), "accepted_money": "0", "pct_0": "100", "pct_1": "60"}
    response = officer.post(
        f"/projects/{objects.home.pk}/reports/new/", {**post, "photos": [upload("a.jpg", JPEG), upload("b", PNG)]}
    )
    assert response.status_code == 302
    report = Report.objects.get(project=objects.home, date=AS_OF)
    assert report.photos == 2 and report.entered_by == objects.home.responsible
    assert {p.read_bytes() for p in stored_files(data_dir)} == {JPEG, PNG}


def test_the_report_form_with_htmx_shows_the_new_thumbnails(objects: Objects, data_dir: Path, client_for: Any) -> None:
    post = {"date": AS_OF.isoformat(), "accepted_money": "0", "pct_0": "100", "pct_1": "60", "photos": upload("a", PNG)}
    response = client_for("officer").post(
        f"/projects/{objects.home.pk}/reports/new/", post, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="forecast-panel"
    )
    assert response.status_code == 200
    photo = ReportPhoto.objects.get()
    assert f'src="/projects/{objects.home.pk}/photos/{photo.pk}/"' in response.content.decode()


def test_the_report_form_refuses_a_fake_photo_with_its_reason(
    objects: Objects, data_dir: Path, client_for: Any
) -> None:
    post = {"date": AS_OF.isoformat(), "accepted_money": "0", "pct_0": "100", "pct_1": "60"}
    response = client_for("officer").post(
        f"/projects/{objects.home.pk}/reports/new/", {**post, "photos": upload("scan.jpg", PDF)}
    )
    assert response.status_code == 400
    assert "scan.jpg" in response.content.decode()
    assert not Report.objects.filter(project=objects.home, date=AS_OF).exists()


def test_photos_are_attached_to_an_existing_report_by_its_page(
    objects: Objects, data_dir: Path, client_for: Any
) -> None:
    report = first_report(objects)
    url = f"/projects/{objects.home.pk}/reports/{report.pk}/photos/"
    officer = client_for("officer")
    assert officer.get(url).status_code == 200
    assert officer.post(url, {"photos": [upload("a.jpg", JPEG), upload("b.webp", WEBP)]}).status_code == 302
    report.refresh_from_db()
    assert report.photos == 2
    refused = officer.post(url, {"photos": upload("c.jpg", PDF)})
    assert refused.status_code == 400 and 'id="photos-error"' in refused.content.decode()
    assert officer.post(url, {}).status_code == 400  # no file chosen
    report.refresh_from_db()
    assert report.photos == 2


def test_only_editors_of_the_district_attach_photos(objects: Objects, data_dir: Path, client_for: Any) -> None:
    report = first_report(objects)
    url = f"/projects/{objects.home.pk}/reports/{report.pk}/photos/"
    for name, status in [("other_officer", 404), ("viewer", 403), ("analyst", 403), ("outsider", 403)]:
        client = client_for(name)
        assert client.get(url).status_code == status, name
        assert client.post(url, {"photos": upload("a.jpg", JPEG)}).status_code == status, name
    assert Client().post(url, {"photos": upload("a.jpg", JPEG)}).status_code == 302  # to the login page
    # Another object's report through this object's URL does not exist.
    elsewhere = objects.other.reports.first()
    assert elsewhere is not None
    assert client_for("admin").get(f"/projects/{objects.home.pk}/reports/{elsewhere.pk}/photos/").status_code == 404
    assert ReportPhoto.objects.count() == 0


def test_a_photo_is_served_to_its_objects_readers_only(objects: Objects, data_dir: Path, client_for: Any) -> None:
    photo = services.report_photos_add(
        scope=ADMIN, user=None, report=first_report(objects), files=[upload("a.jpg", JPEG)]
    )[0]
    url = f"/projects/{objects.home.pk}/photos/{photo.pk}/"
    for name in ("officer", "admin", "analyst", "viewer"):
        response = client_for(name).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == JPEG and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
    assert client_for("other_officer").get(url).status_code == 404
    assert client_for("outsider").get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    # Under another object's id (one the officer of Karasay may read) the photo does not exist.
    assert client_for("other_officer").get(f"/projects/{objects.other.pk}/photos/{photo.pk}/").status_code == 404
    assert client_for("admin").get(f"/projects/{objects.home.pk}/photos/{photo.pk + 1}/").status_code == 404


def test_a_photo_whose_file_is_gone_answers_404(objects: Objects, data_dir: Path, client_for: Any) -> None:
    photo = services.report_photos_add(
        scope=ADMIN, user=None, report=first_report(objects), files=[upload("a.png", PNG)]
    )[0]
    (data_dir / photo.stored_path).unlink()
    assert client_for("admin").get(f"/projects/{objects.home.pk}/photos/{photo.pk}/").status_code == 404


def test_the_object_page_shows_thumbnails_through_the_scoped_view(
    objects: Objects, data_dir: Path, client_for: Any
) -> None:
    report = first_report(objects)
    photo = services.report_photos_add(scope=ADMIN, user=None, report=report, files=[upload("a.jpg", JPEG)])[0]
    page = client_for("viewer").get(f"/projects/{objects.home.pk}/").content.decode()
    thumbs = re.findall(r'<img class="thumb" src="([^"]+)"', page)
    assert thumbs == [f"/projects/{objects.home.pk}/photos/{photo.pk}/"]
    assert photo.sha256 not in " ".join(thumbs) and "/static/" not in thumbs[0]
    assert "add-photos" not in page  # a viewer attaches nothing
    officer_page = client_for("officer").get(f"/projects/{objects.home.pk}/").content.decode()
    assert f'href="/projects/{objects.home.pk}/reports/{report.pk}/photos/"' in officer_page


def test_a_report_date_check_still_refuses_before_any_photo_is_stored(objects: Objects, data_dir: Path) -> None:
    with pytest.raises(services.ProjectsError):
        services.report_create(
            scope=ADMIN,
            user=None,
            project=objects.home,
            date=D(2025, 6, 15),  # already reported
            percents={"A": 100},
            accepted_money=Decimal(0),
            workforce=1,
            photos=[upload("a.jpg", JPEG)],
        )
    assert not (data_dir / "projects").exists()
