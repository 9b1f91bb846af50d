"""The catalog's write operations: resources, versions and files, alignments, releases.

A published version never changes: its files, alignments and changelog are fixed, and a
correction is a new version. Files are stored once by their SHA-256 through Django's
storage API, so S3-compatible storage can be swapped in by settings.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from edubridge.catalog import licences, search
from edubridge.catalog.models import (
    Alignment,
    AlignmentType,
    AssessmentItem,
    Collection,
    CollectionEntry,
    ContentFile,
    MadeWith,
    Release,
    ReleaseParty,
    ReleaseStatus,
    Resource,
    ResourceKind,
    ResourceVersion,
    VersionStatus,
    canonical_uuid,
)
from edubridge.catalog.packages import qti
from edubridge.catalog.xmltext import UNSAFE
from edubridge.core import audit
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.languages import normalise_language
from edubridge.core.models import Country, Organisation
from edubridge.core.policy import Action, Actor, can, require
from edubridge.standards.models import Item

ACCESSIBILITY = {
    "alternativeText",
    "captions",
    "transcript",
    "audioDescription",
    "signLanguage",
    "largePrint",
    "highContrastDisplay",
    "structuralNavigation",
    "tableOfContents",
    "readingOrder",
    "longDescription",
    "MathML",
    "describedMath",
    "ttsMarkup",
}
RESOURCE_FIELDS = [
    "kind",
    "title",
    "description",
    "subjects",
    "education_levels",
    "age_min",
    "age_max",
    "languages",
    "country",
    "licence",
    "accessibility",
    "learning_minutes",
]


MAX_FILES = 1000


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, f"{field}: {message}", field=field)


def _texts(field: str, value: Any, *, required: bool, limit: int) -> dict[str, str]:
    """Text in several languages: {"en": "…", "sw": "…"}, keys BCP 47, values non-empty."""
    if not isinstance(value, dict) or (required and not value):
        raise _invalid(field, 'give the text by language, e.g. {"en": "…"}')
    out = {}
    for language, text in value.items():
        try:
            tag = normalise_language(str(language))
        except ValueError as exc:
            raise _invalid(field, str(exc)) from exc
        if (
            not isinstance(text, str)
            or not text.strip()
            or len(text) > limit
            or UNSAFE.search(text)
        ):
            raise _invalid(
                field, f"the {tag} text must have 1 to {limit} characters, no control characters"
            )
        out[tag] = text.strip()
    return out


def _strings(
    field: str, value: Any, *, limit: int = 100, allowed: set[str] | None = None
) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(v, str) and 0 < len(v.strip()) <= limit and not UNSAFE.search(v) for v in value
    ):
        raise _invalid(field, f"give a list of texts of 1 to {limit} characters")
    if allowed is not None and (unknown := [v for v in value if v not in allowed]):
        raise _invalid(field, f"{unknown[0]!r} is not one of {', '.join(sorted(allowed))}")
    return list(dict.fromkeys(v.strip() for v in value))


def _values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(RESOURCE_FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], "not a field of resources")
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "kind":
            if value not in ResourceKind.values:
                raise _invalid("kind", f"choose one of {', '.join(ResourceKind.values)}")
            out[name] = value
        elif name == "title":
            out[name] = _texts("title", value, required=True, limit=300)
        elif name == "description":
            out[name] = _texts("description", value, required=False, limit=5000)
        elif name in ("subjects", "education_levels"):
            out[name] = _strings(name, value)
        elif name == "accessibility":
            out[name] = _strings(name, value, allowed=ACCESSIBILITY)
        elif name == "languages":
            try:
                out[name] = [normalise_language(v) for v in _strings(name, value, limit=35)]
            except ValueError as exc:
                raise _invalid(name, str(exc)) from exc
        elif name == "country":
            country = (
                value
                if isinstance(value, Country)
                else Country.objects.filter(code=str(value).upper()).first()
            )
            if country is None:
                raise _invalid("country", f"{value!r} is not an ISO 3166-1 alpha-2 code")
            out[name] = country
        elif name == "licence":
            if not isinstance(value, str) or not licences.valid(value):
                raise _invalid(
                    "licence",
                    f"{value!r} is not an SPDX identifier of an open licence (or LicenseRef-…)",
                )
            out[name] = value
        elif name in ("age_min", "age_max", "learning_minutes"):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000
            ):
                raise _invalid(name, "a whole number")
            out[name] = value
    return out


def _check_ages(resource: Resource) -> None:
    if (
        resource.age_min is not None
        and resource.age_max is not None
        and resource.age_min > resource.age_max
    ):
        raise _invalid("age_max", "must not be below age_min")


def _manage(by: Actor, resource: Resource) -> None:
    """Only the owner's curators change a resource; a harvested one changes at its origin."""
    if resource.harvested:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"This resource was harvested from {resource.origin}; it is read-only here.",
        )
    require(by, Action.RESOURCE_MANAGE, resource.owner)


