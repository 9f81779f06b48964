"""The one file intake (web.common.intake): names, sizes and types from settings, the type from the bytes,
one content-addressed store under DATA_DIR, refusals in the reader's language with nothing kept."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from birtizim.web.common import intake

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
CSV = "ИИН;Фамилия\n791028302728;Ахметов\n".encode()


def _store() -> Path:
    return Path(settings.DATA_DIR) / "files"


def _leftovers() -> list[Path]:
    return list(_store().glob(".incoming-*")) if _store().exists() else []


def test_it_keeps_the_bytes_once_under_their_checksum_whatever_the_kind() -> None:
    first = intake.receive(SimpleUploadedFile("list.csv", CSV), kind="agency_list")
    second = intake.receive(SimpleUploadedFile("log.csv", CSV), kind="outreach_log")
    sha = hashlib.sha256(CSV).hexdigest()
    assert first.relative == second.relative == Path("files") / sha[:2] / f"{sha}.csv"
    assert first.path.read_bytes() == CSV and first.size == len(CSV) and first.content_type == "text"
    assert _leftovers() == []


def test_it_takes_the_type_from_the_bytes_not_the_name() -> None:
    kept = intake.receive(SimpleUploadedFile("site.jpg", PNG), kind="photo")
    assert kept.content_type == "image/png" and kept.relative.suffix == ".png"


@pytest.mark.parametrize(
    ("kind", "name", "data", "words"),
    [
        ("agency_list", "list.pdf", b"%PDF", "only .csv, .tsv, .txt, .xlsx files"),
        ("agency_list", "list.xlsx", CSV + b"1", "not an Excel workbook"),
        ("agency_list", "list.csv", b"PK\x03\x04" + b"\x00" * 20, "binary content"),
        ("progress_sheet", "sheet.xlsx", CSV + b"2", "not an Excel workbook"),
        ("photo", "a.jpg", b"GIF89a" + b"\x00" * 30, "JPEG, PNG or WebP"),
        ("outreach_log", "log.csv", b"", "empty"),
    ],
)
def test_it_refuses_with_the_reason_and_keeps_nothing(kind: str, name: str, data: bytes, words: str) -> None:
    with translation.override("en"), pytest.raises(intake.IntakeError, match=words):
        intake.receive(SimpleUploadedFile(name, data), kind=kind)
    assert _leftovers() == []
    sha = hashlib.sha256(data).hexdigest()
    assert not list(_store().rglob(f"{sha}*"))


def test_it_counts_the_bytes_not_the_declared_size(settings: Any) -> None:
    settings.INTAKE = {**settings.INTAKE, "photo": {**settings.INTAKE["photo"], "max_bytes": 16}}
    lying = SimpleUploadedFile("a.png", PNG)
    lying.size = 1  # a client can say anything
    with translation.override("en"), pytest.raises(intake.IntakeError, match="larger than"):
        intake.receive(lying, kind="photo")
    assert _leftovers() == []


def test_it_refuses_in_the_readers_language() -> None:
    with translation.override("ru"), pytest.raises(intake.IntakeError, match="принимаются только файлы"):
        intake.receive(SimpleUploadedFile("list.pdf", b"%PDF"), kind="agency_list")
    with translation.override("kk"), pytest.raises(intake.IntakeError, match="қабылданады"):
        intake.receive(SimpleUploadedFile("list.pdf", b"%PDF"), kind="agency_list")
