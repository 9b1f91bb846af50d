"""Reading zip archives that came from outside, with limits a hostile archive cannot pass.

Refused, naming the entry: absolute paths, ``..``, backslashes, drive letters, symlinks,
encrypted or duplicate entries, too many entries, an entry or a total beyond the size
limits, and compression ratios only a zip bomb has. Sizes are counted while reading, not
taken from the headers an attacker writes.
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
import zlib
from typing import IO

from django.conf import settings

MAX_ENTRIES = 5000
MAX_RATIO = 200  # uncompressed / compressed, for entries over 1 MB
_MB = 1_000_000


class PackageError(ValueError):
    """A package this node refuses; the message names the entry or the file."""


class SafeZip:
    def __init__(self, source: IO[bytes], name: str = "package") -> None:
        self.name = name
        try:
            # The central directory's own count, read before zipfile builds an object per entry.
            end = zipfile._EndRecData(source)  # type: ignore[attr-defined]
            if end and end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES:  # type: ignore[attr-defined]
                raise PackageError(f"{name}: more than {MAX_ENTRIES} entries")
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise PackageError(f"{name}: not a zip archive") from exc
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackageError(f"{name}: more than {MAX_ENTRIES} entries")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            path = self._check(info)
            if path is None:
                continue
            if path in self.entries:
                raise PackageError(f"{info.filename}: appears twice in the archive")
            self.entries[path] = info
            declared += info.file_size
        if declared > settings.PACKAGE_MAX_BYTES:
            raise PackageError(
                f"{name}: {declared / _MB:.0f} MB once unpacked; "
                f"this node accepts {settings.PACKAGE_MAX_BYTES / _MB:.0f} MB"
            )
        self.read_total = 0

    def _check(self, info: zipfile.ZipInfo) -> str | None:
        """The entry's clean path, None for a directory; refuses what may not be unpacked."""
        raw = info.filename
        if "\\" in raw or "\x00" in raw or raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
            raise PackageError(f"{raw}: an absolute or Windows path is not accepted")
        clean = posixpath.normpath(raw)
        if clean == ".." or clean.startswith("../") or len(clean) > 255:
            raise PackageError(f"{raw}: the path leaves the package")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageError(f"{raw}: symbolic links are not accepted")
        if info.flag_bits & 0x1:
            raise PackageError(f"{raw}: encrypted entries are not accepted")
        if info.is_dir():
            return None
        if info.file_size > _MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(
                f"{raw}: compressed {info.file_size // max(info.compress_size, 1)}:1, "
                "as only a zip bomb is"
            )
        return clean

    def __contains__(self, path: str) -> bool:
        return path in self.entries

    def read(self, path: str, *, referenced_by: str = "") -> bytes:
        """The entry's bytes, counted as they come; a missing one names who referred to it."""
        info = self.entries.get(posixpath.normpath(path))
        if info is None:
            where = f" (named in {referenced_by})" if referenced_by else ""
            raise PackageError(f"{path}: missing from the package{where}")
        limit = min(info.file_size, settings.PACKAGE_MAX_BYTES - self.read_total)
        try:
            with self.zip.open(info) as entry:
                data = entry.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
            raise PackageError(f"{info.filename}: damaged, it cannot be read") from exc
        if len(data) > limit:
            raise PackageError(f"{info.filename}: larger than its header says, or over the limit")
        self.read_total += len(data)
        return data
