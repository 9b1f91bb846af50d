"""ISO 3166-1 countries with names from CLDR (through Babel) in the active language."""

from functools import cache

from babel import Locale
from django.db.models import Model
from django.utils import translation

# Codes CLDR knows that are not ISO 3166-1 country codes: exceptionally reserved codes
# (AC, CP, CQ, DG, EA, EU, EZ, IC, TA, UN) and user-assigned ones (QO, X*, ZZ).
_NOT_ISO = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "TA", "UN", "QO", "ZZ"}


@cache
def iso_codes() -> tuple[str, ...]:
    codes = [str(code) for code in Locale("en").territories]
    return tuple(
        sorted(
            code
            for code in codes
            if len(code) == 2 and code.isalpha() and code not in _NOT_ISO and code[0] != "X"
        )
    )


@cache
def babel_locale(language: str) -> Locale:
    """The CLDR locale for a Django language code ("zh-hans" -> zh_Hans), English if unknown."""
    try:
        return Locale.parse(translation.to_locale(language))
    except (ValueError, LookupError):
        return Locale("en")


def current_locale() -> Locale:
    return babel_locale(translation.get_language() or "en")


def country_name(code: str, language: str | None = None) -> str:
    locale = babel_locale(language) if language else current_locale()
    return str(locale.territories.get(code, code))


def ensure_countries(country_model: type[Model]) -> None:
    """Create the ISO 3166-1 rows that are missing (the data migration and test resets use it)."""
    existing = set(country_model._default_manager.values_list("code", flat=True))
    country_model._default_manager.bulk_create(
        [country_model(code=c) for c in iso_codes() if c not in existing]
    )
