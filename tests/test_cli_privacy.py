"""`mock-interview history` and `report` read the terminal's interviews unless asked for another platform.

The terminal is one person's machine: whoever runs it can read its database anyway, so the CLI lists every
terminal user's interviews (`--user` narrows it). Where DATABASE_URL is shared with the Slack or Discord bot, chat
users' interviews stay out of sight unless `--platform` names their platform (or `all`), as an operator would.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from core.domain.models import ConversationRef
from tests.support import make_service
from tests.test_cli import GOOD, ROOT, call_cli


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return clean


async def _slack_interview(database_url: str) -> str | None:
    """Start an interview in Slack on database_url; its id."""
    service = make_service(database_url)
    try:
        replies = await service.start(ConversationRef("slack", "T0WS", "C0CHAN", "1790.0001", "U0ADA"), role="hr")
        return next(r.interview_id for r in replies if r.interview_id)
    finally:
        await service.close()


def test_chat_users_interviews_stay_out_of_terminal_history_and_reports(env: dict[str, str]) -> None:
    # main() runs its own event loop, so this test has none. test_cli runs these commands as real processes.
    practised = call_cli(["practice", "--role", "law", "--questions", "1", "--user", "ada"], env, GOOD + "\nend\n")
    assert practised.returncode == 0, practised.stderr
    slack_id = asyncio.run(_slack_interview(env["DATABASE_URL"]))
    assert slack_id is not None

    listing = call_cli(["history"], env).stdout
    assert "Law" in listing and slack_id[:8] not in listing and "Human Resources" not in listing
    terminal_id = listing.splitlines()[1].split()[0]

    refused = call_cli(["report", slack_id], env)
    assert refused.returncode == 1 and f"No interview has an id starting with `{slack_id}`" in refused.stderr
    assert "Human Resources" in call_cli(["report", slack_id, "--platform", "slack"], env).stdout
    everything = call_cli(["history", "--platform", "all"], env).stdout
    assert slack_id[:8] in everything and terminal_id in everything

    assert call_cli(["report", terminal_id, "--user", "grace"], env).returncode == 1  # not grace's
    assert "Law" in call_cli(["report", terminal_id, "--user", "ada"], env).stdout
