"""Full-text index of catalog_searchentry.body: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE catalog_fts USING fts5(body, content='catalog_searchentry', content_rowid='id')",
    "CREATE TRIGGER catalog_fts_insert AFTER INSERT ON catalog_searchentry BEGIN "
    "INSERT INTO catalog_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER catalog_fts_delete AFTER DELETE ON catalog_searchentry BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER catalog_fts_update AFTER UPDATE ON catalog_searchentry BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO catalog_fts(rowid, body) VALUES (new.id, new.body); END",
]
SQLITE_UNDO = [
    "DROP TRIGGER catalog_fts_update", "DROP TRIGGER catalog_fts_delete",
    "DROP TRIGGER catalog_fts_insert", "DROP TABLE catalog_fts",
]
POSTGRES = ["CREATE INDEX catalog_searchentry_fts ON catalog_searchentry USING GIN (to_tsvector('simple', body))"]
POSTGRES_UNDO = ["DROP INDEX catalog_searchentry_fts"]


def run(statements: dict[str, list[str]]):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO}),
        )
    ]
