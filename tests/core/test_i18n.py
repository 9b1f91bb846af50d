"""Every interface string is translated into Chinese, French and Arabic, and compiled."""

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.utils import translation

from edubridge.core.countries import iso_codes

LOCALE = Path(__file__).resolve().parents[2] / "src" / "edubridge" / "locale"


@pytest.mark.parametrize("language", ["fr", "zh_Hans", "ar"])
def test_catalog_is_complete_and_compiled(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.po", "rb") as handle:
        catalog = read_po(handle)
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    messages = [m for m in catalog if m.id]
    assert messages
    for message in messages:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{language}: untranslated {message.id!r}"
        assert "fuzzy" not in message.flags, f"{language}: fuzzy {message.id!r}"
        if isinstance(message.id, tuple):
            singular, plural = message.id
            for n in (0, 1, 2, 5, 11, 100):
                expected = message.string[compiled.plural(n)]
                assert compiled.ngettext(singular, plural, n) == expected, "run make messages"
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, (
                "run make messages"
            )
        else:
            assert compiled.gettext(message.id) == message.string, "run make messages"


def test_iso_3166_has_249_countries():
    codes = iso_codes()
    assert len(codes) == 249
    assert {"CN", "KE", "BR", "ID", "EG", "SN"} <= set(codes)
    assert not {"EU", "UN", "XK", "ZZ"} & set(codes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction", "heading"),
    [
        ("ar", "rtl", "المؤسسات الشريكة"),
        ("zh-hans", "ltr", "合作机构"),
        ("fr", "ltr", "Organisations partenaires"),
    ],
)
def test_pages_follow_the_chosen_language_and_direction(language, direction, heading):
    client = Client()
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert heading in html
    translation.activate("en")
