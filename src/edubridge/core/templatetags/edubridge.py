from collections.abc import Iterable

from babel.lists import format_list
from django import template

from edubridge.core.countries import current_locale

register = template.Library()


@register.filter
def listing(items: Iterable[object]) -> str:
    """Items joined the way the reader's language joins a list (CLDR: "a, b and c", "a、b和c")."""
    return format_list([str(i) for i in items], locale=current_locale())