def metadata_of(resource: Resource) -> dict[str, Any]:
    """The resource's descriptive fields as plain JSON (the country as its code)."""
    values = {name: getattr(resource, name) for name in RESOURCE_FIELDS if name != "country"}
    return {**values, "country": resource.country_id}


def create_resource(by: Actor, owner: Organisation, **values: Any) -> Resource:
    require(by, Action.RESOURCE_MANAGE, owner)
    missing = [f for f in ("kind", "title", "country", "licence") if f not in values]
    if missing:
        raise _invalid(missing[0], "required")
    resource = Resource(identifier=uuid.uuid4(), owner=owner, **_values(values))
    _check_ages(resource)
    with transaction.atomic():
        resource.save()
        audit.record(
            by, "resource.create", resource, organisation=owner, summary=str(resource)[:300]
        )
    return resource


def update_resource(by: Actor, resource: Resource, **values: Any) -> Resource:
    _manage(by, resource)
    clean = _values(values)
    with transaction.atomic():
        stored = Resource.objects.select_for_update().get(pk=resource.pk)
        before = audit.snapshot(stored, list(clean))
        for name, value in clean.items():
            setattr(stored, name, value)
        _check_ages(stored)
        stored.save()
        audit.record(
            by,
            "resource.change",
            stored,
            organisation=stored.owner,
            changes=audit.diff(before, audit.snapshot(stored, list(clean))),
        )
        search.index(stored)
    return stored


@dataclass(frozen=True)
class Upload:
    path: str
    content: IO[bytes]
    media_type: str = ""


def _safe_path(path: str) -> str:
    """A relative POSIX path inside the resource: no '..', no absolute path, no backslash."""
    clean = posixpath.normpath(path.strip())
    if (
        not path.strip()
        or "\\" in path
        or "\x00" in path
        or clean.startswith(("/", ".."))
        or posixpath.isabs(path)
        or len(clean) > 255
    ):
        raise _invalid("files", f"{path!r} is not a relative path inside the resource")
    return clean


def _store(upload: Upload) -> tuple[str, int]:
    """Store the content once by its SHA-256; returns (digest, size)."""
    digest = hashlib.sha256()
    size = 0
    upload.content.seek(0)
    while chunk := upload.content.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
        if size > settings.UPLOAD_MAX_BYTES:
            raise _invalid(
                "files", f"{upload.path}: larger than {settings.UPLOAD_MAX_BYTES // 1_000_000} MB"
            )
    sha = digest.hexdigest()
    name = f"content/sha256/{sha[:2]}/{sha}"
    if not default_storage.exists(name):
        upload.content.seek(0)
        default_storage.save(name, File(upload.content))
    return sha, size


