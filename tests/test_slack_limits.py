"""The limits reach the person in Slack: the real AsyncApp over HTTP, against the loopback fake Slack."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.fakes.slack_payloads import thread_reply
from tests.slack_support import block_text, is_question, slack_harness


def user() -> str:
    return f"U{uuid.uuid4().hex[:8].upper()}"


async def test_one_interview_too_many_and_answering_too_fast_are_explained_in_the_thread(tmp_path: Path) -> None:
    limits = {"MOCK_INTERVIEW_MAX_OPEN_PER_USER": 1, "MOCK_INTERVIEW_ANSWERS_PER_MINUTE": 1}
    async with slack_harness(f"sqlite:///{tmp_path / 'limits.db'}", **limits) as h:
        who = user()
        assert await h.command("data-science questions=3", user=who, channel="C0FIRST") == 200
        await h.fake.wait_for(lambda: "C0FIRST" in h.fake.messages)
        first = h.parent("C0FIRST", who)["ts"]
        await h.wait_thread("C0FIRST", first, after=0)

        # A second interview in another channel: the new thread says why not, and how to end the open one.
        assert await h.command("law", user=who, channel="C0SECOND") == 200
        await h.fake.wait_for(lambda: "C0SECOND" in h.fake.messages)
        second = h.parent("C0SECOND", who)["ts"]
        await h.fake.wait_for(lambda: any("interview open" in block_text(m) for m in h.thread("C0SECOND", second)))
        [refusal] = h.thread("C0SECOND", second)
        assert "1 interview open" in block_text(refusal) and "`end`" in block_text(refusal)
        assert not is_question(refusal)

        # Two answers within a minute, with a limit of one: the second is refused and says how long to wait.
        for n, text in enumerate(("Duplicate keys, probably.", "Then I would check the join keys.")):
            seen = len(h.thread("C0FIRST", first))
            await h.event(thread_reply(text, user=who, channel="C0FIRST", thread_ts=first), event_id=f"Ev{who}{n}")
            await h.fake.wait_for(lambda seen=seen: len(h.thread("C0FIRST", first)) > seen)
        last = block_text(h.thread("C0FIRST", first)[-1])
        assert "more than 1 answer in a minute" in last and "send the same answer again" in last
