"""Machine translation backends, in the manner of Weblate: small classes with a name, the
languages they serve and ``translate``. None is on unless the node's settings list it
(``EDUBRIDGE_MT_BACKENDS``); the LibreTranslate one calls only the URL an operator gives.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from edubridge.core.models import Organisation
from edubridge.localization import memory


@dataclass(frozen=True)
class Suggestion:
    text: str
    score: int
    backend: str


class Backend:
    name = ""
    # Base languages served; empty means any.
    languages: frozenset[str] = frozenset()

    def serves(self, source: str, target: str) -> bool:
        wanted = {source.split("-")[0], target.split("-")[0]}
        return not self.languages or wanted <= self.languages

    def translate(
        self, text: str, source: str, target: str, organisation: Organisation
    ) -> list[Suggestion]:
        raise NotImplementedError


class MemoryBackend(Backend):
    """The organisation's translation memory, as a backend: no network at all."""

    name = "Translation memory"

    def translate(
        self, text: str, source: str, target: str, organisation: Organisation
    ) -> list[Suggestion]:
        return [
            Suggestion(m.target, m.score, self.name)
            for m in memory.lookup(organisation, source, target, text)
        ]


class LibreTranslate(Backend):
    """A LibreTranslate-compatible server (``POST /translate``), e.g. one the node runs."""

    name = "LibreTranslate"

    def __init__(self, url: str, api_key: str = "", timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def translate(
        self, text: str, source: str, target: str, organisation: Organisation
    ) -> list[Suggestion]:
        payload: dict[str, Any] = {
            "q": text,
            "source": source.split("-")[0],
            "target": target.split("-")[0],
            "format": "html" if "<" in text else "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 - the operator's configured URL
            f"{self.url}/translate",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(1_000_000))
        except (urllib.error.URLError, TimeoutError, ValueError, OSError):
            return []
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        return [Suggestion(translated, 0, self.name)] if isinstance(translated, str) else []


def backends() -> list[Backend]:
    """The backends the settings enable: dotted paths, or (path, keyword arguments) pairs."""
    out = []
    for entry in getattr(settings, "EDUBRIDGE_MT_BACKENDS", []):
        path, options = (entry, {}) if isinstance(entry, str) else entry
        out.append(import_string(path)(**options))
    return out


def suggest(text: str, source: str, target: str, organisation: Organisation) -> list[Suggestion]:
    out: list[Suggestion] = []
    for backend in backends():
        if backend.serves(source, target):
            out.extend(backend.translate(text, source, target, organisation))
    return out
