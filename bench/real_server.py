"""The AI path against a real OpenAI-compatible server: N grades and one short interview through our own code.

    OPENAI_API_KEY=anything OPENAI_BASE_URL=http://127.0.0.1:8089/v1 MOCK_INTERVIEW_MODEL=<name> \
        python -m bench.real_server [--grades 10] [--questions 2] [--role data-science] [--json]

Every request goes through a loopback proxy of ours that counts the calls, the HTTP statuses (500s included) and the
response_format each asked for, so the figures say what the server saw, not what the client believes. Prints: calls,
500s, the structured-output rung the client ends on and the rungs the requests asked for, grading latency p50/p95,
how many grades came from the model (not the built-in coach), and the interview's graders per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bench.common import percentile, print_figures
from bench.grading_set import load_set
from bots.bootstrap import build_coaches, build_runtime, model_clients
from core.coaching.flow import GradeRequest
from core.domain.models import ConversationRef, TurnKind
from core.domain.replies import ReplyKind
from core.domain.roles import load_catalog
from core.ports import ModelError
from core.settings import Settings

# What an interview answer says when the labelled set has none for the question asked (a follow-up).
GENERIC_ANSWER = (
    "First I would clarify the goal and the metric, because the trade-off depends on it. For example in my last role "
    "we compared two options, measured the impact on latency and cost, and as a result cut errors by 30 percent."
)
_HOP_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"})
MAX_STEPS = 8  # answers given to one interview at most: follow-ups may come, an outage may keep it open


@dataclass
class Seen:
    """What the proxy saw: one entry per request forwarded."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def statuses(self) -> dict[str, int]:
        """Count of each HTTP status (as text, for JSON)."""
        return {str(k): v for k, v in sorted(Counter(c["status"] for c in self.calls).items())}

    def rungs(self) -> dict[str, int]:
        """How many requests asked for each response_format (text: none sent)."""
        return dict(Counter(c["format"] for c in self.calls))


def _reply_facts(payload: bytes) -> dict[str, Any]:
    """The completion tokens, finish reason and start of the content of a chat reply (nothing for other bodies)."""
    try:
        reply = json.loads(payload)
        choice = reply["choices"][0]
        content = str((choice.get("message") or {}).get("content"))[:400]
        return {"tokens": reply["usage"]["completion_tokens"], "finish": choice["finish_reason"], "content": content}
    except (ValueError, KeyError, IndexError, TypeError):
        return {}


def _rung(fmt: object) -> str:
    """The rung a request asked for, named as core.providers.formats names it (text: no response_format)."""
    if not isinstance(fmt, dict):
        return "text" if fmt is None else "?"
    kind = str(fmt.get("type", "text"))
    return f"{kind}+schema" if kind == "json_object" and "schema" in fmt else kind


async def start_proxy(upstream: str, seen: Seen) -> tuple[web.AppRunner, str, aiohttp.ClientSession]:
    """A loopback proxy to upstream (scheme://host:port) recording each request: its runner, URL and session."""
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
    base = upstream.rstrip("/")

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            parsed = json.loads(body) if body else {}
        except ValueError:
            parsed = {}
        fmt = _rung(parsed.get("response_format") if isinstance(parsed, dict) else "?")
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "authorization")}
        started = time.perf_counter()
        entry: dict[str, Any] = {"path": request.path, "format": fmt, "status": 0}
        seen.calls.append(entry)  # now: a call the client gives up on (a timeout) still counts, with status 0
        try:
            async with session.request(request.method, base + request.path_qs, data=body, headers=headers) as resp:
                payload = await resp.read()
                status = resp.status
                # The server's own headers (x-request-id, openai-processing-ms) reach the client; aiohttp has
                # already decoded the body, so its length and encoding are the proxy's to set.
                kept = {k: v for k, v in resp.headers.items() if k.lower() not in _HOP_HEADERS}
        finally:
            entry["ms"] = round((time.perf_counter() - started) * 1000)
        entry["status"] = status
        if status >= 400:
            entry["body"] = payload[:300].decode("utf-8", "replace")
        else:
            entry.update(_reply_facts(payload))
        return web.Response(body=payload, status=status, headers=kept)

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", forward)
    # A client that gives up (a timeout) cancels its forwarded call, so the server drops it as it would unproxied.
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}", session


async def grade_many(settings: Settings, n: int, role: str) -> dict[str, Any]:
    """n grades of labelled answers (levels in turn) with the configured grader, one at a time, as a turn does."""
    catalog = load_catalog(settings.roles_dir)
    items = [it for it in load_set(catalog) if it.role == role]
    clients = model_clients(settings, None)
    if clients is None:
        raise SystemExit("Set OPENAI_API_KEY (any value for a local server) to measure a model.")
    chat, transcriber = clients
    grader = build_coaches(settings, chat).configured.grader
    latencies: list[float] = []
    from_model, failures = 0, Counter[str]()
    levels = ("strong", "garbage", "partial", "weak", "off_topic")
    scores: list[tuple[str, int]] = []
    try:
        for i in range(n):
            item, level = items[i % len(items)], levels[i % len(levels)]
            question = item.question
            request = GradeRequest(
                pack=catalog.get(role),
                kind=TurnKind.QUESTION,
                asked=question.text,
                answer=item.answers[level],
                key_points=question.key_points,
                main_question=question.text,
            )
            started = time.perf_counter()
            try:
                grade, _usage = await grader.grade(request)
            except ModelError as exc:  # in a turn the answer would be left for the built-in coach
                failures[type(exc).__name__] += 1
            else:
                from_model += grade.grader == "model"
                scores.append((level, grade.score))
            latencies.append((time.perf_counter() - started) * 1000)
        rung = getattr(chat, "structured_mode", "?")
    finally:
        await chat.close()
        await transcriber.close()
    return {
        "grades": n,
        "grades_from_model": from_model,
        "grade_failures": dict(failures),
        "rung_after_grades": rung,
        "grade_p50_ms": round(percentile(latencies, 50)),
        "grade_p95_ms": round(percentile(latencies, 95)),
        "scores": scores,
    }


