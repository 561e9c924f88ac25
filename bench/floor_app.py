"""The floor bench.slack measures ours against: the least a Slack app on this stack does for a turn.

    python -m bench.floor_app --port P   (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, OPENAI_BASE_URL)

It serves /slack/events as `mock-interview slack --http` does (an aiohttp web app handing requests to a slack_bolt
AsyncApp, its Web API client on one shared aiohttp session, the openai SDK on its aiohttp transport), and stores
nothing: `/mock-interview` posts a parent message and a first question in its thread; each thread reply gets one
model call and one question posted in the thread, with a button as ours has (bench.slack counts those).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any

import aiohttp
import openai
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bots.bootstrap import run_event_loop
from core.settings import Settings

FIRST_QUESTION = "Tell me about a model you shipped: how did you know it worked?"
SYSTEM = "You are a job interviewer. Ask the next interview question, given the candidate's answer."


def question_blocks(text: str) -> list[dict[str, Any]]:
    """The question and a Skip button, as ours posts a question with its buttons."""
    button = {"type": "button", "action_id": "floor:skip", "text": {"type": "plain_text", "text": "Skip"}}
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}, {"type": "actions", "elements": [button]}]


def build_app(model: openai.AsyncOpenAI, session: aiohttp.ClientSession) -> AsyncApp:
    """The bolt app: a command that opens a thread, and a model-written question for each reply in it."""
    app = AsyncApp(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])
    app.client.base_url = os.environ["SLACK_API_URL"]
    app.client.session = session  # as ours: one session for every Web API call

    @app.command("/mock-interview")
    async def _start(ack: Any, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        parent = await client.chat_postMessage(channel=command["channel_id"], text="A mock interview")
        await client.chat_postMessage(
            channel=command["channel_id"],
            thread_ts=parent["ts"],
            text=FIRST_QUESTION,
            blocks=question_blocks(FIRST_QUESTION),
        )

    @app.event("message")
    async def _reply(event: dict[str, Any], client: AsyncWebClient) -> None:
        if not event.get("thread_ts") or event.get("bot_id") or event.get("subtype"):
            return
        done = await model.chat.completions.create(
            model="bench",
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": event.get("text", "")}],
            max_tokens=300,
        )
        text = done.choices[0].message.content or FIRST_QUESTION
        await client.chat_postMessage(
            channel=event["channel"], thread_ts=event["thread_ts"], text=text, blocks=question_blocks(text)
        )

    return app


async def serve(port: int) -> None:
    """Serve /slack/events and /healthz on 127.0.0.1:port until SIGTERM or SIGINT."""
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    model = openai.AsyncOpenAI(
        api_key=os.environ.get("OPENAI_API_KEY", "sk-floor"),
        base_url=os.environ["OPENAI_BASE_URL"],
        max_retries=0,
        http_client=openai.DefaultAioHttpClient(),  # as ours: httpx's pool slows down with hundreds of calls in flight
    )
    app = build_app(model, session)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post("/slack/events", events)
    server.router.add_get("/healthz", health)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    stopped = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stopped.set)
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await stopped.wait()
    finally:
        await runner.cleanup()
        await model.close()
        await session.close()


def main() -> None:
    """Run the floor app on --port."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    # On the loop ours runs on (uvloop unless MOCK_INTERVIEW_UVLOOP=0), so the ratio compares the apps, not loops.
    run_event_loop(serve(parser.parse_args().port), uvloop=Settings().uvloop)


if __name__ == "__main__":
    main()
