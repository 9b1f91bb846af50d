import os
import subprocess
import sys

SNIPPET = (
    "import edubridge.settings as s; db = s.DATABASES['default'];"
    "print(s.DEBUG, db['ENGINE'], db.get('NAME'))"
)


def settings_in_subprocess(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("EDUBRIDGE_")}
    full.update({"EDUBRIDGE_VAR_DIR": str(tmp_path), **env})
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=full, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_defaults_are_safe_debug_off_and_sqlite_under_var(tmp_path):
    debug, engine, name = settings_in_subprocess(tmp_path)
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "edubridge.sqlite3")


def test_database_url_selects_postgresql(tmp_path):
    _, engine, name = settings_in_subprocess(
        tmp_path,
        EDUBRIDGE_DATABASE_URL="postgres://edu:pw@db.internal:5432/edubridge",
        EDUBRIDGE_DEBUG="1",
    )
    assert engine == "django.db.backends.postgresql"
    assert name == "edubridge"


def test_the_suite_runs_on_the_database_it_was_given(db):
    """CI's second run must really be on PostgreSQL, not silently on SQLite."""
    from django.db import connection

    url = os.environ.get("EDUBRIDGE_DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
