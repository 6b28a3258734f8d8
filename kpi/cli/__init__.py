"""The command line: `python -m kpi COMMAND`. One module per stage registers its commands.

Handlers import what they need when they run, so `--help` and small commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from kpi.catalogue import DEFAULT_LANGUAGE, languages
from kpi.cli import actions, consequences, delivery, metrics, opendata, settings, sources, views
from kpi.cli.common import printable_output, reader_gone

STAGES = (delivery, metrics, sources, opendata, settings, actions, consequences, views)


class _Languages:
    """The catalogue's languages for `--lang`, read only when one is given or help is shown: parsing the
    catalogue at every start would delay the reading process that a command starts first."""

    def __contains__(self, language: object) -> bool:
        return language in languages()

    def __iter__(self):
        return iter(languages())


def parser() -> argparse.ArgumentParser:
    """The argument parser with every stage's commands."""
    root = argparse.ArgumentParser(prog="python -m kpi", description="Techniekpact Monitor: data and KPIs.")
    root.add_argument(
        "--lang",
        choices=_Languages(),
        default=DEFAULT_LANGUAGE,
        metavar="LANG",
        help="language of messages (default nl)",
    )
    commands = root.add_subparsers(dest="command", required=True)
    for stage in STAGES:
        stage.register(commands)
    return root


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
    """Run one command; its exit status. Failures are one line on stderr (TECHNIEKPACT_DEBUG=1: the traceback);
    a reader that stops early (`| head`) ends it quietly with 141."""
    args = parser().parse_args(argv)
    with printable_output():  # values from files never reach the terminal as escape codes
        try:
            status = args.handler(args)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            return status
        except BrokenPipeError:
            return reader_gone()
        except KeyboardInterrupt:
            from kpi.catalogue import word

            print(word("cli.interrupted", args.lang), file=sys.stderr)
            return 130
        except Exception as error:
            if os.environ.get("TECHNIEKPACT_DEBUG"):
                raise
            import logging  # only here: a command that starts a reading process starts it 4 ms sooner

            logging.getLogger("kpi.cli").debug("command failed", exc_info=True)
            print(failure_line(error, args.lang), file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
