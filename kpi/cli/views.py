"""Commands for what people read: the meeting pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi.cli.common import add_filters

PACK_SUFFIXES = (".pdf", ".pptx", ".html", ".xlsx")


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    pack = commands.add_parser(
        "pack", help="the meeting pack as .pdf, .pptx, .html or .xlsx (default year: the latest with data)"
    )
    pack.add_argument("out", type=Path, help="file to write; its suffix chooses the format")
    add_filters(pack)
    pack.add_argument(
        "--role",
        choices=["viewer", "school", "analyst", "admin"],
        default="viewer",
        help="who the pack is for: viewers (default) never see counts from 1 to 4",
    )
    pack.set_defaults(handler=_pack)


def _pack(args: argparse.Namespace) -> int:
    from kpi.catalogue import word

    suffix = args.out.suffix.lower()
    if suffix not in PACK_SUFFIXES:
        print(word("meet.pack_suffix", args.lang, suffix=args.out.suffix or "''"), file=sys.stderr)
        return 2
    from kpi.delivery.storage import engine_for
    from kpi.metrics.facts import Filters, load_facts
    from kpi.metrics.targets import TargetsError, load_targets
    from kpi.settings.actions import action_register
    from kpi.sources.demo import holds_demo
    from kpi.sources.duo.store import open_data_facts
    from kpi.views.explorer import known_school_names
    from kpi.views.images import ChartsUnavailable
    from kpi.views.meeting import actions_frame, build_pack, last_meeting_changes
    from kpi.views.pack import pack_bytes

    try:
        targets = load_targets()
    except TargetsError as error:
        print(str(error), file=sys.stderr)
        return 1
    engine = engine_for()
    facts = load_facts(engine)
    opened = open_data_facts(engine)
    filters = Filters(tuple(args.school), (args.route,) if args.route else (), tuple(args.level))
    try:
        changes = last_meeting_changes(engine, args.role, args.lang)
        pack = build_pack(
            facts,
            targets,
            filters,
            args.year,
            args.role,
            args.lang,
            holds_demo(engine),
            known_school_names(facts, opened),
            changes=None if changes is None else changes.changes,
            meeting="" if changes is None else changes.meeting,
            actions=actions_frame(action_register(engine), args.lang, None if changes is None else changes.actions),
            opened=opened,
        )
        content = pack_bytes(pack, suffix.lstrip("."))
    except ChartsUnavailable:
        print(word("meet.pack_failed", args.lang, error=word("meet.no_chromium", args.lang)), file=sys.stderr)
        return 1
    except ValueError as error:
        print(word("meet.pack_failed", args.lang, error=error), file=sys.stderr)
        return 1
    args.out.write_bytes(content)
    from kpi.views.formatting import number

    megabytes = len(content) >= 1e5
    size = f"{number(len(content) / (1e6 if megabytes else 1e3), decimals=1 if megabytes else 0, language=args.lang)} "
    size += "MB" if megabytes else "kB"
    print(word("meet.pack_written", args.lang, path=args.out, size=size))
    return 0
