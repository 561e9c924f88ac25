"""Token cost and bill of one 25-pair interview: our prompts against the naive approach, on the same transcript.

    python -m bench.tokens [--json]

Ours: the interview runs through InterviewService against the fake OpenAI server, which counts tokens the way it
always does (4 characters a token, cached = the prefix shared with any of its recent prompts, in 128-token steps
from 1,024, as OpenAI caches). Naive: the same transcript replayed as the web app did it: every turn resends the
system prompt and the whole conversation so far, and one final call grades every answer. Each approach runs on a
fake server of its own, so neither finds the other's prompts in the cache.

The bill is in input-token equivalents: uncached prompt tokens count 1, cached ones 0.25 (OpenAI's gpt-4.1 family
bills cached input at a quarter of the price). `billed` and `billed_ratio` count input only, as the issue that asked
for them did; output is billed apart at 4 input tokens a token there, so `billed_with_output` adds the completion
tokens at that rate (the fake's replies are of plausible length, not a model's, so read that figure more loosely).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import openai

from bench.common import print_figures
from bots.bootstrap import build_runtime
from core.coaching.model_interviewer import system_prompt
from core.coaching.prompts import render
from core.domain.models import ConversationRef, Interview, UsageTotals
from core.domain.roles import load_catalog
from core.settings import Settings
from tests.fakes.openai_server import FakeOpenAI

CACHED_RATE = 0.25  # a cached input token costs a quarter of an uncached one
OUTPUT_RATE = 4.0  # an output token costs four uncached input tokens
ROLE = "data-science"
PAIRS = 25
FOLLOW_UP = "What trade-offs did you weigh there, and what would you do differently next time?"
# A typical spoken answer: about 170 words, a little over a minute at interview pace.
ANSWER = (
    "I would start by restating the goal and the metric we care about, because the right method depends on it. "
    "Then I would look at the data: how it was collected, its grain, missing values and obvious biases, and I would "
    "agree a baseline with the team before building anything. For example, in my last role we were asked to predict "
    "churn; the first model looked great until we found that one feature leaked the label, since it was only filled "
    "in after a customer had left. We removed it, used time-based validation, and the honest model still beat the "
    "baseline by twelve points of recall at the same precision. I would weigh the trade-off between a simple, "
    "explainable model and a more accurate one with the people who will act on it, and then monitor the model after "
    "launch, because drift shows up within weeks. Finally I would write down what we learned so the next project "
    "starts from it."
)


def _follow_up_every_main_question(fake: FakeOpenAI) -> None:
    """Make the fake interviewer follow up once on every main question, as a real one often does."""

    def respond(body: dict[str, Any]) -> str:
        data = json.loads(fake.default_responder(body))
        turn = str(body["messages"][-1].get("content", ""))
        last_exchange = turn[turn.rfind("Interviewer (") :]
        if "action" in data and "follow_up (allowed)" in turn and last_exchange.startswith("Interviewer (question)"):
            data = {"action": "follow_up", "message": FOLLOW_UP, "note": data.get("note", "")}
        return json.dumps(data)

    fake.responder = respond


async def _our_interview(fake: FakeOpenAI, database_url: str) -> tuple[Interview, UsageTotals]:
    settings = Settings(
        DATABASE_URL=database_url,
        OPENAI_API_KEY="sk-bench",
        OPENAI_BASE_URL=fake.base_url,
        MOCK_INTERVIEW_MODEL="m",
        MOCK_INTERVIEW_ANSWERS_PER_MINUTE=0,  # 25 answers in a few seconds: faster than any person may
    )
    runtime = build_runtime(settings, rng=random.Random(3))
    service = runtime.service
    conv = ConversationRef("bench", "", "tokens", None, "candidate")
    _follow_up_every_main_question(fake)
    try:
        replies = await service.start(conv, role=ROLE, questions=13)
        for _ in range(PAIRS):
            replies = await service.answer(conv, ANSWER)
        card = next(r.scorecard for r in replies if r.scorecard)
        interview = await runtime.store.get_interview(card.interview_id)
        assert interview is not None
        return interview, await runtime.store.usage_totals(interview.id)
    finally:
        await service.close()


async def _naive(fake: FakeOpenAI, interview: Interview, pack_system: str) -> dict[str, int]:
    """Replay the transcript the naive way and sum the usage the fake server reports."""
    client = openai.AsyncOpenAI(api_key="sk-bench", base_url=fake.base_url, max_retries=0)
    totals = {"prompt": 0, "cached": 0, "completion": 0, "calls": 0}

    async def call(messages: list[dict[str, str]]) -> None:
        reply = await client.chat.completions.create(
            model="m", messages=messages, response_format={"type": "json_object"}
        )
        usage = reply.usage
        assert usage is not None
        details = usage.prompt_tokens_details
        totals["prompt"] += usage.prompt_tokens
        totals["cached"] += (details.cached_tokens or 0) if details else 0
        totals["completion"] += usage.completion_tokens
        totals["calls"] += 1

    history: list[dict[str, str]] = [{"role": "system", "content": pack_system}]
    turns = interview.turns
    try:
        # Each call is answered with what our interviewer said next, so completions match too.
        fake.enqueue_content(json.dumps({"message": turns[0].question}))
        await call(history)  # the opening question
        for n, turn in enumerate(turns):
            history += [{"role": "assistant", "content": turn.question}, {"role": "user", "content": turn.answer or ""}]
            following = turns[n + 1].question if n + 1 < len(turns) else "Thank you, that is the end."
            fake.enqueue_content(json.dumps({"message": following}))
            await call(history)  # the next move, seeing everything so far
        transcript = "\n\n".join(
            f"Q{t.seq}: {t.question}\n<candidate_answer>\n{t.answer or ''}\n</candidate_answer>"
            for t in interview.turns
        )
        grader = render("grader_system")
        grades = [{"seq": t.seq, **(t.grade.to_dict() if t.grade else {})} for t in turns]
        fake.enqueue_content(json.dumps({"grades": grades, "summary": interview.summary}))
        await call(
            [{"role": "system", "content": grader}, {"role": "user", "content": f"Grade every answer.\n\n{transcript}"}]
        )
    finally:
        await client.close()
    return totals


def billed(prompt: int, cached: int, completion: int = 0) -> float:
    """Input-token equivalents: uncached prompt tokens at 1, cached at CACHED_RATE, completion at OUTPUT_RATE."""
    return prompt - cached + CACHED_RATE * cached + OUTPUT_RATE * completion


async def run() -> dict[str, Any]:
    """Run both approaches and return the figures."""
    async with FakeOpenAI() as fake:
        with tempfile.TemporaryDirectory() as folder:
            interview, usage = await _our_interview(fake, f"sqlite:///{Path(folder) / 'tokens.db'}")
    ours = {
        "prompt": usage.prompt_tokens,
        "cached": usage.cached_tokens,
        "completion": usage.completion_tokens,
        "calls": usage.calls,
    }
    async with FakeOpenAI() as fake:  # a cache of its own: the naive prompts find none of ours
        naive = await _naive(fake, interview, system_prompt(load_catalog().resolve(ROLE)))
    ours_billed, naive_billed = billed(ours["prompt"], ours["cached"]), billed(naive["prompt"], naive["cached"])
    ours_total = billed(ours["prompt"], ours["cached"], ours["completion"])
    naive_total = billed(naive["prompt"], naive["cached"], naive["completion"])
    return {
        "pairs": len(interview.turns),
        "ours_prompt_tokens": ours["prompt"],
        "ours_cached_tokens": ours["cached"],
        "ours_completion_tokens": ours["completion"],
        "ours_calls": ours["calls"],
        "naive_prompt_tokens": naive["prompt"],
        "naive_cached_tokens": naive["cached"],
        "naive_completion_tokens": naive["completion"],
        "naive_calls": naive["calls"],
        "ratio": round(ours["prompt"] / naive["prompt"], 3),
        "uncached_ratio": round((ours["prompt"] - ours["cached"]) / (naive["prompt"] - naive["cached"]), 3),
        "ours_billed": round(ours_billed),
        "naive_billed": round(naive_billed),
        "billed_ratio": round(ours_billed / naive_billed, 3),
        "ours_billed_with_output": round(ours_total),
        "naive_billed_with_output": round(naive_total),
        "billed_with_output_ratio": round(ours_total / naive_total, 3),
    }


def main() -> None:
    """Print the table, or one JSON object with --json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    as_json = parser.parse_args().json
    print_figures(asyncio.run(run()), as_json=as_json)


if __name__ == "__main__":
    main()
