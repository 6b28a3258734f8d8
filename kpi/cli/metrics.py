"""Commands for KPI values."""

from __future__ import annotations

import argparse
import sys

from kpi.cli.common import add_filters
from kpi.codes import ROLES


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    kpis = commands.add_parser("kpis", help="KPI values")
    add_filters(kpis)
    kpis.add_argument("--format", choices=["table", "csv", "json"], default="table")
    kpis.add_argument(
        "--role",
        choices=ROLES,
        default="admin",
        help="show what this role sees: viewer, stuurgroep and school get counts 1-4 as <5 and shares on fewer than 5 hidden",
    )
    kpis.set_defaults(handler=_kpis)


def _kpis(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics.benchmark import all_kpi_values
    from kpi.metrics.facts import Filters, load_facts
    from kpi.metrics.targets import TargetsError, load_targets
    from kpi.sources.duo.store import open_data_facts
    from kpi.views.report import results_csv, results_json, results_table

    engine = engine_for()
    try:
        targets = load_targets(engine)
    except TargetsError as error:
        print(str(error), file=sys.stderr)
        return 1
    filters = Filters(tuple(args.school), (args.route,) if args.route else (), tuple(args.level))
    results = all_kpi_values(load_facts(engine), open_data_facts(engine), targets, filters, args.year, args.role)
    if args.format == "json":
        print(results_json(results, args.lang))
    elif args.format == "csv":
        sys.stdout.write(results_csv(results, args.lang).decode("utf-8-sig"))
    else:
        print(results_table(results, args.lang))
    return 0
