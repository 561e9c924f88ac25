"""The store's database threads: an urgent call (the inbox write Slack waits on) runs before queued turns' work."""

from __future__ import annotations

import threading

import pytest

from db.executor import LaneExecutor


def test_an_urgent_call_runs_before_the_queued_ones_and_order_holds_within_a_lane() -> None:
    executor = LaneExecutor(1, name="test-db")
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def busy() -> None:
        started.set()
        release.wait(5)

    executor.submit(busy)
    assert started.wait(5)  # the only thread is in a transaction; everything below queues
    normal = [executor.submit(ran.append, name) for name in ("turn-1", "turn-2")]
    urgent = [executor.submit_urgent(ran.append, name) for name in ("inbox-1", "inbox-2")]
    release.set()
    for future in normal + urgent:
        future.result(timeout=5)
    assert ran == ["inbox-1", "inbox-2", "turn-1", "turn-2"]
    executor.shutdown()


def test_a_failing_call_hands_its_error_to_the_caller_and_the_thread_goes_on() -> None:
    executor = LaneExecutor(2, name="test-db")

    def fail() -> None:
        raise ValueError("constraint")

    with pytest.raises(ValueError, match="constraint"):
        executor.submit(fail).result(timeout=5)
    assert executor.submit(sum, [1, 2, 3]).result(timeout=5) == 6
    executor.shutdown()
    with pytest.raises(RuntimeError):
        executor.submit(sum, [1])
