"""Commands for data that is not a school delivery: the demo set and DUO open data."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi.catalogue import word
from kpi.cli.common import actor


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    demo = commands.add_parser("demo", help="fill an empty database with the demo data set")
    demo.add_argument(
        "--retire", action="store_true", help="stop counting the demo set (before going live); it stays in the history"
    )
    demo.add_argument("--by", default=None)
    demo.set_defaults(handler=_demo)

    duo = commands.add_parser("duo-examens", help="turn DUO's exam open data (CSV) into a delivery workbook")
    duo.add_argument("source", type=Path)
    duo.add_argument("out", type=Path)
    duo.add_argument(
        "--gemeente",
        action="append",
        default=[],
        help="keep these municipalities only (e.g. HILVERSUM); default: the region definition (see: regio list)",
    )
    duo.set_defaults(handler=_duo_exams)


def _demo(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.sources.demo import load_demo, retire_demo

    if args.retire:
        rows = retire_demo(engine_for(), actor(args))
        print(word("cli.demo_retired", args.lang, rows=rows))
        return 0
    loaded = load_demo(engine_for())
    print(word("cli.demo_loaded" if loaded else "cli.demo_not_loaded", args.lang))
    return 0


def _duo_exams(args: argparse.Namespace) -> int:
    import pandas as pd

    from kpi.delivery.storage import engine_for
    from kpi.settings.region import region
    from kpi.sources.duo import duo_exam_rows, read_duo_exams

    if args.gemeente:
        municipalities, locations = tuple(args.gemeente), ()
    else:  # the region: its municipalities and the locations DUO lists elsewhere (Weesp under AMSTERDAM)
        area = region(engine_for())
        municipalities, locations = tuple(area.municipalities), tuple(area.locations)
    rows = duo_exam_rows(read_duo_exams(args.source), municipalities, locations)
    with pd.ExcelWriter(args.out, engine="openpyxl") as writer:
        rows.to_excel(writer, sheet_name="leerlingen", index=False)
    print(word("cli.duo_written", args.lang, path=args.out, rows=len(rows)))
    return 0
