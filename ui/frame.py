"""Pages run only inside the frame (dashboard.py); a page started without it runs the frame instead.

Streamlit treats a folder named `pages/` as an old-style multipage app until the frame's `st.navigation` has run
once in the process (and AppTest resets that on every run), so the first visit to `/verkenner` on a freshly
started server would run the page bare: no sections, no login, no language switch.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

FRAME = Path(__file__).resolve().parent.parent / "dashboard.py"
_run = threading.local()  # each script run has its own thread


@contextmanager
def framed() -> Iterator[None]:
    """Mark the page run as happening inside the frame."""
    _run.framed = True
    try:
        yield
    finally:
        _run.framed = False


def require_frame() -> None:
    """Run the frame (which runs this page inside it) when a page was started without it, then stop."""
    if not getattr(_run, "framed", False):
        PagesManager.uses_pages_directory = False  # what the frame's st.navigation call sets
        runpy.run_path(str(FRAME), run_name="__main__")
        st.stop()
