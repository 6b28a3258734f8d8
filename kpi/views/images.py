"""Plotly figures to PNG or SVG with kaleido, on the system's Chromium (no browser download)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import plotly.graph_objects as go

SYSTEM_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ChartsUnavailable(RuntimeError):
    """No Chromium to draw charts with; the message says what to install."""


def browser_path() -> str | None:
    """The browser kaleido drives: BROWSER_PATH when set, else Debian's chromium."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen and Path(chosen).exists():
        return chosen
    found = next((p for p in SYSTEM_BROWSERS if Path(p).exists()), None)
    return found or shutil.which("chromium") or shutil.which("chromium-browser")


def chart_images(
    figures: list[go.Figure], fmt: str = "png", width: int = 1000, height: int = 480, scale: float = 2
) -> list[bytes]:
    """Every figure as image bytes, drawn in ONE browser session (starting Chromium is the slow part)."""
    if not figures:
        return []
    browser = browser_path()
    if browser is None:
        raise ChartsUnavailable("chromium")
    os.environ["BROWSER_PATH"] = browser  # choreographer (kaleido's browser driver) reads it
    import kaleido  # imported here: it is only needed when a pack is drawn

    with tempfile.TemporaryDirectory(prefix="tp-charts-") as folder:
        jobs = [
            {
                "fig": figure.to_dict(),
                "path": str(Path(folder) / f"{index:03d}.{fmt}"),
                "opts": {"format": fmt, "width": width, "height": height, "scale": scale},
            }
            for index, figure in enumerate(figures)
        ]
        # mathjax=False: nothing is fetched from the internet; plotly.js comes from the installed plotly.
        kaleido.write_fig_from_object_sync(jobs, kopts={"mathjax": False}, cancel_on_error=True)
        return [Path(job["path"]).read_bytes() for job in jobs]
