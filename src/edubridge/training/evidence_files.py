"""Evidence uploads: documents, images, audio and video only, within the size limit, and
their first bytes must agree with their extension. Stored by SHA-256; always served as an
attachment in a sandbox, never run in the node's origin."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage

from edubridge.core.errors import DomainError, ErrorCode

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0",)  # the old Office formats
# Extension -> (media type, accepted first bytes; empty: plain text, checked as UTF-8).
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "webp": ("image/webp", (b"RIFF",)),
    "txt": ("text/plain", ()),
    "md": ("text/markdown", ()),
    "csv": ("text/csv", ()),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": ("application/msword", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "m4a": ("audio/mp4", ()),
    "mp4": ("video/mp4", ()),
}
MP4_BRAND = b"ftyp"


@dataclass(frozen=True)
class Stored:
    name: str
    sha256: str
    media_type: str
    size: int


def _refuse(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"file: {message}", field="file")


def check(name: str, head: bytes) -> str:
    """The media type of a file called ``name`` beginning with ``head``, or a refusal."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED:
        kinds = ", ".join(sorted(ALLOWED))
        raise _refuse(f"{name!r}: .{extension or '?'} files are not accepted (only {kinds})")
    media_type, magics = ALLOWED[extension]
    if extension in ("mp4", "m4a"):
        ok = head[4:8] == MP4_BRAND
    elif magics:
        ok = head.startswith(magics)
    else:
        ok = b"\x00" not in head and _utf8_prefix(head)
    if not ok:
        raise _refuse(f"{name!r} does not look like a .{extension} file")
    return media_type


def _utf8_prefix(head: bytes) -> bool:
    for cut in range(4):  # the sample may end inside a character
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def store(upload: Any) -> Stored:
    name = PurePath(str(getattr(upload, "name", "") or "evidence")).name[:255]
    size = int(getattr(upload, "size", 0) or 0)
    if size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // 1_000_000
        raise _refuse(f"{name!r} is larger than {limit} MB")
    if size == 0:
        raise _refuse(f"{name!r} is empty")
    upload.seek(0)
    head = upload.read(512)
    media_type = check(name, head)
    digest = hashlib.sha256(head)
    upload.seek(512)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    sha = digest.hexdigest()
    storage_name = f"evidence/sha256/{sha[:2]}/{sha}"
    if not default_storage.exists(storage_name):
        upload.seek(0)
        default_storage.save(storage_name, File(upload))
    return Stored(name=name, sha256=sha, media_type=media_type, size=size)
