"""`run_slack` at start, as a real process against the fake Slack: a rejected token exits 2 with one line naming it
(before anything listens or connects), and the HTTP server binds the host it is given."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.process_support import free_port, process_env, wait_healthy

WRONG_BOT = "xoxb-0000-1111-wrongwrongwrong"
WRONG_APP = "xapp-1-A0000-2222-wrongwrongwrong"


def _run_slack(*, http: bool, port: int = 0, host: str | None = None) -> list[str]:
    """`python -c` calling run_slack as `mock-interview slack` does, with the settings of the environment."""
    where = f", host={host!r}" if host is not None else ""
    code = (
        "import sys; from core.settings import Settings; from bots.slack.runner import run_slack; "
        f"sys.exit(run_slack(Settings(), http={http}, port={port}{where}))"
    )
    return [sys.executable, "-c", code]


async def _finish(process: asyncio.subprocess.Process, within_s: float) -> tuple[int | None, str, str]:
    """Wait for the process to end by itself (killed after within_s); its exit code, stdout and stderr."""
    try:
        out, err = await asyncio.wait_for(process.communicate(), within_s)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
        return None, out.decode(), err.decode()
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("http", "bot", "app", "named"),
    [
        (True, WRONG_BOT, None, "SLACK_BOT_TOKEN"),
        (False, WRONG_BOT, APP_TOKEN, "SLACK_BOT_TOKEN"),
        (False, BOT_TOKEN, WRONG_APP, "SLACK_APP_TOKEN"),
    ],
    ids=["http-bot-token", "socket-bot-token", "socket-app-token"],
)
async def test_a_rejected_token_exits_2_with_one_line_naming_it(
    tmp_path: Path, http: bool, bot: str, app: str | None, named: str
) -> None:
    async with FakeSlack() as fake:
        env = process_env(
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'tokens.db'}",
            SLACK_BOT_TOKEN=bot,
            SLACK_SIGNING_SECRET="startup-secret",
            SLACK_API_URL=fake.base_url,
            **({"SLACK_APP_TOKEN": app} if app else {}),
        )
        process = await asyncio.create_subprocess_exec(
            *_run_slack(http=http, port=free_port()), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        code, out, err = await _finish(process, 20)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "rejected" in lines[0], err
    assert "listening" not in out and "connected" not in out
    assert "Traceback" not in err
    assert all(token not in out + err for token in (bot, app) if token)
    assert fake.calls_to("auth.test")  # it asked Slack, rather than guessing from the token's form


async def test_http_binds_the_host_it_is_given(tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack() as fake:
        env = process_env(
            tmp_path,
            DATABASE_URL=f"sqlite:///{tmp_path / 'host.db'}",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET="startup-secret",
            SLACK_API_URL=fake.base_url,
        )
        process = await asyncio.create_subprocess_exec(
            *_run_slack(http=True, port=port, host="127.0.0.2"), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            async with aiohttp.ClientSession() as http:
                waiting = asyncio.create_task(wait_healthy(http, f"http://127.0.0.2:{port}/healthz", within_s=20))
                ended = asyncio.create_task(process.wait())
                done, _ = await asyncio.wait({waiting, ended}, timeout=25, return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                assert waiting in done and waiting.exception() is None, await _finish(process, 1)
                with pytest.raises(aiohttp.ClientConnectionError):  # nothing listens on the other addresses
                    async with http.get(f"http://127.0.0.1:{port}/healthz"):
                        pass
        finally:
            if process.returncode is None:
                process.terminate()
            code, out, err = await _finish(process, 30)
    assert code == 0, err
    assert f"listening on port {port}" in out
