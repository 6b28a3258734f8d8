"""Commands for the plan's actions: `acties list` and `acties status`."""

from __future__ import annotations

import argparse
import json
import sys

from kpi.cli.common import actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    acties = commands.add_parser("acties", help="the plan's actions and their progress")
    verbs = acties.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="every action of the plan")
    listing.add_argument("--format", choices=["table", "json"], default="table")
    listing.set_defaults(handler=_list)
    status = verbs.add_parser("status", help="record progress on an action (audited)")
    status.add_argument("id")
    status.add_argument("status", help="gepland, loopt, gerealiseerd, vertraagd or gestopt")
    status.add_argument("--toelichting", default=None, help="a short explanation of where the action stands")
    status.add_argument("--by", default=None)
    status.set_defaults(handler=_status)


def _list(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.settings.actions import action_register

    register = action_register(engine_for())
    if args.format == "json":
        print(json.dumps([a.as_json() for a in register], ensure_ascii=False, indent=1))
        return 0
    from kpi.views.formatting import text_table
    from kpi.views.meeting import actions_frame

    shown = actions_frame(register, args.lang)  # as in the meeting pack: words, school years, KPI labels
    shown.insert(0, word("cli.head.id", args.lang), [a.id for a in register])  # what `acties status` takes
    print(text_table(shown))
    return 0


def _status(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.settings.actions import ActionError, set_action_status

    try:
        action = set_action_status(engine_for(), args.id, args.status, args.toelichting, actor(args))
    except ActionError as error:
        print(word(f"actions.{error.code}", args.lang, value=error.value), file=sys.stderr)
        return 1
    print(word("actions.updated", args.lang, id=action.id, status=word(f"action_status.{action.status}", args.lang)))
    return 0
