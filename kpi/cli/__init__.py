"""The command line: `python -m kpi COMMAND`. One module per stage registers its commands.

Handlers import what they need when they run, so `--help` and small commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Iterator
from typing import TextIO

from kpi.catalogue import DEFAULT_LANGUAGE, LANGUAGES
from kpi.cli import actions, delivery, metrics, settings, sources

STAGES = (delivery, metrics, sources, settings, actions)


def parser() -> argparse.ArgumentParser:
    """The argument parser with every stage's commands."""
    root = argparse.ArgumentParser(prog="python -m kpi", description="Techniekpact Monitor: data and KPIs.")
    root.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of messages (default nl)")
    commands = root.add_subparsers(dest="command", required=True)
    for stage in STAGES:
        stage.register(commands)
    return root


TERMINAL_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)
"""Escape sequences and control characters (tab and newline excepted): a value from a file may not steer the
terminal (colours, cursor moves, a title, a carriage return that hides a line)."""


class PrintableStream(io.TextIOBase):
    """A text stream that passes everything but terminal control characters."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(TERMINAL_CONTROLS.sub("", text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


@contextlib.contextmanager
def printable_output() -> Iterator[None]:
    """Strip terminal control characters from everything the command prints."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def failure_line(error: Exception, language: str) -> str:
    """One line in the user's language for a command that failed: never a traceback."""
    from kpi.catalogue import word

    text = str(getattr(error, "orig", None) or error).splitlines()[0][:200] if str(error) else ""
    detail = f"{type(getattr(error, 'orig', None) or error).__name__}: {text}" if text else type(error).__name__
    kind = type(error).__module__.split(".")[0]
    if kind == "sqlalchemy" and "locked" in text:
        return word("cli.failure_busy", language)
    if kind in ("sqlalchemy", "psycopg", "sqlite3"):
        return word("cli.failure_database", language, detail=detail)
    return word("cli.failure_other", language, detail=detail)


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status. Failures are one line on stderr (TECHNIEKPACT_DEBUG=1: the traceback)."""
    args = parser().parse_args(argv)
    with printable_output():
        try:
            return args.handler(args)
        except KeyboardInterrupt:
            from kpi.catalogue import word

            print(word("cli.interrupted", args.lang), file=sys.stderr)
            return 130
        except Exception as error:
            if os.environ.get("TECHNIEKPACT_DEBUG"):
                raise
            logging.getLogger("kpi.cli").debug("command failed", exc_info=True)
            print(failure_line(error, args.lang), file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
