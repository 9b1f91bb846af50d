"""Test settings: only what tests need differs from production settings."""

import os
import tempfile

os.environ.setdefault("EDUBRIDGE_VAR_DIR", tempfile.mkdtemp(prefix="edubridge-test-"))

from edubridge.settings import *  # noqa: F403

# Plain static storage: tests do not run collectstatic, and the manifest would be missing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: local memory is enough, and every test starts from an empty cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A fast hasher: password hashing strength is Django's business, not these tests'.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
