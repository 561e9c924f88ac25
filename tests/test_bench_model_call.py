"""bench.model_call: each way of calling the model is measured, and ours costs less CPU than the SDK's typed call."""

from __future__ import annotations

from bench.common import start_fake_model
from bench.model_call import _measure


async def test_our_model_call_costs_less_cpu_than_the_sdk_typed_call() -> None:
    fake, url = start_fake_model((0.0, 0.0))
    try:
        figures = await _measure(url, calls=400, concurrency=20)
    finally:
        fake.terminate()
        fake.wait()
    assert figures["calls"] == 400 and all(figures[k] > 0 for k in ("sdk_create_ms", "ours_ms", "bare_aiohttp_ms"))
    assert figures["ours_ms"] < figures["sdk_create_ms"], figures  # about half when measured (bench/RESULTS.md)
