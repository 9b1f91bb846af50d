"""Showing a unit's text to translators: inline codes set apart so they are seen and kept."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from edubridge.localization import inline

register = template.Library()


@register.simple_tag
def codes(text: str, markup: bool) -> SafeString:
    parts = []
    for token in inline.tokens(text, markup):
        if isinstance(token, str):
            parts.append(conditional_escape(token))
        else:
            parts.append(format_html('<span class="code" dir="ltr">{}</span>', token.text))
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above
