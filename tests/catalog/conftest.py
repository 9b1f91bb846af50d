import io

import pytest

from edubridge.catalog import services
from edubridge.catalog.services import Upload
from edubridge.core.models import Role


@pytest.fixture
def curator_a(org_a, member):
    return member(org_a, Role.CURATOR, username="a.curator")


@pytest.fixture
def curator_b(org_b, member):
    return member(org_b, Role.CURATOR, username="b.curator")


@pytest.fixture
def publish(settings, tmp_path):
    """publish(owner, by, title=..., **fields): a resource with one published version."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }

    def make(owner, by, title, *, files=None, **fields):
        values = {
            "kind": "lesson",
            "country": owner.country_id,
            "licence": "CC-BY-4.0",
            "languages": ["en"],
            **fields,
        }
        resource = services.create_resource(by, owner, title=title, **values)
        uploads = [
            Upload(path, io.BytesIO(content))
            for path, content in (files or {"index.html": b"<h1>x</h1>"}).items()
        ]
        version = services.create_version(by, resource, uploads, changelog="first")
        services.publish_version(by, version)
        return resource

    return make
