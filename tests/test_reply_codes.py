"""Replies carry a machine-readable code where adapters act on them, so adapters never compare wording."""

from __future__ import annotations

from pathlib import Path

from core.domain.replies import ReplyCode, ReplyKind
from tests.support import conv_for, make_service


async def test_every_way_of_finding_nothing_open_says_so_with_a_code(tmp_path: Path) -> None:
    service = make_service(f"sqlite:///{tmp_path / 'codes.db'}")
    try:
        conv = conv_for("nobody-open")
        answered = await service.answer(conv, "my answer", event_id="e1")
        commanded = await service.command(conv, "skip")
        spoken = await service.voice(conv, b"OggS" + bytes(64), filename="a.ogg", event_id="e2")
        for replies in (answered, commanded, spoken):
            assert [(r.kind, r.code) for r in replies] == [(ReplyKind.INFO, ReplyCode.NO_INTERVIEW)]
        assert ReplyCode.NO_INTERVIEW == "no_interview"  # the value adapters may also see serialised

        # Once an interview is open, nothing it says carries that code, and plain information carries none; its
        # intro says it started (Slack updates the thread's parent line on it).
        started = await service.start(conv, role="data-science", questions=1)
        helped = await service.command(conv, "help")
        paused = await service.command(conv, "pause")
        assert [r.code for r in started] == [ReplyCode.STARTED, None]
        assert all(r.code is None for r in helped + paused)
        assert any(r.is_question for r in started)
    finally:
        await service.close()