def create_version(
    by: Actor,
    resource: Resource,
    files: Iterable[Upload] = (),
    *,
    changelog: str = "",
    derived_from: ResourceVersion | None = None,
    made_with: str = MadeWith.HUMAN,
    ai_model: str = "",
) -> ResourceVersion:
    """A draft version; ``made_with`` and ``ai_model`` say whether and which AI helped."""
    _manage(by, resource)
    if len(changelog) > 4000:
        raise _invalid("changelog", "at most 4000 characters")
    if made_with not in MadeWith.values:
        raise _invalid("made_with", f"{made_with!r} is not one of {', '.join(MadeWith.values)}")
    ai_model = ai_model.strip() if made_with != MadeWith.HUMAN else ""
    if made_with != MadeWith.HUMAN and not ai_model:
        raise _invalid("ai_model", "name the AI model used")
    if len(ai_model) > 200:
        raise _invalid("ai_model", "at most 200 characters")
    if derived_from is not None and derived_from.status != VersionStatus.PUBLISHED:
        raise _invalid("derived_from", "derive only from a published version")
    uploads = list(files)
    if len(uploads) > MAX_FILES:
        raise _invalid("files", f"at most {MAX_FILES} files in a version")
    paths = [_safe_path(u.path) for u in uploads]
    if len(set(paths)) != len(paths):
        raise _invalid("files", "two files have the same path")
    stored = [(path, *_store(u), u.media_type) for path, u in zip(paths, uploads, strict=True)]
    with transaction.atomic():
        Resource.objects.select_for_update().get(pk=resource.pk)
        number = (resource.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ResourceVersion.objects.create(
            resource=resource,
            number=number,
            changelog=changelog,
            derived_from=derived_from,
            created_by=by if isinstance(by, User) else None,
            made_with=made_with,
            ai_model=ai_model,
        )
        ContentFile.objects.bulk_create(
            [
                ContentFile(
                    version=version,
                    path=path,
                    sha256=sha,
                    size=size,
                    media_type=media or mimetypes.guess_type(path)[0] or "application/octet-stream",
                )
                for path, sha, size, media in stored
            ]
        )
        audit.record(
            by,
            "version.create",
            version,
            organisation=resource.owner,
            changes={"files": [None, len(stored)]},
        )
    return version


def _draft(version: ResourceVersion) -> ResourceVersion:
    locked = ResourceVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status == VersionStatus.PUBLISHED:
        raise DomainError(
            ErrorCode.CONFLICT, "A published version cannot change; make a new version."
        )
    return locked


def align(
    by: Actor, version: ResourceVersion, item: Item, alignment_type: str = AlignmentType.TEACHES
) -> Alignment:
    _manage(by, version.resource)
    if alignment_type not in AlignmentType.values:
        raise _invalid("alignment_type", f"choose one of {', '.join(AlignmentType.values)}")
    with transaction.atomic():
        _draft(version)
        alignment, _ = Alignment.objects.get_or_create(
            version=version, item=item, alignment_type=alignment_type
        )
        audit.record(
            by,
            "version.align",
            version,
            organisation=version.resource.owner,
            summary=f"{version} {alignment_type} {item}"[:300],
        )
    return alignment


def add_items(by: Actor, version: ResourceVersion, items: list[qti.Item]) -> int:
    """Add assessment items to a draft version, after those it has."""
    _manage(by, version.resource)
    with transaction.atomic():
        _draft(version)
        start = version.items.count()
        AssessmentItem.objects.bulk_create(
            [
                AssessmentItem(
                    version=version,
                    position=start + n,
                    identifier=item.identifier,
                    data=item.to_json(),
                )
                for n, item in enumerate(items)
            ]
        )
        audit.record(
            by,
            "version.items",
            version,
            organisation=version.resource.owner,
            changes={"items": [None, len(items)]},
        )
    return len(items)


def forbid_ai(by: Actor, version: ResourceVersion, identifiers: Iterable[str]) -> int:
    """Mark items of a draft version as answered without AI help; learners are told so."""
    _manage(by, version.resource)
    wanted = set(identifiers)
    with transaction.atomic():
        _draft(version)
        known = set(version.items.values_list("identifier", flat=True))
        unknown = sorted(wanted - known)
        if unknown:
            raise _invalid("items", f"{unknown[0]!r} is not an item of this version")
        changed = version.items.filter(identifier__in=wanted).update(ai_forbidden=True)
        audit.record(
            by,
            "version.items.no_ai",
            version,
            organisation=version.resource.owner,
            summary=", ".join(sorted(wanted))[:300],
        )
    return changed


def publish_version(by: Actor, version: ResourceVersion) -> ResourceVersion:
    resource = version.resource
    _manage(by, resource)
    with transaction.atomic():
        locked = _draft(version)
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.metadata = metadata_of(Resource.objects.get(pk=resource.pk))
        locked.save(update_fields=["status", "published_at", "metadata"])
        Resource.objects.filter(pk=resource.pk).update(updated_at=timezone.now())
        search.index(resource)
        audit.record(by, "version.publish", locked, organisation=resource.owner)
    return locked


def withdraw_resource(by: Actor, resource: Resource) -> Resource:
    """Take a resource out of search and feeds; OAI-PMH then reports it as deleted.

    Its published versions stay, for the provenance of what was derived from them.
    """
    _manage(by, resource)
    with transaction.atomic():
        stored = Resource.objects.select_for_update().get(pk=resource.pk)
        if stored.withdrawn_at is not None:
            raise DomainError(ErrorCode.CONFLICT, "This resource is already withdrawn.")
        stored.withdrawn_at = timezone.now()
        stored.save(update_fields=["withdrawn_at", "updated_at"])
        search.index(stored)
        audit.record(by, "resource.withdraw", stored, organisation=stored.owner)
    return stored


def _collection_resources(value: list[Any]) -> list[Resource]:
    """Published resources (local or harvested) by identifier, in the order given."""
    if len(value) > MAX_FILES:
        raise _invalid("resources", f"at most {MAX_FILES} resources in a collection")
    keys = [canonical_uuid(str(v.identifier if isinstance(v, Resource) else v)) for v in value]
    found = {
        str(r.identifier): r
        for r in Resource.objects.filter(identifier__in=keys, search_entry__isnull=False)
    }
    if missing := [i for i, key in enumerate(keys) if key not in found]:
        raise _invalid(
            f"resources[{missing[0]}]", f"{value[missing[0]]!s} is not a published resource"
        )
    if len(set(keys)) != len(keys):
        raise _invalid("resources", "a resource is listed twice")
    return [found[key] for key in keys]


def save_collection(
    by: Actor,
    owner: Organisation,
    *,
    title: Any,
    description: Any = None,
    resources: Any = (),
    collection: Collection | None = None,
) -> Collection:
    """Create a collection, or replace the title, description and resources of one."""
    require(by, Action.RESOURCE_MANAGE, owner)
    if collection is not None and collection.owner_id != owner.pk:
        raise _invalid("owner", "a collection stays with the partner that made it")
    titles = _texts("title", title, required=True, limit=300)
    descriptions = _texts("description", description or {}, required=False, limit=5000)
    if not isinstance(resources, list | tuple):
        raise _invalid("resources", "give a list of resource identifiers")
    members = _collection_resources(list(resources))
    with transaction.atomic():
        if collection is None:
            collection = Collection.objects.create(
                identifier=uuid.uuid4(), owner=owner, title=titles, description=descriptions
            )
            action = "collection.create"
        else:
            collection = Collection.objects.select_for_update().get(pk=collection.pk)
            collection.title, collection.description = titles, descriptions
            collection.save()
            collection.entries.all().delete()
            action = "collection.change"
        CollectionEntry.objects.bulk_create(
            [
                CollectionEntry(collection=collection, resource=r, position=i)
                for i, r in enumerate(members)
            ]
        )
        audit.record(
            by,
            action,
            collection,
            organisation=owner,
            changes={"resources": [None, [str(r.identifier) for r in members]]},
        )
    return collection


def create_release(
    by: Actor,
    title: str,
    versions: list[ResourceVersion],
    partners: list[Organisation],
    notes: str = "",
) -> Release:
    """A release of published versions by two or more partners; the author's side must be one."""
    if not title.strip() or len(title) > 200:
        raise _invalid("title", "give a title of 1 to 200 characters")
    if len(notes) > 10000:
        raise _invalid("notes", "at most 10,000 characters")
    partners = list(dict.fromkeys(partners))
    if len(partners) < 2:
        raise _invalid("partners", "a joint release needs two or more partners")
    if not any(can(by, Action.RELEASE_APPROVE, p) for p in partners):
        require(by, Action.RELEASE_APPROVE, partners[0])
    if not versions or any(v.status != VersionStatus.PUBLISHED for v in versions):
        raise _invalid("versions", "release published versions only")
    owners = {v.resource.owner_id for v in versions}
    if not owners <= {p.pk for p in partners}:
        raise _invalid("versions", "every version must belong to one of the partners")
    with transaction.atomic():
        release = Release.objects.create(
            identifier=uuid.uuid4(),
            title=title.strip(),
            notes=notes,
            created_by=by if isinstance(by, User) else None,
        )
        release.versions.set(versions)
        ReleaseParty.objects.bulk_create(
            [ReleaseParty(release=release, organisation=p) for p in partners]
        )
        audit.record(
            by,
            "release.create",
            release,
            organisation=partners[0],
            changes={"partners": [None, [p.slug for p in partners]]},
        )
    return release


def approve_release(by: Actor, release: Release, organisation: Organisation) -> Release:
    require(by, Action.RELEASE_APPROVE, organisation)
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.status == ReleaseStatus.PUBLISHED:
            raise DomainError(ErrorCode.CONFLICT, "This release is already published.")
        party = locked.parties.filter(organisation=organisation).first()
        if party is None:
            raise _invalid("organisation", f"{organisation} is not a partner of this release")
        if party.approved_at:
            raise DomainError(ErrorCode.CONFLICT, f"{organisation} has already approved.")
        party.approved_by = by if isinstance(by, User) else None
        party.approved_at = timezone.now()
        party.save(update_fields=["approved_by", "approved_at"])
        audit.record(by, "release.approve", locked, organisation=organisation)
        if not locked.parties.filter(approved_at__isnull=True).exists():
            locked.status = ReleaseStatus.PUBLISHED
            locked.published_at = timezone.now()
            locked.save(update_fields=["status", "published_at"])
            audit.record(by, "release.publish", locked, organisation=organisation)
    return locked
