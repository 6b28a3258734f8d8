"""Import benchmark: end-to-end `import` (read, check, store) against pandas+openpyxl merely reading the file.

Run: python bench/bench_import.py [--rows 100000 500000]
Prints, per size: openpyxl read time, our import time, the ratio, and the import's peak memory (own process).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["schooljaar", "brin", "school", "onderwijssoort", "leerjaar", "opleiding", "crebo", "route", "indicator",
          "naar_onderwijssoort", "naar_opleiding", "aantal"]  # fmt: skip
SCHOOLS = ["14SM05", "03FO01", "24TG04", "00UM00", "14SM02", "14SM04", "25LZ01"]
PROGRAMS = ["ICT-beheer", "Engineering", "Elektrotechniek", "Verpleegkunde", "Commercie", "PIE", "BWI", "D&P"]
LEVELS = ["VMBO-BB", "VMBO-KB", "VMBO-GL", "MBO-2", "MBO-3", "MBO-4"]
INDICATORS = ["ingeschreven", "instroom", "gediplomeerd", "uitval"]


def write_delivery(path: Path, rows: int) -> None:
    """A realistic, valid leerlingen workbook with `rows` unique rows (written streaming)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("leerlingen")
    sheet.append(["Export leerlingadministratie"])
    sheet.append([])
    sheet.append(HEADER)
    for i in range(rows):
        year = 2000 + i % 20
        rest = i // 20
        school = SCHOOLS[rest % len(SCHOOLS)]
        rest //= len(SCHOOLS)
        program = PROGRAMS[rest % len(PROGRAMS)]
        rest //= len(PROGRAMS)
        level = LEVELS[rest % len(LEVELS)]
        rest //= len(LEVELS)
        indicator = INDICATORS[rest % len(INDICATORS)]
        grade = 1 + (rest // len(INDICATORS)) % 6
        crebo = f"{25000 + (rest // 24):05d}"
        count = "<5" if i % 97 == 0 else (i * 7) % 250
        sheet.append(
            [
                f"{year}-{year + 1}",
                school,
                "School " + school,
                level,
                grade,
                program,
                crebo,
                None,
                indicator,
                None,
                None,
                count,
            ]
        )
    workbook.save(path)


def timed_import(path: Path) -> dict[str, float]:
    """Run in a child process: end-to-end import into an empty SQLite file; time and peak memory."""
    code = f"""
import json, resource, time, sys
sys.path.insert(0, {str(ROOT)!r})
start = time.perf_counter()
from kpi.delivery.ingest import checked_file, stored_file
from kpi.delivery.storage import engine_for
engine = engine_for("sqlite:///{path.with_suffix(".db")}")
ready = time.perf_counter()
data = open({str(path)!r}, "rb").read()
checked = checked_file(data, {path.name!r})
assert checked.ok, checked.problems[:5]
checked_at = time.perf_counter()
result = stored_file(engine, checked, "bench")
done = time.perf_counter()
print(json.dumps({{"seconds": done - ready, "check": checked_at - ready, "store": done - checked_at,
                  "rows": sum(result.stored.values()), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def openpyxl_read_seconds(path: Path) -> float:
    import pandas as pd

    start = time.perf_counter()
    pd.read_excel(path, engine="openpyxl")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument(
        "--skip-openpyxl-above", type=int, default=100_000, help="openpyxl is slow; time it up to this size"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"leerlingen_{rows}.xlsx"
            start = time.perf_counter()
            write_delivery(path, rows)
            print(
                f"{rows:>7} rows: file {path.stat().st_size / 1e6:.1f} MB written in {time.perf_counter() - start:.1f} s"
            )
            ours = timed_import(path)
            line = (f"{rows:>7} rows: import end-to-end {ours['seconds']:.2f} s (read+check {ours['check']:.2f} s, "
                    f"store {ours['store']:.2f} s), peak memory {ours['peak_mb']:.0f} MB")  # fmt: skip
            if rows <= args.skip_openpyxl_above:
                baseline = openpyxl_read_seconds(path)
                line += (
                    f"; pandas.read_excel(openpyxl) read only {baseline:.2f} s; ratio {baseline / ours['seconds']:.1f}x"
                )
            print(line, flush=True)
    print(f"(benchmark process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
