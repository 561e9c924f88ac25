"""How long the charts take: loading matplotlib in a fresh process, then scorecard and progress PNGs one after another.

    python -m bench.charts [--renders 20] [--json]

The first chart of a process pays for the import (and, the very first time on a machine, for matplotlib's font
cache); later ones only draw. Charts are drawn off the event loop, so this is time a worker thread spends, not time
the loop stalls.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import date

from bench.common import percentile, print_figures
from core.domain.replies import Scorecard, ScoreItem
from core.interview.charts import progress_png, scorecard_png
from core.interview.progress import InterviewPoint, Progress, TopicScore

_FIRST = (
    "import time; t = time.perf_counter(); from core.interview.charts import scorecard_png; "
    "from bench.charts import sample_card; scorecard_png(sample_card()); print(time.perf_counter() - t)"
)


def sample_card() -> Scorecard:
    """A scorecard of ten answers, as a 5-question interview with follow-ups gives."""
    items = tuple(
        ScoreItem(
            seq=n, kind="question" if n % 2 else "follow_up", question="Q", answer="A", score=n % 10 + 1, feedback=""
        )
        for n in range(1, 11)
    )
    return Scorecard("0" * 8, "data-science", "Data Science", 6.4, 5, 5, items)


def sample_progress() -> Progress:
    """Twelve interviews in two roles and three weak topics."""
    points = [InterviewPoint(f"i{n}", date(2026, 11, n + 1), 4.0 + n * 0.4) for n in range(12)]
    topics = [TopicScore(f"Topic {n}", 3.0 + n, 4) for n in range(3)]
    return Progress(12, {"data-science": points[:6], "law": points[6:]}, topics, [], None, None, 5)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=20, help="charts of each kind to draw")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    first = float(subprocess.run([sys.executable, "-c", _FIRST], capture_output=True, text=True, check=True).stdout)
    card, progress, titles = sample_card(), sample_progress(), {"data-science": "Data Science", "law": "Law"}
    scorecard_png(card)  # this process's import, not measured again
    timings: dict[str, list[float]] = {"scorecard": [], "progress": []}
    size = {"scorecard": 0, "progress": 0}
    for _ in range(args.renders):
        started = time.perf_counter()
        size["scorecard"] = len(scorecard_png(card, day=date(2026, 12, 4)))
        timings["scorecard"].append(time.perf_counter() - started)
        started = time.perf_counter()
        size["progress"] = len(progress_png(progress, titles))
        timings["progress"].append(time.perf_counter() - started)
    figures = {
        "first_chart_in_a_process_ms": round(first * 1000),
        **{f"{kind}_p50_ms": round(percentile(t, 50) * 1000, 1) for kind, t in timings.items()},
        **{f"{kind}_p95_ms": round(percentile(t, 95) * 1000, 1) for kind, t in timings.items()},
        **{f"{kind}_png_bytes": size[kind] for kind in size},
    }
    print_figures(figures, as_json=args.json)


if __name__ == "__main__":
    main()
