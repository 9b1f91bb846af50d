import io

import pytest
from django.core.files.storage import default_storage

from edubridge.catalog import services
from edubridge.catalog.models import ContentFile, Release, ReleaseStatus, Resource, VersionStatus
from edubridge.catalog.services import Upload
from edubridge.core.errors import DomainError, ErrorCode
from edubridge.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "podcast"}, "kind"),
        ({"title": {}}, "title"),
        ({"title": {"xx-nope": "t"}}, "title"),
        ({"title": {"en": "t" * 301}}, "title"),
        ({"licence": "WTFPL-9"}, "licence"),
        ({"country": "QQ"}, "country"),
        ({"languages": "en"}, "languages"),
        ({"accessibility": ["telepathy"]}, "accessibility"),
        ({"age_min": 12, "age_max": 9}, "age_max"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_resource_fields_are_named_and_nothing_is_written(org_a, curator_a, change, field):
    values = {
        "kind": "lesson",
        "title": {"en": "Intro to AI"},
        "country": "CN",
        "licence": "CC-BY-4.0",
        **change,
    }
    with pytest.raises(DomainError) as raised:
        services.create_resource(curator_a, org_a, **values)
    assert raised.value.field == field
    assert not Resource.objects.exists()


def test_only_curators_of_the_owner_share_resources(org_a, org_b, curator_b, member):
    with pytest.raises(DomainError) as raised:
        services.create_resource(
            curator_b, org_a, kind="lesson", title={"en": "x"}, country="CN", licence="MIT"
        )
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    teacher = member(org_a, Role.TEACHER)
    with pytest.raises(DomainError):
        services.create_resource(
            teacher, org_a, kind="lesson", title={"en": "x"}, country="CN", licence="MIT"
        )


def test_files_are_stored_once_by_their_sha256(org_a, curator_a, publish):
    first = publish(
        org_a, curator_a, {"en": "One"}, files={"a.html": b"same bytes", "b/c.txt": b"other"}
    )
    second = publish(org_a, curator_a, {"en": "Two"}, files={"index.html": b"same bytes"})
    shas = list(ContentFile.objects.values_list("sha256", flat=True))
    assert len(shas) == 3 and len(set(shas)) == 2
    file = ContentFile.objects.get(path="a.html")
    assert default_storage.open(file.storage_name).read() == b"same bytes"
    assert file.media_type == "text/html" and file.size == 10
    assert first.pk != second.pk


@pytest.mark.parametrize("path", ["../escape.txt", "/etc/passwd", "a\\b.txt", "", "ok/../../x"])
def test_paths_outside_the_resource_are_refused(org_a, curator_a, path):
    resource = services.create_resource(
        curator_a, org_a, kind="lesson", title={"en": "x"}, country="CN", licence="MIT"
    )
    with pytest.raises(DomainError) as raised:
        services.create_version(curator_a, resource, [Upload(path, io.BytesIO(b"x"))])
    assert raised.value.field == "files"
    assert not resource.versions.exists()


def test_a_published_version_never_changes(org_a, curator_a, publish, kenya_item):
    resource = publish(org_a, curator_a, {"en": "Lesson"})
    version = resource.versions.get()
    assert version.status == VersionStatus.PUBLISHED
    with pytest.raises(DomainError) as raised:
        services.align(curator_a, version, kenya_item)
    assert raised.value.code is ErrorCode.CONFLICT
    with pytest.raises(DomainError):
        services.publish_version(curator_a, version)
    newer = services.create_version(curator_a, resource, changelog="fix typo", derived_from=version)
    assert newer.number == 2 and newer.derived_from == version


def test_a_joint_release_is_published_when_every_partner_approved(
    org_a, org_b, curator_a, curator_b, publish
):
    ours = publish(org_a, curator_a, {"en": "Ours"}).versions.get()
    theirs = publish(org_b, curator_b, {"en": "Theirs"}).versions.get()
    release = services.create_release(
        curator_a, "AI literacy pack 2026", [ours, theirs], [org_a, org_b], "Two lessons"
    )
    services.approve_release(curator_a, release, org_a)
    assert Release.objects.get().status == ReleaseStatus.DRAFT
    with pytest.raises(DomainError) as raised:
        services.approve_release(curator_a, release, org_b)  # not a curator of B
    assert raised.value.code is ErrorCode.PERMISSION_DENIED
    services.approve_release(curator_b, release, org_b)
    published = Release.objects.get()
    assert published.status == ReleaseStatus.PUBLISHED and published.published_at
    with pytest.raises(DomainError):
        services.approve_release(curator_b, release, org_b)
    assert AuditEntry.objects.filter(action="release.publish").count() == 1


def test_a_release_needs_two_partners_and_published_versions_of_theirs(
    org_a, org_b, curator_a, publish
):
    version = publish(org_a, curator_a, {"en": "Ours"}).versions.get()
    with pytest.raises(DomainError, match="two or more"):
        services.create_release(curator_a, "Solo", [version], [org_a])
    draft = services.create_version(curator_a, version.resource)
    with pytest.raises(DomainError, match="published versions"):
        services.create_release(curator_a, "Draft", [draft], [org_a, org_b])


def test_a_published_version_keeps_the_metadata_it_was_published_with(org_a, curator_a, publish):
    resource = publish(org_a, curator_a, {"en": "First title"}, subjects=["AI"])
    services.update_resource(curator_a, resource, title={"en": "Second title"})
    version = resource.versions.get()
    assert version.metadata["title"] == {"en": "First title"}
    assert version.metadata["subjects"] == ["AI"] and version.metadata["country"] == "CN"


def test_withdrawing_takes_a_resource_out_of_search_once(org_a, curator_a, curator_b, publish):
    from edubridge.catalog import search

    resource = publish(org_a, curator_a, {"en": "Going away"})
    with pytest.raises(DomainError):
        services.withdraw_resource(curator_b, resource)
    services.withdraw_resource(curator_a, resource)
    assert search.search("going").total == 0
    with pytest.raises(DomainError, match="already withdrawn"):
        services.withdraw_resource(curator_a, resource)


def test_collections_list_published_resources_in_order(org_a, org_b, curator_a, publish):
    first = publish(org_a, curator_a, {"en": "One"})
    second = publish(org_a, curator_a, {"en": "Two"})
    collection = services.save_collection(
        curator_a,
        org_a,
        title={"en": "AI basics", "fr": "Bases de l'IA"},
        resources=[str(second.identifier), first],
    )
    assert list(collection.entries.values_list("resource__title", flat=True)) == [
        {"en": "Two"},
        {"en": "One"},
    ]
    with pytest.raises(DomainError, match=r"resources\[1\]"):
        services.save_collection(
            curator_a, org_a, title={"en": "x"}, resources=[first, "not-a-uuid"]
        )
    with pytest.raises(DomainError, match="twice"):
        services.save_collection(curator_a, org_a, title={"en": "x"}, resources=[first, first])
    with pytest.raises(DomainError):
        services.save_collection(curator_a, org_b, title={"en": "x"})
    services.save_collection(
        curator_a, org_a, title={"en": "AI basics"}, resources=[first], collection=collection
    )
    assert collection.entries.count() == 1


def test_sweeping_removes_only_old_blobs_no_version_uses(org_a, curator_a, publish, settings):
    import os
    import time
    from datetime import timedelta

    from django.core.files.base import ContentFile as Blob
    from django.core.management import call_command

    from edubridge.catalog import sweep

    publish(org_a, curator_a, {"en": "Kept"}, files={"a.html": b"<p>kept</p>"})
    old = default_storage.save("content/sha256/ab/" + "ab" * 32, Blob(b"left by a failed upload"))
    recent = default_storage.save("content/sha256/cd/" + "cd" * 32, Blob(b"upload under way"))
    two_hours_ago = time.time() - 7200
    os.utime(default_storage.path(old), (two_hours_ago, two_hours_ago))
    assert sweep.orphans() == [old]
    out = io.StringIO()
    call_command("sweep_files", "--dry-run", stdout=out)
    assert default_storage.exists(old) and "1 unused files found" in out.getvalue()
    assert sweep.sweep() == [old]
    assert not default_storage.exists(old) and default_storage.exists(recent)
    assert sweep.sweep(timedelta(0)) == [recent]
    kept = ContentFile.objects.get().storage_name
    assert default_storage.exists(kept)
