"""Concurrent imports: N schools import a large workbook each at the same moment, into one database.

Run: python bench/bench_concurrent.py [--schools 10] [--rows 100000] [--url postgresql+psycopg://...]
Default database: a fresh SQLite file. Prints how many of the N imports stored, the slowest one's wall
time and, as the baseline measured in the same run, one import alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import write_delivery  # noqa: E402

SCHOOLS = [f"14SM{i:02d}" for i in range(1, 21)]
"""Locations of one institution in the register: each imports its own rows."""


def _import(url: str, path: Path) -> tuple[int, float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "import", str(path), "--by", "bench"],
        cwd=ROOT, env={**os.environ, "TECHNIEKPACT_DB": url}, capture_output=True, text=True,
    )  # fmt: skip
    return done.returncode, time.perf_counter() - start, (done.stderr or done.stdout).strip()[-300:]


def _fresh(url: str) -> None:
    import sqlalchemy as sa

    from kpi.db import metadata
    from kpi.delivery.storage import engine_for

    engine = engine_for(url)
    if engine.dialect.name == "postgresql":  # a scratch database of this benchmark only
        metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
        engine_for(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=10)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'samen.db'}"
        files = []
        for school in SCHOOLS[: args.schools]:
            path = Path(folder) / f"{school}.xlsx"
            write_delivery(path, args.rows, schools=[school])
            files.append(path)
        _fresh(url)
        code, alone, _ = _import(url, files[0])
        assert code == 0
        _fresh(url)
        start = time.perf_counter()
        with ThreadPoolExecutor(len(files)) as pool:
            results = list(pool.map(lambda path: _import(url, path), files))
        total = time.perf_counter() - start
        stored = sum(code == 0 for code, _, _ in results)
        from kpi.delivery.storage import current_facts, engine_for

        rows = len(current_facts(engine_for(url), "leerlingen"))
        print(f"{args.schools} concurrent imports of {args.rows:,} rows ({engine_for(url).dialect.name}): "
              f"{stored}/{len(files)} stored, {rows:,} rows count; all done in {total:.1f} s "
              f"(slowest {max(s for _, s, _ in results):.1f} s); one import alone {alone:.1f} s")  # fmt: skip
        for code, _, message in results:
            if code:
                print("  failed:", message)


if __name__ == "__main__":
    main()
