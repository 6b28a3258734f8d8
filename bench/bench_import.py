"""Import benchmark: `python -m kpi import` end to end against merely reading the same workbook.

Run: python bench/bench_import.py [--rows 100000 500000] [--skip-openpyxl-above 100000]

The workbook is written as Excel writes it: 12 columns, strings in the shared-strings table (xlsxwriter).
Measured in the same run, on the same file:
- baselines: `python -c "import pandas"`, pandas.read_excel with openpyxl (the median of three), the raw
  fastexcel read (to Arrow);
- ours: `python -m kpi --help`; `python -m kpi import FILE` as a user runs it (process start, reading in the
  memory-limited child, checks, storing in SQLite; the median of five, each into a fresh database); and
  read+check+store inside one warm process;
- peak memory of the import: the main process and the reading child (max RSS of each);
- the isolated read alone, while the caller waits and while it computes (best of two each).

Every process runs with Python's bytecode cache (PYTHONDONTWRITEBYTECODE is unset), as on an ordinary install.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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


def delivery_rows(rows: int, schools: list[str] = SCHOOLS):
    """`rows` unique, valid leerlingen rows (every 97th count suppressed as <5)."""
    for i in range(rows):
        year = 2000 + i % 20
        rest = i // 20
        school = schools[rest % len(schools)]
        rest //= len(schools)
        program = PROGRAMS[rest % len(PROGRAMS)]
        rest //= len(PROGRAMS)
        level = LEVELS[rest % len(LEVELS)]
        rest //= len(LEVELS)
        indicator = INDICATORS[rest % len(INDICATORS)]
        grade = 1 + (rest // len(INDICATORS)) % 6
        crebo = f"{25000 + (rest // 24):05d}"
        count = "<5" if i % 97 == 0 else (i * 7) % 250
        yield [f"{year}-{year + 1}", school, "School " + school, level, grade, program, crebo, None, indicator,
               None, None, count]  # fmt: skip


def write_delivery(path: Path, rows: int, schools: list[str] = SCHOOLS) -> None:
    """A leerlingen workbook as Excel writes it: a title row, a blank row, the header, shared strings."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("leerlingen")
    sheet.write_row(0, 0, ["Export leerlingadministratie"])
    sheet.write_row(2, 0, HEADER)
    for i, row in enumerate(delivery_rows(rows, schools)):
        sheet.write_row(3 + i, 0, row)
    workbook.close()


def _seconds(command: list[str], repeat: int = 3) -> float:
    """Median wall time of a command (output discarded)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli_import(path: Path, database: Path) -> dict[str, float]:
    """`python -m kpi import FILE` into a fresh SQLite database (schema made beforehand, as on a running
    system): wall time and the peak memory of the process and of its reading child."""
    code = f"""
import json, resource, runpy, sys, time
sys.argv = ["kpi", "import", {str(path)!r}, "--by", "bench"]
start = time.perf_counter()
try:
    runpy.run_module("kpi", run_name="__main__")
except SystemExit as end:
    assert not end.code, end.code
