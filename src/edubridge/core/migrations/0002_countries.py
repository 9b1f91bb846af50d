"""Load the ISO 3166-1 countries known to CLDR; names stay in CLDR, in every language."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from edubridge.core.countries import ensure_countries

    ensure_countries(apps.get_model("core", "Country"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
