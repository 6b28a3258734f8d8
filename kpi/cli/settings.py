"""Commands for settings: the school register, accounts, the audit log and the techniek/ICT reference table."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from kpi.catalogue import word
from kpi.cli.common import actor
from kpi.codes import ROLES


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    user = commands.add_parser("user", help="accounts: add (or replace), list, remove")
    verbs = user.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="add or replace an account (password asked, or read from stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=list(ROLES), required=True)
    add.add_argument("--brin", action="append", default=[], help="for role school: a registered BRIN it delivers for")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--by", default=None)
    add.set_defaults(handler=_user_add)
    listing = verbs.add_parser("list", help="every account (never a password)")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.set_defaults(handler=_user_list)
    remove = verbs.add_parser("remove", help="remove an account")
    remove.add_argument("name")
    remove.add_argument("--by", default=None)
    remove.set_defaults(handler=_user_remove)

    school = commands.add_parser("school", help="the school register: add, import, list, retire")
    verbs = school.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="register a school (4-character institution or 6-character location)")
    add.add_argument("brin")
    add.add_argument("--naam", required=True)
    add.add_argument("--gemeente", default="")
    add.add_argument("--soort", choices=["po", "vo", "mbo", "hbo"], default="")
    add.add_argument("--by", default=None)
    add.set_defaults(handler=_school_add)
    imp = verbs.add_parser("import", help="register many at once from a CSV: brin;naam;gemeente;soort")
    imp.add_argument("file", type=Path)
    imp.add_argument("--by", default=None)
    imp.set_defaults(handler=_school_import)
    listing = verbs.add_parser("list", help="the register")
    listing.add_argument("--format", choices=["table", "csv", "json"], default="table")
    listing.set_defaults(handler=_school_list)
    retire = verbs.add_parser("retire", help="no new deliveries for it; its history stays and keeps counting")
    retire.add_argument("brin")
    retire.add_argument("--by", default=None)
    retire.set_defaults(handler=_school_retire)

    audit = commands.add_parser("audit", help="the audit log, newest first")
    audit.add_argument("--format", choices=["table", "json"], default="table")
    audit.set_defaults(handler=_audit)

    reference = commands.add_parser(
        "reference", help="program names in the stored data that the techniek/ICT table does not know"
    )
    reference.set_defaults(handler=_reference)


def _engine():
    from kpi.delivery.storage import engine_for

    return engine_for()


def _error(args: argparse.Namespace, namespace: str, error) -> int:

    print(word(f"{namespace}.{error.code}", args.lang, **error.params), file=sys.stderr)
    return 1


def _password(args: argparse.Namespace) -> str | None:
    """From stdin with --password-stdin, else asked on the terminal; None when there is neither."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        return None
    try:
        return getpass.getpass(word("cli.password_prompt", args.lang))
    except (EOFError, KeyboardInterrupt):
        return None


def _user_add(args: argparse.Namespace) -> int:
    from kpi.settings.users import AccountError, add_user

    password = _password(args)
    if password is None:
        print(word("accounts.no_password", args.lang), file=sys.stderr)
        return 1
    try:
        user = add_user(_engine(), args.name, password, args.role, tuple(args.brin), actor(args))
    except AccountError as error:
        return _error(args, "accounts", error)
    print(word("accounts.saved", args.lang, name=user.name, role=user.role))
    return 0


def _user_list(args: argparse.Namespace) -> int:
    from kpi.settings.users import user_list

    listed = user_list(_engine())
    if args.format == "json":
        print(json.dumps(listed, ensure_ascii=False, indent=1))
        return 0
    if not listed:
        return 0
    from kpi.views.formatting import moment, text_table

    heads = [word(f"cli.head.{h}", args.lang) for h in ("account", "role", "schools", "changed_at")]
    rows = [(a["name"], a["role"], ", ".join(a["schools"]) or "-", moment(a["updated_at"])) for a in listed]
    print(text_table(dict(zip(heads, zip(*rows, strict=True), strict=True))))
    return 0


def _user_remove(args: argparse.Namespace) -> int:
    from kpi.settings.users import AccountError, remove_user

    try:
        remove_user(_engine(), args.name, actor(args))
    except AccountError as error:
        return _error(args, "accounts", error)
    print(word("accounts.removed", args.lang, name=_clean(args.name)))
    return 0


def _school_add(args: argparse.Namespace) -> int:
    from kpi.settings.register import RegisterError, add_school

    try:
        school = add_school(_engine(), args.brin, args.naam, args.gemeente, args.soort, actor(args))
    except RegisterError as error:
        return _error(args, "register", error)
    print(word("register.added", args.lang, brin=school.brin, naam=_clean(school.naam)))
    return 0


def _school_import(args: argparse.Namespace) -> int:
    from kpi.settings.register import ImportProblems, import_schools

    try:
        changed, total = import_schools(_engine(), args.file.read_bytes(), actor(args))
    except OSError as error:
        print(word("cli.unreadable", args.lang, path=args.file, reason=error.strerror), file=sys.stderr)
        return 1
    except ImportProblems as problems:
        for line, problem in problems.problems:
            message = _clean(word(f"register.{problem.code}", args.lang, **problem.params))
            print(word("register.line", args.lang, line=line, message=message) if line else message, file=sys.stderr)
        print(word("register.nothing_stored", args.lang), file=sys.stderr)
        return 1
    print(word("register.imported", args.lang, count=changed, total=total))
    return 0


def _school_list(args: argparse.Namespace) -> int:
    import csv

    from kpi.settings.register import school_register

    schools = school_register(_engine())
    if args.format == "json":
        print(json.dumps([s.as_json() for s in schools], ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(["brin", "naam", "gemeente", "soort", "gecontroleerd", "uit_dienst"])
        writer.writerows([s.brin, s.naam, s.gemeente, s.soort, s.verified, s.retired] for s in schools)
    elif schools:
        from kpi.views.formatting import text_table

        rows = [
            (
                s.brin,
                _clean(s.naam),
                _clean(s.gemeente) or "-",
                s.soort or "-",
                word("register.retired_word" if s.retired else "register.active", args.lang),
                word("register.verified" if s.verified else "register.placeholder", args.lang),
            )
            for s in schools
        ]
        heads = [word(f"cli.head.{h}", args.lang) for h in ("brin", "name", "municipality", "sector", "state", "check")]
        print(text_table(dict(zip(heads, zip(*rows, strict=True), strict=True))))
    return 0


def _school_retire(args: argparse.Namespace) -> int:
    from kpi.settings.register import RegisterError, retire_school

    try:
        school = retire_school(_engine(), args.brin, actor(args))
    except RegisterError as error:
        return _error(args, "register", error)
    print(word("register.retired", args.lang, brin=school.brin))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from kpi.settings.audit import audit_entries

    entries = audit_entries(_engine())
    if args.format == "json":
        for entry in entries:
            entry["at"] = entry["at"].isoformat(timespec="seconds")
        print(json.dumps(entries, ensure_ascii=False, indent=1, default=str))
        return 0
    if not entries:
        print(word("audit.empty", args.lang))
        return 0
    from kpi.views.formatting import text_table
    from kpi.views.records import audit_table

    print(text_table(audit_table(entries, args.lang)))
    return 0


def _clean(text: str) -> str:
    """No terminal escape codes from stored values."""
    return "".join(c if c.isprintable() or c == " " else "?" for c in str(text))


def _reference(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics import facts
    from kpi.views.formatting import text_table

    unknown = facts.unknown_program_names(engine_for())
    print(text_table(unknown) if not unknown.empty else word("cli.no_unknown_programs", args.lang))
    return 0
