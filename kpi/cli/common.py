"""Small helpers the command modules share: filter arguments, who is acting, printable output."""

from __future__ import annotations

import argparse
import contextlib
import gc
import getpass
import os
import sys
from collections.abc import Iterator
from typing import TextIO

ENDS_WITH_COMMAND = False
"""True in `python -m kpi`, whose process ends after its one command (tests run commands inside pytest)."""


@contextlib.contextmanager
def loading_modules() -> Iterator[None]:
    """Load modules without garbage collection; in `python -m kpi` what they loaded is frozen afterwards."""
    # pandas and SQLAlchemy leave no cycles worth 200 collections (65-100 ms); frozen, the loaded objects are no
    # longer walked by later collections (a gen-2 pass costs 15 ms). Freezing in a longer process would keep
    # its garbage for good, so only the command line does.
    gc.disable()
    try:
        yield
    finally:
        if ENDS_WITH_COMMAND:
            gc.freeze()
        gc.enable()


def add_filters(sub: argparse.ArgumentParser) -> None:
    """The shared filter arguments: year, school, route, level."""
    sub.add_argument("--year", type=int)
    sub.add_argument("--school", action="append", default=[], metavar="BRIN")
    sub.add_argument("--route")
    sub.add_argument("--level", action="append", default=[])


def actor(args: argparse.Namespace) -> str:
    """Who acts: `--by`, else the logged-in user of the machine."""
    return getattr(args, "by", None) or getpass.getuser()


class _Printable:
    """A text stream that writes only printable text: no terminal codes from a file's values reach the terminal."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        from kpi.views.safety import printable

        self._stream.write(printable(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def printable_output() -> Iterator[None]:
    """While a command runs, everything it prints to stdout and stderr has control characters removed."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(out), _Printable(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


BROKEN_PIPE = 141
"""Exit status when the reader went away (`python -m kpi audit | head`): 128 + SIGPIPE, as shells report it."""


def reader_gone() -> int:
    """Stdout's reader closed the pipe: stop quietly; later writes (and the flush at exit) go to /dev/null."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())
    except (OSError, AttributeError, ValueError):  # no real stdout to redirect (e.g. captured in tests)
        pass
    return BROKEN_PIPE