print(json.dumps({{"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""
    env = {"TECHNIEKPACT_DB": f"sqlite:///{database}"}
    subprocess.run([sys.executable, "-c", "from kpi.delivery.storage import engine_for; engine_for()"],
                   cwd=ROOT, env={**os.environ, **env}, check=True)  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, check=True)  # fmt: skip
    seconds = time.perf_counter() - start
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert "opgeslagen als levering" in done.stdout, done.stdout + done.stderr
    return {"seconds": seconds, **figures}


def warm_import(path: Path, database: Path) -> dict[str, float]:
    """Read, check and store inside one process whose modules and reading child are loaded (the server's case)."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
from kpi.delivery.ingest import checked_file, stored_file
from kpi.delivery.storage import engine_for
from kpi.delivery import isolated
engine = engine_for("sqlite:///{database}")
data = open({str(path)!r}, "rb").read()
isolated.prestart(); time.sleep(3)
start = time.perf_counter()
checked = checked_file(data, {path.name!r})
checked_at = time.perf_counter()
assert checked.ok, checked.problems[:3]
stored_file(engine, checked, "bench")
done = time.perf_counter()
print(json.dumps({{"seconds": done - start, "check": checked_at - start, "store": done - checked_at}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def busy_caller_read(path: Path) -> dict[str, float]:
    """The isolated read of one file while the calling thread waits, and while it computes (as the command
    does when it loads pandas, and a server with other sessions): the handover must not wait for the GIL."""
    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
from kpi.delivery import isolated
from kpi.delivery.limits import current_limits
data, limits, seconds = open({str(path)!r}, "rb").read(), current_limits(), {{}}
for caller in ("waits", "computes", "waits", "computes"):
    isolated.prestart(); time.sleep(1.5)
    start = time.perf_counter()
    pending = isolated.PendingRead(data, "xlsx", "bench", limits)
    while pending._thread.is_alive():
        if caller == "waits":
            time.sleep(0.002)
        else:
            sum(range(20_000))
    pending.tables()
    seconds[caller] = min(seconds.get(caller, 1e9), time.perf_counter() - start)
print(json.dumps(seconds))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def openpyxl_seconds(path: Path) -> float:
    code = f"import pandas as pd, time; s = time.perf_counter(); pd.read_excel({str(path)!r}, engine='openpyxl'); print(time.perf_counter() - s)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def fastexcel_seconds(path: Path) -> float:
    code = (
        "import fastexcel, time; s = time.perf_counter(); r = fastexcel.read_excel(open("
        f"{str(path)!r}, 'rb').read()); r.load_sheet(0, header_row=None, dtypes='string').to_arrow(); "
        "print(time.perf_counter() - s)"
    )
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--skip-openpyxl-above", type=int, default=100_000, help="openpyxl is slow; time it up to this")
    args = parser.parse_args()
    # Every process measured here keeps Python's bytecode cache, as an installed Python does; some machines
    # (this sandbox) switch it off for everything, which makes each command compile the project again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "kpi"], cwd=ROOT, check=True)
    pandas_import = _seconds([sys.executable, "-c", "import pandas"])
    cli_help = _seconds([sys.executable, "-m", "kpi", "--help"])
    print(f"python -c 'import pandas' {pandas_import:.2f} s; python -m kpi --help {cli_help:.2f} s "
          f"(ratio {cli_help / pandas_import:.2f}, goal <= 0.5)")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            path = Path(folder) / f"leerlingen_{rows}.xlsx"
            write_delivery(path, rows)
            print(f"{rows:>7} rows: {path.stat().st_size / 1e6:.1f} MB workbook (shared strings)")
            raw = fastexcel_seconds(path)
            runs = [cli_import(path, Path(folder) / f"cli_{rows}_{i}.db") for i in range(5)]
            ours = sorted(runs, key=lambda run: run["seconds"])[2]  # the median of five fresh databases
            warm = warm_import(path, Path(folder) / f"warm_{rows}.db")
            line = (f"  raw fastexcel read {raw:.2f} s; `python -m kpi import` {ours['seconds']:.2f} s "
                    f"({ours['seconds'] / raw:.1f}x raw fastexcel); warm in-process {warm['seconds']:.2f} s "
                    f"(read+check {warm['check']:.2f} s, store {warm['store']:.2f} s); peak memory "
                    f"{ours['peak_mb']:.0f} MB main + {ours['child_mb']:.0f} MB reading child")  # fmt: skip
            if rows <= args.skip_openpyxl_above:
                baseline = statistics.median(openpyxl_seconds(path) for _ in range(3))
                line += (f"\n  pandas.read_excel(openpyxl) {baseline:.2f} s: ratio import/openpyxl "
                         f"{ours['seconds'] / baseline:.3f} (goal <= 0.20), warm {warm['seconds'] / baseline:.3f}")  # fmt: skip
            print(line, flush=True)
            if rows == args.rows[0]:
                read = busy_caller_read(path)
                print(f"  isolated read (spare child ready): caller waits {read['waits']:.2f} s, caller computes "
                      f"{read['computes']:.2f} s (ratio {read['computes'] / read['waits']:.2f})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
