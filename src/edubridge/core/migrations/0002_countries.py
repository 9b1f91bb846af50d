"""Load the ISO 3166-1 countries known to CLDR; names stay in CLDR, in every language."""

from django.db import migrations


def load_countries(apps, schema_editor):
    from edubridge.core.countries import iso_codes

    Country = apps.get_model("core", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create([Country(code=c) for c in iso_codes() if c not in existing])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
