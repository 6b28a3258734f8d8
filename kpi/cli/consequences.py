"""Commands for what makes numbers trustworthy over time: targets, fixed baselines, techniek table, meetings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from kpi.catalogue import word
from kpi.cli.common import actor
from kpi.clock import local_today


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
    import pandas as pd

    from kpi.delivery.storage import engine_for
    from kpi.metrics.baselines import fix_baselines, release_baselines
    from kpi.views.formatting import plain_value, school_year, text_table

    engine = engine_for()
    try:
        if args.action == "loslaten":
            from kpi.metrics.registry import REGISTRY

            released = release_baselines(engine, actor(args), args.kpi or list(REGISTRY))
            print(word("cli.baselines_released", args.lang, count=released))
            return 0
        fixed = fix_baselines(engine, actor(args), args.kpi)
    except KeyError as error:
        print(word("cli.unknown_kpi", args.lang, id=error.args[0]), file=sys.stderr)
        return 1
    rows = [
        (
            _label(line["kpi"], args.lang),
            school_year(line["baseline_year"]),
            school_year(line["target_year"]),
            plain_value(line["new"], args.lang),
            word(f"nulmeting.outcome.{line['outcome']}", args.lang),
        )
        for line in fixed.to_dict("records")
    ]
    heads = [word(f"cli.head.{h}", args.lang) for h in ("kpi", "baseline_year", "target_year", "baseline", "outcome")]
    print(text_table(pd.DataFrame(rows, columns=heads)))
    return 0


def _label(kpi: str, language: str) -> str:
    from kpi.metrics.registry import REGISTRY

    return REGISTRY[kpi].label(language) if kpi in REGISTRY else kpi


def _target(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics.targets import TargetsError, audit_value, checked_target, load_targets, remove_target, set_target
    from kpi.views.formatting import school_year

    engine = engine_for()
    if args.action == "list":
        targets = [audit_value(t) for ts in load_targets(engine).values() for t in ts]
        if args.format == "json":
            print(json.dumps(targets, ensure_ascii=False, indent=1, default=str))
        else:
            print(_targets_table(targets, args.lang))
        return 0
    if not args.kpi or args.target_year is None:
        print(word("cli.target_needs", args.lang), file=sys.stderr)
        return 2
    where = {"kpi": _label(args.kpi, args.lang), "year": school_year(args.target_year)}
    if args.action == "remove":
        removed = remove_target(engine, args.kpi, args.target_year, actor(args))
        print(word("cli.target_removed" if removed else "cli.target_not_found", args.lang, **where))
        return 0 if removed else 1
    if args.baseline_year is None or args.rule is None:
        print(word("cli.target_rule_needs", args.lang), file=sys.stderr)
        return 2
    try:
        target = checked_target(args.kpi, args.baseline_year, args.target_year, args.rule, args.amount, args.source)
    except TargetsError as error:
        print(str(error), file=sys.stderr)
        return 1
    set_target(engine, target, actor(args))
    print(word("cli.target_saved", args.lang, **where))
    return 0


def _targets_table(targets: list[dict], language: str) -> str:
    """Targets as a reader sees them: KPI label, school years, the rule in words, a fixed baseline; the id last."""
    import pandas as pd

    from kpi.metrics.registry import REGISTRY
    from kpi.views.formatting import number, rule_text, school_year, text_table

    if not targets:
        return word("cli.no_targets", language)
    rows = []
    for t in targets:
        unit = REGISTRY[t["kpi"]].unit if t["kpi"] in REGISTRY else "count"
        fixed = t["fixed_baseline"]
        rows.append(
            (
                _label(t["kpi"], language),
                school_year(t["target_year"]),
                rule_text(t["rule"], t["amount"], unit, t["baseline_year"], language),
                "" if fixed is None else word("cli.fixed_baseline", language, value=number(fixed, unit, language)),
                t["kpi"],
            )
        )
    heads = ("kpi", "target_year", "rule", "baseline", "id")
    return text_table(pd.DataFrame(rows, columns=[word(f"cli.head.{h}", language) for h in heads]))


def _techniek(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.settings.reference import classify_program

    try:
        classify_program(engine_for(), args.name, args.techniek, actor(args), args.soort, args.toelichting)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(word("cli.techniek_yes" if args.techniek else "cli.techniek_no", args.lang, name=args.name))
    return 0


def _meeting(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics.meetings import changes_since, mark_meeting, meeting_list
    from kpi.views.formatting import text_table
    from kpi.views.records import meeting_label, meetings_table, since_causes, since_changes

    engine = engine_for()
    if args.action == "add":
        if not args.what or not args.what.strip():
            print(word("cli.meeting_name_needed", args.lang), file=sys.stderr)
            return 2
        held_on = args.date or local_today()
        meeting_id = mark_meeting(engine, args.what, held_on, actor(args))
        label = meeting_label({"name": args.what.strip(), "held_on": held_on}, args.lang)
        print(word("cli.meeting_added", args.lang, id=meeting_id, label=label))
        return 0
    if args.action == "list":
        meetings = meeting_list(engine)
        if args.format == "json":
            print(meetings.to_json(orient="records", date_format="iso", force_ascii=False, indent=1))
        else:
            print(
                text_table(meetings_table(meetings, args.lang))
                if not meetings.empty
                else word("cli.no_meetings", args.lang)
            )
        return 0
    try:
        changes = changes_since(engine, int(args.what or 0))
    except (KeyError, ValueError):
        print(word("cli.unknown_meeting", args.lang, id=args.what), file=sys.stderr)
        return 1
    if args.format == "json":
        out = {
            "meeting": changes.meeting,
            "kpis": json.loads(changes.kpis.to_json(orient="records", date_format="iso")),
            "causes": json.loads(changes.causes.to_json(orient="records", date_format="iso")),
        }
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return 0
    label = meeting_label(changes.meeting, args.lang)
    if changes.kpis.empty:
        print(word("cli.no_changes_since", args.lang, label=label))
    else:
        print(
            word("cli.changes_since", args.lang, label=label), text_table(since_changes(changes, args.lang)), sep="\n"
        )
    if not changes.causes.empty:
        print(
            "", word("cli.causes_since", args.lang, label=label), text_table(since_causes(changes, args.lang)), sep="\n"
        )
    return 0
