"""Pages run only inside the frame (dashboard.py); a deep link that arrives outside it is sent through it.

Streamlit treats a folder named `pages/` as an old-style multipage app until the frame's `st.navigation` has run
once in the process, so on a freshly started server the first visit to `/verkenner` would run the page bare:
no sections, no login, no language switch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

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
    """Rerun through the frame when a page was started without it."""
    if not getattr(_run, "framed", False):
        PagesManager.uses_pages_directory = False  # what the frame's st.navigation call would have set
        st.rerun()
