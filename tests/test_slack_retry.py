"""When the AI interviewer fails: the answer is kept, the thread says so, and the Retry button carries on."""

from __future__ import annotations

import uuid
from pathlib import Path

from core.domain.models import ConversationRef
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack_payloads import thread_reply
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import block_text, is_question, slack_harness
from tests.support import store_of

CHANNEL = "C0RETRY"


async def test_a_model_outage_keeps_the_answer_and_retry_continues(tmp_path: Path) -> None:
    async with FakeOpenAI(hang_seconds=1.5) as openai:
        settings = {
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
            "OPENAI_BASE_URL": openai.base_url,
            "MOCK_INTERVIEW_TURN_DEADLINE": 1,
            "MOCK_INTERVIEW_MODEL_RETRIES": 0,
        }
        async with slack_harness(f"sqlite:///{tmp_path / 'retry.db'}", **settings) as h:
            who = f"U{uuid.uuid4().hex[:8].upper()}"
            assert await h.command("swe questions=2", user=who, channel=CHANNEL) == 200
            await h.fake.wait_for(lambda: CHANNEL in h.fake.messages)
            thread_ts = h.parent(CHANNEL, who)["ts"]
            await h.wait_thread(CHANNEL, thread_ts, after=0)
            before = len(h.thread(CHANNEL, thread_ts))
            openai.enqueue("timeout", "timeout")  # the interviewer's next move hangs past the turn deadline
            answer = "I would profile first, then cache the hot path and measure again."
            await h.event(thread_reply(answer, user=who, channel=CHANNEL, thread_ts=thread_ts))
            await h.fake.wait_for(lambda: len(h.thread(CHANNEL, thread_ts)) > before)
            failed = h.thread(CHANNEL, thread_ts)[-1]
            assert block_text(failed).startswith(":warning:") and "Your answer is saved" in block_text(failed)
            assert [e["action_id"] for e in failed["blocks"][-1]["elements"]] == ["mi:retry"]
            conv = ConversationRef("slack", TEAM_ID, CHANNEL, thread_ts, who)
            interview = await store_of(h.service).get_open_interview(conv)
            assert interview is not None and interview.turns[0].answer == answer
            await h.click(failed, "mi:retry", user=who, channel=CHANNEL)
            new = await h.wait_thread(CHANNEL, thread_ts, after=before + 1)
            assert is_question(new[-1])
