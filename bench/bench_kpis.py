"""KPI benchmark at national scale: 1M stored fact rows (700 schools, 40 programs, 14 years).

Run: python bench/bench_kpis.py [--rows 1000000]
Prints: full reload from the database + computation, and computation of all KPIs for the region, one school
and one route: the first run on freshly loaded facts, and the median of 5 warm runs after it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi.delivery.schema import SHEETS  # noqa: E402
from kpi.delivery.storage import DeliveryMeta, engine_for, store_many  # noqa: E402
from kpi.metrics.compute import kpi_values  # noqa: E402
from kpi.metrics.facts import Filters, load_facts  # noqa: E402
from kpi.metrics.targets import targets_from_file  # noqa: E402

PROGRAMS = ["PIE", "BWI", "MVI", "M&T", "D&P", "Zorg en welzijn", "Economie en ondernemen", "ICT-beheer", "Engineering",
            "Elektrotechniek", "Installatietechniek", "Timmerman", "Metselaar", "Autotechniek", "Verpleegkunde", "Commercie",
            "Onderwijsassistent", "Mechatronica", "Werktuigbouwkunde", "Bouwkunde"] + [f"Opleiding {i}" for i in range(20)]  # fmt: skip
LEVELS = ["VMBO-BB", "VMBO-KB", "VMBO-GL", "VMBO-TL", "MBO-2", "MBO-3", "MBO-4"]
INDICATORS = ["ingeschreven", "instroom", "gediplomeerd", "uitval", "doorstroom"]
ROUTES = [None, None, None, "Vakmanschapsroute", "Technologieroute"]


def national_leerlingen(rows: int, seed: int = 1) -> pd.DataFrame:
    """`rows` unique leerlingen facts over 700 schools, 40 programs and 14 years."""
    rng = np.random.default_rng(seed)
    schools = [f"{10 + i // 26 % 90:02d}{chr(65 + i % 26)}{chr(65 + i // 26 // 90 % 26)}" for i in range(700)]
    index = np.arange(rows)
    frame = pd.DataFrame(
        {
            "schooljaar": 2006 + index % 14,
            "brin": np.array(schools, dtype=object)[(index // 14) % 700],
            "school": None,
            "onderwijssoort": np.array(LEVELS, dtype=object)[(index // 9800) % 7],
            "leerjaar": (index // 68600) % 4 + 1,
            "opleiding": np.array(PROGRAMS, dtype=object)[
                (index // 274400) % 40 if rows > 274400 else rng.integers(0, 40, rows)
            ],
            "crebo": None,
            "route": np.array(ROUTES, dtype=object)[rng.integers(0, 5, rows)],
            "indicator": np.array(INDICATORS, dtype=object)[rng.integers(0, 5, rows)],
            "naar_onderwijssoort": None,
            "naar_opleiding": None,
            "geslacht": None,
            "aantal": rng.integers(0, 200, rows),
            "aantal_onderdrukt": rng.random(rows) < 0.01,
        }
    )
    frame["opleiding"] = np.array(PROGRAMS, dtype=object)[rng.integers(0, 40, rows)]
    doorstroom = frame["indicator"] == "doorstroom"
    frame.loc[doorstroom, "naar_onderwijssoort"] = np.array(["MBO-4", "HBO-AD", "HBO-BA"], dtype=object)[
        rng.integers(0, 3, int(doorstroom.sum()))
    ]
    frame.loc[doorstroom, "naar_opleiding"] = np.array(PROGRAMS, dtype=object)[
        rng.integers(0, 40, int(doorstroom.sum()))
    ]
    frame = frame.drop_duplicates(subset=[c for c in frame.columns if c not in ("aantal", "aantal_onderdrukt")])
    frame["aantal"] = frame["aantal"].astype("Int64").where(~frame["aantal_onderdrukt"])
    frame["brin"] = frame["brin"] + "00"
    return frame[list(SHEETS["leerlingen"].stored_columns)]


def timings_ms(action, runs: int = 6) -> tuple[float, float]:
    """The first run, and the median of the runs after it."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = engine_for(args.url or f"sqlite:///{Path(folder) / 'national.db'}")
        frame = national_leerlingen(args.rows)
        start = time.perf_counter()
        store_many(engine, [({"leerlingen": frame}, DeliveryMeta("national.xlsx", "0" * 64, "bench"))])
        print(f"stored {len(frame):,} fact rows in {time.perf_counter() - start:.1f} s")
        targets = targets_from_file()
        start = time.perf_counter()
        facts = load_facts(engine)
        loaded = time.perf_counter()
        kpi_values(facts, targets)
        done = time.perf_counter()
        facts = load_facts(engine)  # fresh facts: the first timed run below derives its arrays anew
        print(
            f"full reload from the database + all KPIs: {done - start:.2f} s (load {loaded - start:.2f} s, compute {done - loaded:.2f} s)"
        )
        school = str(frame["brin"].iloc[0])
        for name, filters in (("region", Filters()), (f"one school ({school})", Filters(schools=(school,))),
                              ("one route (Vakmanschapsroute)", Filters(routes=("Vakmanschapsroute",)))):  # fmt: skip
            first, warm = timings_ms(lambda f=filters: kpi_values(facts, targets, f))
            print(f"all KPIs, {name}: first {first:.0f} ms, warm {warm:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
