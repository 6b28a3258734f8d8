"""Commands for deliveries: import, history, restore, template, export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kpi.catalogue import WordedError, catalogue, word
from kpi.cli.common import actor, add_filters, loading_modules

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kpi.delivery.ingest import CheckedFile
    from kpi.delivery.isolated import PendingRead


def register(commands: argparse._SubParsersAction) -> None:
    """Add this stage's commands."""
    imp = commands.add_parser("import", help="validate and store deliveries")
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument("--as", dest="as_school", metavar="BRIN", help="the files may only hold this school's data")
    imp.add_argument("--by", default=None, help="who delivers (default: the current user)")
    imp.add_argument("--dry-run", action="store_true", help="check and preview the effect on the KPIs; store nothing")
    imp.add_argument("--format", choices=["text", "json"], default="text", help="output of --dry-run")
    imp.set_defaults(handler=_import)

    export = commands.add_parser("export", help="stored facts to .xlsx or .csv, safe to open")
    export.add_argument("out", type=Path)
    add_filters(export)
    export.set_defaults(handler=_export)

    template = commands.add_parser("template", help="write the delivery template")
    template.add_argument("out", type=Path)
    template.set_defaults(handler=_template)

    commands.add_parser("history", help="list deliveries").set_defaults(handler=_history)

    rest = commands.add_parser("restore", help="make an earlier delivery current again")
    rest.add_argument("id", type=int)
    rest.add_argument("--by", default=None)
    rest.set_defaults(handler=_restore)


def _import(args: argparse.Namespace) -> int:
    from kpi.delivery import isolated

    with loading_modules():
        isolated.KEEP_SPARE = len(args.files) > 1
        first = _bytes_or_none(args.files[0])  # read while this process loads pandas and the database
        ahead = isolated.read_ahead(first, args.files[0].name) if first is not None else None
        from kpi.delivery.brin import is_brin, normalised_brin
        from kpi.delivery.ingest import conflict_problems
        from kpi.delivery.problem_list import problem_summary, report_lines
        from kpi.delivery.storage import DeliveryMeta, LevelConflictError, engine_for, store_many
    if args.as_school is not None and not is_brin(normalised_brin(args.as_school)):  # never "no restriction"
        print(word("deliver.cli_as_invalid", args.lang, value=args.as_school), file=sys.stderr)
        return 2
    if args.dry_run:
        return _dry_run(args, first, ahead)
    by = actor(args)
    engine = engine_for()
    catalogue()  # the report's words, parsed while the file is still being read rather than after
    checked, refused = [], False
    for path, result in _checked_files(args, first, ahead, engine):
        if result is None:
            refused = True
            continue
        checked.append(result)
        lines = report_lines(result.problems, args.lang)  # one line per distinct problem, rows as ranges
        if lines:
            stream = sys.stderr if result.errors else sys.stdout
            print(f"== {path}: {problem_summary(result.problems, args.lang)}", *lines, sep="\n", file=stream)
        refused |= not result.ok
    if refused:
        print(word("deliver.cli_refused", args.lang), file=sys.stderr)
        return 1
    try:
        metas = [
            DeliveryMeta(c.file_name, c.sha256, by, content_sha256=c.content_sha256, tables=c.tables) for c in checked
        ]
        results = store_many(engine, [(c.frames, meta) for c, meta in zip(checked, metas, strict=True)])
    except LevelConflictError as error:  # another delivery came in between check and store
        print(*report_lines(conflict_problems(error.conflicts), args.lang), sep="\n", file=sys.stderr)
        print(word("deliver.cli_refused", args.lang), file=sys.stderr)
        return 1
    for c, result in zip(checked, results, strict=True):
        if result.unchanged:
            print(word("cli.unchanged", args.lang, file=c.file_name))
        else:
            stored = ", ".join(f"{k} {v}" for k, v in result.stored.items())
            replaced = sum(result.replaced.values())
            print(
                word("cli.stored", args.lang, file=c.file_name, id=result.delivery_id, rows=stored, replaced=replaced)
            )
    return 0


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # reported when the file's turn comes


