"""SPDX identifiers of the licences open educational resources use, and LicenseRef-* for others."""

import re

OPEN = {
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-3.0",
    "CC-BY-SA-3.0",
    "CC-BY-3.0-IGO",
    "CC-BY-SA-3.0-IGO",
    "CC-BY-NC-SA-3.0-IGO",
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "GPL-3.0-or-later",
    "AGPL-3.0-or-later",
    "LGPL-3.0-or-later",
    "MPL-2.0",
    "ODbL-1.0",
    "OFL-1.1",
    "Unlicense",
}
_REF = re.compile(r"^LicenseRef-[A-Za-z0-9.-]{1,52}$")


def valid(identifier: str) -> bool:
    return identifier in OPEN or bool(_REF.match(identifier))


def url(identifier: str) -> str:
    return f"https://spdx.org/licenses/{identifier}.html" if identifier in OPEN else identifier


_CC = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)(?:/(igo))?", re.IGNORECASE)
_CC0 = re.compile(r"creativecommons\.org/publicdomain/zero/1\.0", re.IGNORECASE)
_SPDX = re.compile(r"spdx\.org/licenses/([A-Za-z0-9.+-]+?)(?:\.html)?(?:[/?#]|$)")


def from_text(text: str) -> str | None:
    """The SPDX identifier a rights statement names: an identifier, an SPDX or CC URL."""
    for word in text.split():
        if valid(word):
            return word
    if match := _SPDX.search(text):
        return match.group(1) if valid(match.group(1)) else None
    if _CC0.search(text):
        return "CC0-1.0"
    if match := _CC.search(text):
        terms, number, igo = match.groups()
        identifier = f"CC-{terms.upper()}-{number}" + ("-IGO" if igo else "")
        return identifier if valid(identifier) else None
    return None
