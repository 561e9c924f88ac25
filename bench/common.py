"""What the benchmarks share: percentiles, printing their figures, and the fake model in a process of its own."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99) of values; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def print_figures(figures: dict[str, Any], *, as_json: bool) -> None:
    """One JSON object for scripts, or an aligned table for people."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(map(len, figures)) + 2
    for key, value in figures.items():
        print(f"{key:<{width}}{value}")


def start_fake_model(latency: tuple[float, float]) -> tuple[subprocess.Popen[str], str]:
    """The fake OpenAI server in its own process (its work is not ours to measure), lean, answering after latency."""
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", "0", "--lean", "--latency", *map(str, latency)],
        stdout=subprocess.PIPE,  # it prints its URL and nothing more, so the pipe never fills
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert fake.stdout is not None
    return fake, fake.stdout.readline().strip()
