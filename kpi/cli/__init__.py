"""The command line: `python -m kpi COMMAND`. One module per stage registers its commands.

Handlers import what they need when they run, so `--help` and small commands start fast.
"""

from __future__ import annotations

import argparse
import sys

from kpi.catalogue import DEFAULT_LANGUAGE, LANGUAGES
from kpi.cli import actions, consequences, delivery, metrics, opendata, settings, sources
from kpi.cli.common import printable_output

STAGES = (delivery, metrics, sources, opendata, settings, actions, consequences)


def parser() -> argparse.ArgumentParser:
    """The argument parser with every stage's commands."""
    root = argparse.ArgumentParser(prog="python -m kpi", description="Techniekpact Monitor: data and KPIs.")
    root.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of messages (default nl)")
    commands = root.add_subparsers(dest="command", required=True)
    for stage in STAGES:
        stage.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status."""
    args = parser().parse_args(argv)
    with printable_output():  # values from files never reach the terminal as escape codes
        return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
