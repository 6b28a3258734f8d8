"""BRIN codes: 2 ASCII digits, 2 ASCII letters, optionally 2 ASCII digits for a location; look-alikes named."""

from __future__ import annotations

import re
import unicodedata

from kpi.settings import register

_BRIN = register.BRIN  # ASCII only: `\d` would also accept Arabic-Indic or full-width digits: a second identity
BRIN_PATTERN = _BRIN.pattern
# Letters that look like Latin capitals but are Cyrillic or Greek (upper-cased first).
_CONFUSABLE = str.maketrans("АВЕКМНОРСТХΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEKMHOPCTXABEZHIKMNOPTYX")


def normalised_brin(text: str) -> str:
    """Upper-cased, white space removed; nothing else changed (a look-alike stays a look-alike)."""
    return re.sub(r"\s+", "", text).upper()


def is_brin(code: str) -> bool:
    """True for an institution (`14SM`) or a location (`14SM05`) in plain ASCII."""
    return _BRIN.fullmatch(code) is not None


def covers(account: str, code: str) -> bool:
    """An institution code covers all its locations; a location code only itself. Never true for a non-BRIN."""
    if not is_brin(account) or not is_brin(code):
        return False
    return code == account or (len(account) == 4 and code[:4] == account)


def _ascii_twin(character: str) -> str | None:
    folded = unicodedata.normalize("NFKC", character).upper()
    if folded.isascii() and folded.isalnum():
        return folded
    if unicodedata.digit(character, None) is not None:
        return str(unicodedata.digit(character))
    twin = character.upper().translate(_CONFUSABLE)
    return twin if twin.isascii() else None


def lookalikes(text: str) -> list[str]:
    """Each non-ASCII character, named, with the ASCII character it stands in for: `'٠' (U+0660 ...) ≈ '0'`."""
    described = []
    for character in dict.fromkeys(c for c in text if not c.isascii()):
        name = unicodedata.name(character, "?")
        twin = _ascii_twin(character)
        named = f"'{character}' (U+{ord(character):04X} {name})"
        described.append(f"{named} ≈ '{twin}'" if twin else named)
    return described
