"""The command line: `python -m kpi import|kpis|export|template|history|restore|demo|reference`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kpi.delivery.ingest import checked_file
from kpi.delivery.messages import report_lines
from kpi.delivery.storage import DeliveryMeta, delivery_history, engine_for, restore, store_many
from kpi.delivery.template import template_bytes
from kpi.metrics import facts as facts_module
from kpi.metrics.compute import kpi_values
from kpi.metrics.facts import Filters, load_facts
from kpi.metrics.targets import TargetsError, load_targets
from kpi.settings.users import add_user, users_file
from kpi.sources.demo import load_demo, retire_demo
from kpi.sources.duo import duo_exam_rows, read_duo_exams
from kpi.views.export import write_export
from kpi.views.report import results_csv, results_json, results_table


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Techniekpact Monitor: data and KPIs.")
    parser.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of messages (default nl)")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="validate and store deliveries")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--as", dest="as_school", metavar="BRIN", help="the files may only hold this school's data")
    imp.add_argument("--by", default=None, help="who delivers (default: the current user)")

    def filters(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--year", type=int)
        sub.add_argument("--school", action="append", default=[], metavar="BRIN")
        sub.add_argument("--route")
        sub.add_argument("--level", action="append", default=[])

    kpis = commands.add_parser("kpis", help="KPI values")
    filters(kpis)
    kpis.add_argument("--format", choices=["table", "csv", "json"], default="table")

    export = commands.add_parser("export", help="stored facts to .xlsx or .csv, safe to open")
    export.add_argument("out", type=Path)
    filters(export)

    template = commands.add_parser("template", help="write the delivery template")
    template.add_argument("out", type=Path)

    commands.add_parser("history", help="list deliveries")
    rest = commands.add_parser("restore", help="make an earlier delivery current again")
    rest.add_argument("id", type=int)
    rest.add_argument("--by", default=None)
    demo = commands.add_parser("demo", help="fill an empty database with the demo data set")
    demo.add_argument(
        "--retire", action="store_true", help="stop counting the demo set (before going live); it stays in the history"
    )
    demo.add_argument("--by", default=None)
    user = commands.add_parser("user", help="add or replace an account (password asked, or read from stdin)")
    user.add_argument("action", choices=["add"])
    user.add_argument("name")
    user.add_argument("--role", choices=["viewer", "school", "analyst", "admin"], required=True)
    user.add_argument("--brin", action="append", default=[], help="for role school: a BRIN it may deliver for")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    duo = commands.add_parser("duo-examens", help="turn DUO's exam open data (CSV) into a delivery workbook")
    duo.add_argument("source", type=Path)
    duo.add_argument("out", type=Path)
    duo.add_argument("--gemeente", action="append", default=[], help="keep these municipalities only (e.g. HILVERSUM)")
    commands.add_parser("reference", help="program names in the stored data that the techniek/ICT table does not know")
    return parser


def _import(args: argparse.Namespace) -> int:
    by = args.by or getpass.getuser()
    checked, refused = [], False
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as error:
            print(f"{path}: {error.strerror}", file=sys.stderr)
            refused = True
            continue
        result = checked_file(data, path.name, args.as_school)
        checked.append(result)
        lines = report_lines(result.problems, args.lang)
        if lines:
            stream = sys.stderr if result.errors else sys.stdout
            print(f"== {path}", *lines, sep="\n", file=stream)
        refused |= not result.ok
    if refused:
        print(
            "geweigerd: er is niets opgeslagen" if args.lang == "nl" else "refused: nothing was stored", file=sys.stderr
        )
        return 1
    results = store_many(engine_for(), [(c.frames, DeliveryMeta(c.file_name, c.sha256, by)) for c in checked])
    for c, result in zip(checked, results, strict=True):
        if result.unchanged:
            print(f"{c.file_name}: ongewijzigd (dit bestand is al aangeleverd) / unchanged (already delivered)")
        else:
            stored = ", ".join(f"{k} {v}" for k, v in result.stored.items())
            replaced = sum(result.replaced.values())
            print(f"{c.file_name}: opgeslagen als levering {result.delivery_id} ({stored}; {replaced} rijen vervangen)")
    return 0


def _kpis(args: argparse.Namespace) -> int:
    try:
        targets = load_targets()
    except TargetsError as error:
        print(str(error), file=sys.stderr)
        return 1
    filters = Filters(tuple(args.school), (args.route,) if args.route else (), tuple(args.level))
    results = kpi_values(load_facts(engine_for()), targets, filters, args.year, args.lang)
    if args.format == "json":
        print(results_json(results))
    elif args.format == "csv":
        sys.stdout.write(results_csv(results).decode("utf-8-sig"))
    else:
        print(results_table(results))
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        write_export(
            args.out, facts_module.filtered_sheets(engine_for(), args.year, args.school, args.route, args.level)
        )
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(f"export: {args.out}")
    return 0


def _template(args: argparse.Namespace) -> int:
    args.out.write_bytes(template_bytes())
    print(f"template: {args.out}")
    return 0


def _history(args: argparse.Namespace) -> int:
    history = delivery_history(engine_for())
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        print(history.to_string(index=False) if not history.empty else "(geen leveringen / no deliveries)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    try:
        result = restore(engine_for(), args.id, args.by or getpass.getuser())
    except KeyError:
        print(f"onbekende levering / unknown delivery: {args.id}", file=sys.stderr)
        return 1
    print(f"levering {args.id} hersteld als levering {result.delivery_id}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.retire:
        rows = retire_demo(engine_for(), args.by or getpass.getuser())
        print(f"demogegevens telt niet meer mee ({rows} regels) / demo data retired ({rows} rows)")
        return 0
    loaded = load_demo(engine_for())
    print(
        "demo geladen / demo loaded" if loaded else "database niet leeg: demo niet geladen / not empty: demo not loaded"
    )
    return 0


def _user(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("wachtwoord / password: ")
    if len(password) < 10:
        print(
            "kies een wachtwoord van minstens 10 tekens / choose a password of at least 10 characters", file=sys.stderr
        )
        return 1
    try:
        add_user(args.name, password, args.role, tuple(args.brin))
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"account {args.name} ({args.role}) opgeslagen in {users_file()}")
    return 0


def _reference(args: argparse.Namespace) -> int:
    print(facts_module.unknown_program_names(engine_for()).to_string(index=False))
    return 0


def _duo_exams(args: argparse.Namespace) -> int:
    rows = duo_exam_rows(read_duo_exams(args.source), tuple(args.gemeente))
    with pd.ExcelWriter(args.out, engine="openpyxl") as writer:
        rows.to_excel(writer, sheet_name="leerlingen", index=False)
    print(
        f"{args.out}: {len(rows)} regels / rows (leerlingen, gediplomeerd); lever aan met: python -m kpi import {args.out}"
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": _import, "kpis": _kpis, "export": _export, "template": _template, "history": _history,
    "restore": _restore, "demo": _demo, "user": _user, "reference": _reference, "duo-examens": _duo_exams,
}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
