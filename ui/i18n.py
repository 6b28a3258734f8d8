"""The UI's language choice; words come from the one catalogue in kpi.catalogue."""

from __future__ import annotations

import streamlit as st

from kpi.catalogue import word

LANGUAGES = {"NL": "Nederlands", "EN": "English"}


def language() -> str:
    """`nl` or `en`, from the language switch (default Dutch)."""
    return "en" if st.session_state.get("lang") == "EN" else "nl"


def t(key: str, **values: object) -> str:
    """The text for `key` in the chosen language."""
    return word(key, language(), **values)
