"""Commands for settings: accounts and the techniek/ICT reference table."""

from __future__ import annotations

import argparse
import getpass
import sys

from kpi.catalogue import word
from kpi.codes import ROLES

MIN_PASSWORD = 10


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    user = commands.add_parser("user", help="add or replace an account (password asked, or read from stdin)")
    user.add_argument("action", choices=["add"])
    user.add_argument("name")
    user.add_argument("--role", choices=ROLES, required=True)
    user.add_argument("--brin", action="append", default=[], help="for role school: a BRIN it may deliver for")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(handler=_user)

    reference = commands.add_parser(
        "reference", help="program names in the stored data that the techniek/ICT table does not know"
    )
    reference.set_defaults(handler=_reference)


def _user(args: argparse.Namespace) -> int:
    from kpi.settings.users import add_user, users_file

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(word("cli.password_prompt", args.lang))
    if len(password) < MIN_PASSWORD:
        print(word("cli.password_short", args.lang, length=MIN_PASSWORD), file=sys.stderr)
        return 1
    try:
        add_user(args.name, password, args.role, tuple(args.brin))
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(word("cli.account_saved", args.lang, name=args.name, role=args.role, path=users_file()))
    return 0


def _reference(_args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics import facts

    print(facts.unknown_program_names(engine_for()).to_string(index=False))
    return 0
