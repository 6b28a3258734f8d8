"""Commands for open data (a source beside the deliveries) and the region definition it is cut by."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi.cli.common import actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    opendata = commands.add_parser("open-data", help="load open data (DUO) for the region and the Netherlands")
    datasets = opendata.add_subparsers(dest="dataset", required=True)
    exams = datasets.add_parser("duo-examens", help="DUO: Examenkandidaten en geslaagden vmbo/havo/vwo per vestiging")
    exams.add_argument("file", type=Path)
    exams.add_argument("--by", default=None, help="who loads (default: the current user)")
    exams.set_defaults(handler=_load)
    datasets.add_parser("list", help="every open-data load, newest first").set_defaults(handler=_list)

    regio = commands.add_parser("regio", help="the region definition that open data is cut by")
    actions = regio.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="municipalities and locations in the region").set_defaults(handler=_regio_list)
    for name, handler in (("add", _regio_add), ("remove", _regio_remove)):
        sub = actions.add_parser(name, help=f"{name} a location (VESTIGING) or a municipality (--gemeente G)")
        what = sub.add_mutually_exclusive_group(required=True)
        what.add_argument("vestiging", nargs="?", metavar="VESTIGING", help="location code, e.g. 24TG04")
        what.add_argument("--gemeente", metavar="G", help="municipality as DUO writes it, e.g. WEESP")
        sub.add_argument("--by", default=None)
        sub.set_defaults(handler=handler)


def _load(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.sources.duo.base import DuoFileError
    from kpi.sources.duo.store import load_file
    from kpi.views.opendata import school_years

    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(word("opendata.unreadable", args.lang, file=args.file, error=error.strerror), file=sys.stderr)
        return 1
    try:
        result = load_file(engine_for(), args.dataset, data, args.file.name, actor(args))
    except DuoFileError as error:
        print(*error.lines(args.lang), word("opendata.refused", args.lang), sep="\n", file=sys.stderr)
        return 1
    if result.unchanged:
        print(word("opendata.unchanged", args.lang, file=args.file.name))
    else:
        print(
            word(
                "opendata.loaded",
                args.lang,
                file=args.file.name,
                load=result.load_id,
                rows=result.rows,
                years=school_years(result.years),
                replaced=result.replaced,
            )
        )
    return 0


def print_loads(language: str) -> None:
    """The open-data loads as a table (also under `history`, after the deliveries)."""
    import pandas as pd

    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.sources.duo.store import open_data_history

    loads = open_data_history(engine_for())
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250):
        print(loads.to_string(index=False) if not loads.empty else word("opendata.no_loads", language))


def _list(args: argparse.Namespace) -> int:
    print_loads(args.lang)
    return 0


def _regio_list(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.sources.duo.store import open_data_facts

    engine = engine_for()
    data = open_data_facts(engine)
    members, names = data.region.members(), data.schools()
    for kind, code in members:
        print(f"{kind}\t{code}\t{names.get(code, '')}".rstrip())
    if not members:
        print(word("regio.empty", args.lang))
    print(word("regio.locations_found", args.lang, n=len(data.schools())))
    return 0


def _member(args: argparse.Namespace) -> tuple[str, str]:
    return ("gemeente", args.gemeente) if args.gemeente is not None else ("vestiging", args.vestiging)


def _regio_add(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.settings.region import RegionError, add_member, normalised

    kind, value = _member(args)
    try:
        added = add_member(engine_for(), kind, value, actor(args))
    except RegionError as error:
        print(word(error.code, args.lang, value=error.value), file=sys.stderr)
        return 1
    print(word("regio.added" if added else "regio.already", args.lang, kind=kind, code=normalised(kind, value)))
    return 0


def _regio_remove(args: argparse.Namespace) -> int:
    from kpi.catalogue import word
    from kpi.delivery.storage import engine_for
    from kpi.settings.region import RegionError, normalised, remove_member

    kind, value = _member(args)
    try:
        remove_member(engine_for(), kind, value, actor(args))
    except RegionError as error:
        print(word(error.code, args.lang, value=error.value), file=sys.stderr)
        return 1
    print(word("regio.removed", args.lang, kind=kind, code=normalised(kind, value)))
    return 0
