"""`mock-interview practice` against a server that behaves like llama-cpp-python's (json_schema refused with a 500)
and transcribes like faster-whisper (segments without scores): the model runs the interview on json_object after
at most two 500s (the first answer's move and grade run at once), and an `@file` answer is heard."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.fakes.openai_responder import FOLLOW_UP
from tests.fakes.openai_server import FakeOpenAI
from tests.test_cli import CLI, GOOD, ROOT
from tests.voice_support import AUDIO

CHILD_TIMEOUT = 40


@pytest.mark.timeout(60)
async def test_practice_on_a_llama_cpp_like_server_with_a_voice_answer(tmp_path: object) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    async with FakeOpenAI(rejects_json_schema_with=500) as fake:
        fake.segment_omits = frozenset({"avg_logprob", "no_speech_prob"})
        environ.update(
            DATABASE_URL=f"sqlite:///{tmp_path}/cli.db",
            PYTHONPATH=str(ROOT),
            NO_COLOR="1",
            OPENAI_API_KEY="sk-test-key-for-fake",
            OPENAI_BASE_URL=fake.base_url,
        )
        child = await asyncio.create_subprocess_exec(
            *CLI,
            *("practice", "--role", "swe", "--questions", "2", "--user", "llama", "--language", "en"),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environ,
            cwd=ROOT,
        )
        answers = f"{GOOD}\n@{AUDIO / 'voice-message.ogg'}\nend\n".encode()
        out, err = await asyncio.wait_for(child.communicate(answers), CHILD_TIMEOUT)

    said = " ".join(out.decode().split())
    assert child.returncode == 0, err.decode()
    assert "I heard (0:06)" in said and "This is a transcribed answer." in said
    assert "Fake question" in said and FOLLOW_UP in said  # the model's moves, not the built-in coach's
    kinds = [(r["body"].get("response_format") or {}).get("type") for r in fake.requests]
    # The first answer's move and grade run at once, so each may be refused; then it is never asked again.
    assert kinds[0] == "json_schema" and 1 <= kinds.count("json_schema") <= 2
    assert "json_schema" not in kinds[3:] and len(kinds) >= 5
