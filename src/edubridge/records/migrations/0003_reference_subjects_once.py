"""An agent that is a statement's subject is no longer written again as one of its agents:
remove the earlier copies, so that queries joining the references see each statement once."""

from django.db import migrations

SQL = """
DELETE FROM records_reference
WHERE kind = 'agent' AND EXISTS (
    SELECT 1 FROM records_reference AS subject
    WHERE subject.statement_id = records_reference.statement_id
      AND subject.kind = 'subject' AND subject.value = records_reference.value
)
"""


class Migration(migrations.Migration):
    dependencies = [("records", "0002_statement_actor_unindexed")]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