def _checked_files(
    args: argparse.Namespace, first: bytes | None, ahead: PendingRead | None, engine: Engine
) -> Iterator[tuple[Path, CheckedFile | None]]:
    """Each file checked (the first with the read started ahead); None for a file that cannot be opened (said here)."""
    from kpi.delivery.ingest import checked_file

    for index, path in enumerate(args.files):
        try:
            data = first if index == 0 and first is not None else path.read_bytes()
        except OSError as error:
            print(word("cli.unreadable", args.lang, path=path, reason=error.strerror), file=sys.stderr)
            yield path, None
            continue
        yield path, checked_file(data, path.name, args.as_school, engine=engine, ahead=ahead if index == 0 else None)


def _dry_run(args: argparse.Namespace, first: bytes | None, ahead: PendingRead | None) -> int:
    """Check every file and preview what storing them would change; stores nothing."""
    import json

    from kpi.catalogue import word
    from kpi.delivery.problem_list import report_lines
    from kpi.delivery.storage import engine_for
    from kpi.metrics.impact import delivery_impact
    from kpi.views.impact import dry_run_json, dry_run_lines

    engine = engine_for()
    checked, problems, refused = [], [], False
    for path, result in _checked_files(args, first, ahead, engine):
        if result is None:
            refused = True
            continue
        checked.append(result)
        problems += [(path.name, p) for p in result.problems]
        refused |= not result.ok
        if args.format == "text" and result.problems:
            print(f"== {path}", *report_lines(result.problems, args.lang), sep="\n")
    impact = None if refused else delivery_impact(engine, [c.frames for c in checked])
    if args.format == "json":
        print(json.dumps(dry_run_json(problems, impact, args.lang), ensure_ascii=False, indent=1, default=str))
    elif impact is not None:
        print(*dry_run_lines(impact, args.lang), sep="\n")
    if args.format == "text":
        print(word("impact.dry_run", args.lang), file=sys.stderr)
    return 1 if refused else 0


def _export(args: argparse.Namespace) -> int:
    from kpi.delivery.storage import engine_for
    from kpi.metrics import facts
    from kpi.views.export import write_export

    try:
        write_export(args.out, facts.filtered_sheets(engine_for(), args.year, args.school, args.route, args.level))
    except WordedError as error:
        print(error.text(args.lang), file=sys.stderr)
        return 2
    print(word("cli.written", args.lang, what=word("cli.what.export", args.lang), path=args.out))
    return 0


def _template(args: argparse.Namespace) -> int:
    from kpi.delivery.template import template_bytes

    args.out.write_bytes(template_bytes())
    print(word("cli.written", args.lang, what=word("cli.what.template", args.lang), path=args.out))
    return 0


def _history(args: argparse.Namespace) -> int:
    from kpi.delivery.history import visible_history
    from kpi.delivery.storage import engine_for
    from kpi.settings.register import school_register
    from kpi.views.formatting import text_table
    from kpi.views.records import history_table

    engine = engine_for()
    names = {school.brin: school.naam for school in school_register(engine)}
    history = visible_history(engine, None, names)  # local times, schools by name: as on the upload page
    if history.empty:
        print(word("cli.no_deliveries", args.lang))
    else:
        shown = history_table(history, args.lang)
        when = word("deliver.history_head.tijd", args.lang)
        shown[when] = shown[when].map(lambda t: f"{t:%d-%m-%Y %H:%M}")
        shown[word("cli.head.sha256", args.lang)] = history["sha256"]  # interfaces.md: each file's hash
        print(text_table(shown))
    from kpi.cli.opendata import print_loads

    print("\n" + word("opendata.history_title", args.lang))  # open data is no delivery: its own list, below
    print_loads(args.lang)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kpi.delivery.ingest import conflict_problems
    from kpi.delivery.problem_list import report_lines
    from kpi.delivery.storage import LevelConflictError, RestoreRefused, engine_for, restore

    try:
        result = restore(engine_for(), args.id, actor(args))
    except KeyError:
        print(word("cli.unknown_delivery", args.lang, id=args.id), file=sys.stderr)
        return 1
    except RestoreRefused as refused:
        print(word(f"restore_refused.{refused.kind}_retired", args.lang, id=refused.delivery_id), file=sys.stderr)
        return 1
    except LevelConflictError as error:
        print(*report_lines(conflict_problems(error.conflicts), args.lang), sep="\n", file=sys.stderr)
        return 1
    print(word("cli.restored", args.lang, old=args.id, new=result.delivery_id))
    return 0
