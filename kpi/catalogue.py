"""The one catalogue of user-facing words (`kpi/words.toml`) and the one way to look them up."""

from __future__ import annotations

import functools
from pathlib import Path

DEFAULT_LANGUAGE = "nl"
CATALOGUE_FILE = Path(__file__).with_name("words.toml")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every entry: key -> {language: text}."""
    import tomllib

    with CATALOGUE_FILE.open("rb") as file:
        return dict(_entries(tomllib.load(file)))


def _entries(table: dict, prefix: str = ""):
    """Nested TOML tables (`[status.gehaald]`) become dotted keys (`status.gehaald`)."""
    for key, value in table.items():
        if DEFAULT_LANGUAGE in value and isinstance(value[DEFAULT_LANGUAGE], str):
            yield prefix + key, value
        else:
            yield from _entries(value, f"{prefix}{key}.")


class WordedError(ValueError):
    """An error whose message is a catalogue entry: raised with a key and values, worded at the edge."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, language: str = DEFAULT_LANGUAGE) -> str:
        return word(self.key, language, **self.values)

    def __str__(self) -> str:
        return self.text()


@functools.cache
def languages() -> tuple[str, ...]:
    """Every language the catalogue speaks, Dutch first: a language is added by adding its lines to words.toml."""
    found = dict.fromkeys(language for entry in catalogue().values() for language in entry)
    return (DEFAULT_LANGUAGE, *(language for language in found if language != DEFAULT_LANGUAGE))


def separators(language: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """The decimal and the thousands separator of a language (`number.decimal`, `number.thousands`)."""
    return word("number.decimal", language), word("number.thousands", language)


def word(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `language` (Dutch when that language lacks it), placeholders filled."""
    entry = catalogue()[key]
    text = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def __getattr__(name: str) -> tuple[str, ...]:
    """`LANGUAGES`, every language of the catalogue with Dutch first, read on first use."""
    # lazily, so a process that shows no words (the reading child) never parses the catalogue
    if name == "LANGUAGES":
        return languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
