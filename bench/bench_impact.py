"""Impact preview benchmark: the preview of a 100k-row re-delivery against the check of that file alone.

Run: python bench/bench_impact.py [--rows 100000]
The database holds the demo set plus an earlier version of the same delivery, so the preview replaces 100k
current rows (the heavy case). Prints the check time (read + validate, the baseline), the preview time
(load current facts, apply the delivery in memory, KPIs before and after for the region and each delivering
school, the warnings) and the ratio (check + preview) / check, which the issue wants below 3.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_import import write_delivery  # noqa: E402
from kpi.delivery.ingest import checked_file  # noqa: E402
from kpi.delivery.storage import DeliveryMeta, engine_for, store  # noqa: E402
from kpi.metrics.impact import delivery_impact  # noqa: E402
from kpi.sources.demo import load_demo  # noqa: E402


def best_of(repeats: int, run) -> tuple[float, object]:
    """The fastest of a few runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "leerlingen.xlsx"
        write_delivery(path, args.rows)
        data = path.read_bytes()
        engine = engine_for(f"sqlite:///{Path(folder) / 'bench.db'}")
        load_demo(engine)
        earlier = checked_file(data, path.name)
        assert earlier.ok, earlier.problems[:5]
        frames = {"leerlingen": earlier.frames["leerlingen"].assign(aantal=lambda f: f["aantal"] + 1)}
        store(engine, frames, DeliveryMeta("earlier.xlsx", "0" * 64, "bench"))  # the rows the preview replaces
        check, checked = best_of(args.repeats, lambda: checked_file(data, path.name))
        preview, impact = best_of(args.repeats, lambda: delivery_impact(engine, checked.frames))
        print(f"{args.rows} rows ({path.stat().st_size / 1e6:.1f} MB): check {check:.2f} s; preview {preview:.2f} s "
              f"({len(impact.changes)} KPI changes, {len(impact.warnings)} warnings); "
              f"check + preview = {(check + preview) / check:.2f}x the check alone")  # fmt: skip


if __name__ == "__main__":
    main()
