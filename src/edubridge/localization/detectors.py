"""Detectors the rule packs name: imperial units, foreign currency, numeric dates.

Each finds its matches in a text and proposes what the target locale would write, with
Babel (CLDR): the metric value in the locale's unit format, the country's own currency in
its currency format, a numeric date read both ways in the locale's long date format.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_territory_currencies
from babel.units import format_unit


@dataclass(frozen=True)
class Detected:
    text: str
    suggestion: str


@functools.lru_cache(maxsize=256)
def locale_of(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(tag.split("-")[0])


_AMOUNT = r"(\d+(?:[.,]\d+)?)"
# (pattern, CLDR unit, factor or converter)
IMPERIAL: list[tuple[str, str, Callable[[float], float]]] = [
    (r"miles?|mi\b", "length-kilometer", lambda v: v * 1.609344),
    (r"mph|miles per hour", "speed-kilometer-per-hour", lambda v: v * 1.609344),
    (r"feet|foot|ft\b", "length-meter", lambda v: v * 0.3048),
    (r"inch(?:es)?\b|in\.", "length-centimeter", lambda v: v * 2.54),
    (r"yards?|yd\b", "length-meter", lambda v: v * 0.9144),
    (r"pounds?(?! sterling)|lbs?\b", "mass-kilogram", lambda v: v * 0.45359237),
    (r"ounces?|oz\b", "mass-gram", lambda v: v * 28.349523125),
    (r"gallons?|gal\b", "volume-liter", lambda v: v * 3.785411784),
    (r"pints?", "volume-liter", lambda v: v * 0.473176473),
    (r"acres?", "area-hectare", lambda v: v * 0.40468564224),
    (r"°\s?F\b|degrees? Fahrenheit", "temperature-celsius", lambda v: (v - 32) * 5 / 9),
]
_IMPERIAL = re.compile(
    _AMOUNT + r"\s?(" + "|".join(f"(?:{p})" for p, _, _ in IMPERIAL) + r")", re.IGNORECASE
)
_UNIT_PATTERNS = [
    (re.compile(p + "$", re.IGNORECASE), unit, convert) for p, unit, convert in IMPERIAL
]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def imperial_units(text: str, language: str, country: str) -> list[Detected]:
    locale = locale_of(language)
    out = []
    for match in _IMPERIAL.finditer(text):
        value, word = _number(match.group(1)), match.group(2)
        for pattern, unit, convert in _UNIT_PATTERNS:
            if pattern.match(word):
                metric = round(convert(value), 1)
                suggestion = format_unit(metric, unit, length="short", locale=locale)
                out.append(Detected(match.group(0), f"≈ {suggestion}"))
                break
    return out


_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₹": "INR", "R$": "BRL"}
_WORDS = {
    "usd": "USD", "dollar": "USD", "dollars": "USD", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "元": "CNY",
    "jpy": "JPY", "yen": "JPY",
    "kes": "KES", "ksh": "KES", "shillings": "KES", "egp": "EGP", "idr": "IDR", "rupiah": "IDR",
    "brl": "BRL", "reais": "BRL", "xof": "XOF", "cfa": "XOF", "inr": "INR", "rupees": "INR",
}  # fmt: skip
_BEFORE = re.compile(r"(US\$|R\$|[$€£¥₹])\s?" + _AMOUNT)
_AFTER = re.compile(
    _AMOUNT + r"\s?(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def country_currency(country: str) -> str | None:
    found = get_territory_currencies(country, datetime.date.today())
    return found[0] if found else None


def foreign_currency(text: str, language: str, country: str) -> list[Detected]:
    local = country_currency(country)
    locale = locale_of(language)
    out = []
    found = [(m.group(0), _SYMBOLS[m.group(1)], m.group(2)) for m in _BEFORE.finditer(text)]
    found += [(m.group(0), _WORDS[m.group(2).lower()], m.group(1)) for m in _AFTER.finditer(text)]
    for matched, currency, amount in found:
        if local and currency != local:
            example = format_currency(_number(amount), local, locale=locale)
            out.append(
                Detected(matched, f"{currency} → {local}; a local price, written like {example}")
            )
    return out


_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")


def numeric_dates(text: str, language: str, country: str) -> list[Detected]:
    locale = locale_of(language)
    out = []
    for match in _DATE.finditer(text):
        first, second, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
        readings = []
        for month, day in ((first, second), (second, first)):
            try:
                date = datetime.date(year, month, day)
            except ValueError:
                continue
            written = format_date(date, format="long", locale=locale)
            if written not in readings:
                readings.append(written)
        if readings:
            out.append(Detected(match.group(0), " / ".join(readings)))
    return out


DETECTORS: dict[str, Callable[[str, str, str], list[Detected]]] = {
    "imperial_units": imperial_units,
    "foreign_currency": foreign_currency,
    "numeric_dates": numeric_dates,
}


def number(value: float, language: str) -> str:
    return format_decimal(value, locale=locale_of(language))
