"""The one way a file comes into the web: agency lists, project photos, progress sheets, outreach logs.

Each kind of file has its extensions and size limit in ``settings.INTAKE``; its type is read from its
first bytes (a workbook is a ZIP, a photo says JPEG, PNG or WebP, a text has no NUL byte), never
taken from its name. The bytes are hashed while they are written, once, into one content-addressed
store: ``DATA_DIR/files/<sha256[:2]>/<sha256><suffix>``, so the same file sent twice, by anyone, for
any module, is kept once. Refusals are ``IntakeError`` with a sentence in the reader's language;
nothing is kept of a refused file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from birtizim.tables.sniff import XLSX_MAGIC, is_binary

HEAD = 16  # bytes enough for every signature below
XLSX = "xlsx"
TEXT = "text"
IMAGES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


class IntakeError(ValueError):
    """A file refused before anything was kept; the message is for the person who sent it."""


@dataclass(frozen=True)
class Received:
    """A file kept in the store."""

    name: str  # the name it was sent under (no folders), for pages and logs
    relative: Path  # where it is kept, relative to DATA_DIR
    sha256: str
    size: int
    content_type: str  # "xlsx", "text" or an image's MIME type

    @property
    def path(self) -> Path:
        return Path(settings.DATA_DIR) / self.relative


@dataclass(frozen=True)
class Checked:
    """A file that passed every check, written beside the store but not in it yet: ``keep`` or ``discard``."""

    name: str
    sha256: str
    size: int
    content_type: str
    temporary: Path
    suffix: str  # of the kept file: the type's own (.xlsx, .jpg...), a text's as sent

    def keep(self) -> Received:
        relative = Path("files") / self.sha256[:2] / f"{self.sha256}{self.suffix}"
        final = Path(settings.DATA_DIR) / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.temporary, final)  # the same bytes kept before are replaced by themselves
        return Received(self.name, relative, self.sha256, self.size, self.content_type)

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


def content_type(head: bytes) -> str | None:
    """What the first bytes say a file is: a workbook, a photo, text; None for anything else binary."""
    if head.startswith(XLSX_MAGIC):
        return XLSX
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None if is_binary(head) else TEXT  # utf-16 text (Excel's "Unicode text") has NUL bytes, and a BOM


def rules(kind: str) -> dict[str, Any]:
    """``settings.INTAKE[kind]``: extensions (None: any name), max_bytes, types."""
    table = cast("dict[str, dict[str, Any]]", settings.INTAKE)
    return table[kind]


def _megabytes(n: int) -> str:
    return f"{n / 2**20:g}"


def check(file: UploadedFile[bytes], *, kind: str) -> Checked:
    """Name, size and content of one file of ``kind`` (``settings.INTAKE``), hashed while it is written."""
    found_rules = rules(kind)
    extensions: tuple[str, ...] | None = found_rules["extensions"]
    max_bytes = int(found_rules["max_bytes"])
    name = Path(file.name or "file").name[:255]
    suffix = Path(name).suffix.lower()
    if extensions is not None and suffix not in extensions:
        raise IntakeError(
            _("%(name)s: only %(extensions)s files are accepted.") % {"name": name, "extensions": ", ".join(extensions)}
        )
    too_big = _("%(name)s is larger than %(mb)s MB, the limit for this kind of file.") % {
        "name": name,
        "mb": _megabytes(max_bytes),
    }
    if (file.size or 0) > max_bytes:
        raise IntakeError(too_big)

    store = Path(settings.DATA_DIR) / "files"
    store.mkdir(parents=True, exist_ok=True)
    # The name's suffix stays on the temporary file: readers may look at a file before it is kept.
    handle, temporary = tempfile.mkstemp(prefix=".incoming-", suffix=suffix, dir=store)
    digest = hashlib.sha256()
    head = b""
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            file.seek(0)
            for chunk in file.chunks():
                head += chunk[: max(HEAD - len(head), 0)]
                size += len(chunk)
                if size > max_bytes:  # the declared size can lie; the bytes cannot
                    raise IntakeError(too_big)
                digest.update(chunk)
                out.write(chunk)
        file.seek(0)
        if size == 0:
            raise IntakeError(_("%(name)s is empty.") % {"name": name})
        found = content_type(head)
        if found not in found_rules["types"]:
            raise IntakeError(_refusal(name, found_rules["types"]))
        # A name that says workbook must hold one, and a text name text: the readers go by the name.
        if extensions is not None and (suffix == ".xlsx") != (found == XLSX):
            raise IntakeError(_refusal(name, (XLSX,) if suffix == ".xlsx" else (TEXT,)))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    assert found is not None  # every accepted type is a name
    kept_suffix = IMAGES.get(found, ".xlsx" if found == XLSX else suffix)
    return Checked(name, digest.hexdigest(), size, found, Path(temporary), kept_suffix)


def _refusal(name: str, types: tuple[str, ...]) -> str:
    if all(t in IMAGES for t in types):
        return _("%(name)s is not a JPEG, PNG or WebP image inside.") % {"name": name}
    if TEXT not in types:
        return _("%(name)s: the content does not match the extension: it is not an Excel workbook inside.") % {
            "name": name
        }
    return _("%(name)s: the content does not match the extension: binary content in a text file.") % {"name": name}


def receive(file: UploadedFile[bytes], *, kind: str) -> Received:
    """``check`` and keep one file."""
    return check(file, kind=kind).keep()
