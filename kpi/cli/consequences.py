"""Commands for what makes numbers trustworthy over time: targets, fixed baselines, techniek table, meetings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from kpi.cli.common import actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    baseline = commands.add_parser(
        "nulmeting", help="fix (or release) the measured baselines targets are computed from"
    )
    baseline.add_argument("action", choices=["vastleggen", "loslaten"])
    baseline.add_argument("--kpi", action="append", default=[], metavar="ID", help="this KPI only (repeatable)")
    baseline.add_argument("--by", default=None)
    baseline.set_defaults(handler=_baseline)

    target = commands.add_parser("doel", help="list, set or remove targets (audited)")
    target.add_argument("action", choices=["list", "set", "remove"])
    target.add_argument("kpi", nargs="?", metavar="KPI")
    target.add_argument("--target-year", type=int)
    target.add_argument("--baseline-year", type=int)
    target.add_argument("--rule", choices=["growth", "at_least", "at_most", "increase", "decrease"])
    target.add_argument("--target", dest="amount", default="", help="e.g. 10%%, 0.8 or 30; empty for increase/decrease")
    target.add_argument("--source", default="")
    target.add_argument("--format", choices=["table", "json"], default="table")
    target.add_argument("--by", default=None)
    target.set_defaults(handler=_target)

    techniek = commands.add_parser("techniek", help="classify a program name as techniek/ICT or not (audited)")
    techniek.add_argument("name")
    choice = techniek.add_mutually_exclusive_group(required=True)
    choice.add_argument("--ja", "--yes", dest="techniek", action="store_true")
    choice.add_argument("--nee", "--no", dest="techniek", action="store_false")
    techniek.add_argument("--soort", default="")
    techniek.add_argument("--toelichting", default="")
    techniek.add_argument("--by", default=None)
    techniek.set_defaults(handler=_techniek)

    meeting = commands.add_parser("vergadering", help="mark a meeting, list them, or show what changed since one")
    meeting.add_argument("action", choices=["add", "list", "changes"])
    meeting.add_argument("what", nargs="?", help="add: the meeting's name; changes: its id")
    meeting.add_argument("--date", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
    meeting.add_argument("--format", choices=["table", "json"], default="table")
    meeting.add_argument("--by", default=None)
    meeting.set_defaults(handler=_meeting)


def _baseline(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.metrics.baselines import fix_baselines, release_baselines

    engine = engine_for()
    try:
        if args.action == "loslaten":
            from kpi.metrics.registry import REGISTRY

            print(release_baselines(engine, actor(args), args.kpi or list(REGISTRY)))
            return 0
        fixed = fix_baselines(engine, actor(args), args.kpi)
    except KeyError as error:
        print(f"onbekende KPI / unknown KPI: {error.args[0]}", file=sys.stderr)
        return 1
    for line in fixed.to_dict("records"):
        value = "-" if line["new"] is None else f"{line['new']:.6g}"
        outcome = word(f"nulmeting.outcome.{line['outcome']}", args.lang)
        print(f"{line['kpi']}  {line['baseline_year']} -> {line['target_year']}  {value}  {outcome}")
    return 0


def _target(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics.targets import TargetsError, audit_value, checked_target, load_targets, remove_target, set_target

    engine = engine_for()
    if args.action == "list":
        targets = [audit_value(t) for ts in load_targets(engine).values() for t in ts]
        if args.format == "json":
            print(json.dumps(targets, ensure_ascii=False, indent=1, default=str))
        else:
            for t in targets:
                fixed = "" if t["fixed_baseline"] is None else f"  nulmeting vastgesteld: {t['fixed_baseline']:.6g}"
                amount = "" if t["amount"] is None else f" {t['amount']:g}"
                print(f"{t['kpi']}  {t['baseline_year']} -> {t['target_year']}  {t['rule']}{amount}{fixed}")
        return 0
    if not args.kpi or args.target_year is None:
        print("KPI en --target-year zijn nodig / KPI and --target-year are required", file=sys.stderr)
        return 2
    if args.action == "remove":
        return 0 if remove_target(engine, args.kpi, args.target_year, actor(args)) else 1
    if args.baseline_year is None or args.rule is None:
        print("--baseline-year en --rule zijn nodig / are required", file=sys.stderr)
        return 2
    try:
        target = checked_target(args.kpi, args.baseline_year, args.target_year, args.rule, args.amount, args.source)
    except TargetsError as error:
        print(str(error), file=sys.stderr)
        return 1
    set_target(engine, target, actor(args))
    print(f"{target.kpi} {target.target_year}: opgeslagen / saved")
    return 0


def _techniek(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.settings.reference import classify_program

    try:
        classify_program(engine_for(), args.name, args.techniek, actor(args), args.soort, args.toelichting)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(f"{args.name}: {'techniek/ICT' if args.techniek else 'geen techniek/ICT'}")
    return 0


def _meeting(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics.meetings import changes_since, mark_meeting, meeting_list

    engine = engine_for()
    if args.action == "add":
        if not args.what:
            print("geef een naam / give a name", file=sys.stderr)
            return 2
        print(mark_meeting(engine, args.what, args.date or dt.date.today(), actor(args)))
        return 0
    if args.action == "list":
        print(meeting_list(engine).to_string(index=False))
        return 0
    try:
        changes = changes_since(engine, int(args.what or 0))
    except (KeyError, ValueError):
        print(f"onbekende vergadering / unknown meeting: {args.what}", file=sys.stderr)
        return 1
    if args.format == "json":
        out = {
            "meeting": changes.meeting,
            "kpis": json.loads(changes.kpis.to_json(orient="records", date_format="iso")),
            "causes": json.loads(changes.causes.to_json(orient="records", date_format="iso")),
        }
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    else:
        print(changes.kpis.to_string(index=False), changes.causes.to_string(index=False), sep="\n\n")
    return 0
