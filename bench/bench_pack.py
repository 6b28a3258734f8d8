"""Meeting pack benchmark on the demo data: `python -m kpi pack` as a user runs it, PDF and PowerPoint.

Run: python bench/bench_pack.py [--runs 3]
Prints per format the median wall time of the whole command (start of Python to file written) and the file
size, and, measured in the same run as a baseline, the time to start Chromium through kaleido and draw ONE
empty chart, and the machine's load average (the machine is shared: compare the pack with the baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def baseline() -> float:
    """Chromium started by kaleido, one empty chart drawn: the fixed cost every pack pays."""
    import plotly.graph_objects as go

    from kpi.views.images import chart_images

    started = time.perf_counter()
    chart_images([go.Figure()], "jpeg", 900, 540, 1.6)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "TECHNIEKPACT_DB": f"sqlite:///{folder}/bench.db"}
        subprocess.run([sys.executable, "-m", "kpi", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"baseline (start Chromium, draw one empty chart): {baseline():.1f} s")
        for suffix in ("pdf", "pptx"):
            out = Path(folder) / f"pakket.{suffix}"
            command = [sys.executable, "-m", "kpi", "pack", str(out), "--year", "2016"]
            times = [_timed(command, env) for _ in range(args.runs)]
            print(
                f"pack .{suffix}: median {statistics.median(times):.1f} s (runs {', '.join(f'{t:.1f}' for t in times)}),"
                f" {out.stat().st_size / 1e6:.2f} MB"
            )
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
