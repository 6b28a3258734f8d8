"""Open-data benchmark: loading DUO's full national exam file, against merely parsing it with the csv module.

Run: python bench/bench_opendata.py [--pg postgresql+psycopg://...]
Prints (median of 3, each on a fresh database): csv-module parse, our load (read, check, store, audit),
the same file again (idempotent: nothing stored), and the open-data KPIs (region and NL, per year).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHIPPED = ROOT / "data" / "open" / "duo_examen_raw_all.csv"


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def scratch_engine(url: str | None, folder: Path, n: int):
    import sqlalchemy as sa

    from kpi.db import metadata
    from kpi.delivery.storage import engine_for

    if url is None:
        return engine_for(f"sqlite:///{folder / f'bench{n}.db'}")
    engine = engine_for(url)
    metadata.drop_all(engine)  # a scratch database of the benchmark only
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return engine_for(url)


def run(url: str | None) -> dict[str, float]:
    from kpi.metrics.benchmark import open_data_values
    from kpi.sources.duo.store import load_file, open_data_facts

    data = SHIPPED.read_bytes()
    times: dict[str, list[float]] = {"parse": [], "load": [], "again": [], "kpis": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(3):
            times["parse"].append(
                timed(lambda: list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";")))[0]
            )
            engine = scratch_engine(url, Path(folder), n)
            seconds, result = timed(lambda e=engine: load_file(e, "duo-examens", data, SHIPPED.name, "bench"))
            times["load"].append(seconds)
            seconds, again = timed(lambda e=engine: load_file(e, "duo-examens", data, SHIPPED.name, "bench"))
            assert again.unchanged and not result.unchanged
            times["again"].append(seconds)
            times["kpis"].append(timed(lambda e=engine: open_data_values(open_data_facts(e), {}))[0])
            engine.dispose()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", help="also on this PostgreSQL database (its tables are dropped!)")
    args = parser.parse_args()
    print(f"file: {SHIPPED.name}, {SHIPPED.stat().st_size / 1e6:.1f} MB, national (12,782 rows x 5 school years)")
    for name, url in [("sqlite", None)] + ([("postgresql", args.pg)] if args.pg else []):
        figures = run(url)
        print(
            f"{name:>10}: csv-module parse {figures['parse']:.2f} s | load {figures['load']:.2f} s "
            f"({figures['load'] / figures['parse']:.1f}x parse) | same file again {figures['again']:.2f} s | "
            f"open-data KPIs {figures['kpis']:.2f} s"
        )


if __name__ == "__main__":
    main()
