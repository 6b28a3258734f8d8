"""Every word the code asks for by a literal key is in the one catalogue, in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpi.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("kpi", "ui", "pages") for p in (ROOT / d).rglob("*.py")] + [ROOT / "dashboard.py"]
# t("key"), word("key", ...), and t(key="...") style calls with a plain string literal as the key
LITERAL_KEY = re.compile(r"""\b(?:t|word)\(\s*["']([a-z_][a-z0-9_.]*)["']""")


def literal_keys() -> list[tuple[str, str]]:
    """(file, key) for every catalogue lookup with a literal key."""
    return [
        (str(path.relative_to(ROOT)), key)
        for path in SOURCES
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    ]


def test_the_scan_finds_the_lookups():
    assert len(literal_keys()) > 100  # the scan itself works: the code asks for hundreds of words


@pytest.mark.parametrize(("where", "key"), sorted(set(literal_keys())))
def test_literal_key_is_in_the_catalogue(where, key):
    assert key in catalogue(), f"{where} asks for '{key}', which kpi/words.toml does not have"


def test_every_entry_has_dutch_and_english():
    missing = [key for key, entry in catalogue().items() if not entry.get("nl") or not entry.get("en")]
    assert missing == []


def test_every_kpi_has_every_word_the_others_have():
    from kpi.metrics.registry import KPIS

    words = {k.id: {key.rsplit(".", 1)[1] for key in catalogue() if key.startswith(f"kpi.{k.id}.")} for k in KPIS}
    needed = set().union(*words.values())
    assert {"label", "definition", "responsible"} <= needed
    assert {kpi: needed - have for kpi, have in words.items() if needed - have} == {}
