"""The UI's language choice; words come from the one catalogue in kpi.catalogue."""

from __future__ import annotations

import streamlit as st

from kpi import catalogue
from kpi.catalogue import word

LANGUAGES = tuple(code.upper() for code in catalogue.LANGUAGES)
"""The language switch's options, as a link spells them (`?lang=EN`): every language of the catalogue."""


def language() -> str:
    """The chosen language's code (`nl`, `en`), from the language switch; Dutch by default."""
    code = str(st.session_state.get("lang") or "").lower()
    return code if code in catalogue.LANGUAGES else catalogue.DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The text for `key` in the chosen language."""
    return word(key, language(), **values)


def choose(options: object, many: bool = False) -> str:
    """A select's placeholder in the chosen language (Streamlit's own are English), also when there is no option."""
    if not options:
        return t("choose_none")
    return t("choose_many" if many else "choose_one")
