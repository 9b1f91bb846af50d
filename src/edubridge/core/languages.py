"""BCP 47 language tags: validation, names from CLDR in the active language, direction."""

import functools

from babel import Locale, UnknownLocaleError

from edubridge.core.countries import current_locale


def normalise_language(tag: str) -> str:
    """A canonical BCP 47 tag ("zh_hans" -> "zh-Hans"); ValueError for tags CLDR does not know."""
    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"unknown language tag {tag!r}") from exc
    return str(locale).replace("_", "-")


def same_language(a: str, b: str) -> bool:
    """Whether two tags name the same language ("sw-ke" and "sw_KE" do; unknown tags never)."""
    try:
        return normalise_language(a).lower() == normalise_language(b).lower()
    except ValueError:
        return False


def language_name(tag: str) -> str:
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return tag
    return str(locale.get_display_name(current_locale()) or tag)


@functools.lru_cache(maxsize=256)
def right_to_left(tag: str) -> bool:
    """Whether the language is written right to left (CLDR's character order)."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return False
    return bool(locale.character_order == "right-to-left")
