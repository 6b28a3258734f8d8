"""What protection costs: KPI results, breakdown and Verkenner pivot for an admin (nothing masked) and a viewer
(every series masked before anything is derived), on the demo set, measured in the same run.

Run: python bench/bench_privacy.py
Prints per view and selection: the median of 9 warm runs for admin and viewer (taking turns), and the ratio.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi.delivery.storage import engine_for  # noqa: E402
from kpi.metrics.compute import protected_breakdown, protected_results  # noqa: E402
from kpi.metrics.facts import REGION, Filters, load_facts  # noqa: E402
from kpi.metrics.registry import REGISTRY  # noqa: E402
from kpi.metrics.targets import load_targets  # noqa: E402
from kpi.sources.demo import load_demo  # noqa: E402
from kpi.views.explorer import Selection, protected_pivot  # noqa: E402


def medians_ms(view, roles: tuple[str, ...] = ("admin", "viewer"), runs: int = 9) -> list[float]:
    """The median time of each role's view; the roles take turns, so both see the same machine load."""
    for role in roles:
        view(role)  # warm
    times: dict[str, list[float]] = {role: [] for role in roles}
    for _ in range(runs):
        for role in roles:
            start = time.perf_counter()
            view(role)
            times[role].append((time.perf_counter() - start) * 1000)
    return [statistics.median(times[role]) for role in roles]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = engine_for(f"sqlite:///{Path(folder) / 'bench.db'}")
        load_demo(engine)
        facts, targets = load_facts(engine), load_targets()
        engine.dispose()
    school = Filters(schools=("03FO01",))
    kpi = REGISTRY["vakmanschapsroute_uitval"]
    views = {
        "results, region": lambda role: protected_results(facts, targets, role, REGION),
        "results, one school": lambda role: protected_results(facts, targets, role, school),
        "breakdown per school": lambda role: protected_breakdown(facts, kpi, targets, 2016, role),
        "pivot by opleiding": lambda role: protected_pivot(facts, Selection(), "opleiding", role),
    }
    print(f"{'view':24} {'admin ms':>9} {'viewer ms':>10} {'ratio':>6}")
    for name, view in views.items():
        admin, viewer = medians_ms(view)
        print(f"{name:24} {admin:9.1f} {viewer:10.1f} {viewer / admin:6.2f}")


if __name__ == "__main__":
    main()