async def interview(settings: Settings, role: str, questions: int) -> dict[str, Any]:
    """One short interview through the service; who graded each answer and whether the model was reported down."""
    catalog = load_catalog(settings.roles_dir)
    answers = {it.question.text: it.answers["strong"] for it in load_set(catalog) if it.role == role}
    runtime = build_runtime(settings, rng=random.Random(3))
    service = runtime.service
    conv = ConversationRef("bench", "", "real", None, "candidate")
    errors: list[str] = []
    started = time.perf_counter()
    interview_id = None
    try:
        replies = await service.start(conv, role=role, questions=questions)
        for step in range(MAX_STEPS):
            interview_id = interview_id or next((r.interview_id for r in replies if r.interview_id), None)
            errors += [r.text for r in replies if r.kind == ReplyKind.ERROR]
            asked = next((r.text for r in reversed(replies) if r.is_question), "")
            if not await service.is_open(conv):
                break
            text = next((a for q, a in answers.items() if q in asked), GENERIC_ANSWER)
            replies = await service.answer(conv, text, event_id=f"real-{step}")
        stored = await runtime.store.get_interview(interview_id) if interview_id else None
    finally:
        await runtime.close()
    turns = stored.turns if stored else []
    graders = [
        f"{t.grade.grader}:{t.grade.model or ''}" if t.grade else "ungraded" for t in turns if t.answer is not None
    ]
    return {
        "interview_s": round(time.perf_counter() - started, 1),
        "interview_status": str(stored.status) if stored else "never started",
        "interview_graders": graders,
        "interview_errors": [e[:160] for e in errors],
    }


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Both measurements behind one proxy: the figures, and every request the proxy saw."""
    base = Settings()
    if base.openai_base_url is None:
        raise SystemExit("Set OPENAI_BASE_URL to the server to measure, e.g. http://127.0.0.1:8089/v1.")
    seen = Seen()
    upstream = urlsplit(base.openai_base_url)
    # The proxy forwards paths as they come: the client keeps the base URL's path, the proxy its origin.
    runner, proxy, session = await start_proxy(f"{upstream.scheme}://{upstream.netloc}", seen)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(
                OPENAI_BASE_URL=proxy + upstream.path.rstrip("/"),
                DATABASE_URL=f"sqlite:///{Path(folder) / 'real.db'}",
                MOCK_INTERVIEW_ANSWERS_PER_MINUTE=0,
            )
            graded = await grade_many(settings, args.grades, args.role)
            grade_calls = len(seen.calls)
            talked = await interview(settings, args.role, args.questions)
    finally:
        await runner.cleanup()
        await session.close()
    ok_ms = [float(c["ms"]) for c in seen.calls if c["status"] == 200 and "tokens" in c]
    first_500 = next((i for i, c in enumerate(seen.calls) if c["status"] == 500), None)
    figures = {
        "model": base.model,
        "calls": len(seen.calls),
        "calls_abandoned": sum(c["status"] == 0 for c in seen.calls),  # the client timed out (or went away)
        "calls_for_grades": grade_calls,
        "statuses": seen.statuses(),
        "http_500s": sum(c["status"] == 500 for c in seen.calls),
        # Each phase is a client of its own, which meets a refused rung once: count the 500s after each one's first.
        "http_500s_after_first_call": sum(
            c["status"] == 500 for c in seen.calls[1:grade_calls] + seen.calls[grade_calls + 1 :]
        ),
        "first_500_at_call": first_500,
        "rungs_requested": seen.rungs(),
        "upstream_ok_p50_ms": round(percentile(ok_ms, 50)) if ok_ms else None,
        "upstream_ok_p95_ms": round(percentile(ok_ms, 95)) if ok_ms else None,
        "completion_tokens_max": max((c.get("tokens", 0) for c in seen.calls), default=0),
        "finish_reasons": dict(Counter(c["finish"] for c in seen.calls if "finish" in c)),
        **graded,
        **talked,
        "error_bodies": sorted({c.get("body", "") for c in seen.calls if c["status"] >= 400})[:3],
    }
    return figures, seen.calls


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grades", type=int, default=10, help="grading calls to make")
    parser.add_argument("--questions", type=int, default=2, help="main questions in the interview")
    parser.add_argument("--role", default="data-science")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--dump", help="write every request the proxy saw to this JSON file")
    args = parser.parse_args()
    figures, calls = asyncio.run(run(args))
    if args.dump:
        Path(args.dump).write_text(json.dumps(calls, indent=1))
    print_figures(figures, as_json=args.json)


if __name__ == "__main__":
    main()
