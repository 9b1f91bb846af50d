"""Removing stored content that no version uses any more.

Files are stored by their SHA-256 before the version that lists them is written, so an
upload that fails half-way leaves its blobs behind. A blob is removed only when no version
names it and it is older than the grace period, so an upload under way keeps its own.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from edubridge.catalog.models import ContentFile

ROOT = "content/sha256"


def orphans(grace: timedelta = timedelta(hours=1)) -> list[str]:
    """Storage names of blobs no version uses, older than ``grace``."""
    if not default_storage.exists(ROOT):
        return []
    used = set(ContentFile.objects.values_list("sha256", flat=True).distinct())
    cutoff = timezone.now() - grace
    found = []
    for prefix in sorted(default_storage.listdir(ROOT)[0]):
        for name in sorted(default_storage.listdir(f"{ROOT}/{prefix}")[1]):
            path = f"{ROOT}/{prefix}/{name}"
            if name not in used and default_storage.get_modified_time(path) < cutoff:
                found.append(path)
    return found


def sweep(grace: timedelta = timedelta(hours=1)) -> list[str]:
    removed = orphans(grace)
    for path in removed:
        default_storage.delete(path)
    return removed
