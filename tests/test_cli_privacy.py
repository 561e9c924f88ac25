"""`mock-interview history` and `report` read the terminal's interviews unless asked for another platform.

The terminal is one person's machine: whoever runs it can read its database anyway, so the CLI lists every
terminal user's interviews (`--user` narrows it). Where DATABASE_URL is shared with the Slack or Discord bot, chat
users' interviews stay out of sight unless `--platform` names their platform (or `all`), as an operator would.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.domain.models import ConversationRef
from tests.support import make_service
from tests.test_cli import GOOD, ROOT, run_cli


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return clean


async def test_chat_users_interviews_stay_out_of_terminal_history_and_reports(env: dict[str, str]) -> None:
    practised = run_cli(["practice", "--role", "law", "--questions", "1", "--user", "ada"], env, GOOD + "\nend\n")
    assert practised.returncode == 0, practised.stderr
    service = make_service(env["DATABASE_URL"])
    try:
        replies = await service.start(ConversationRef("slack", "T0WS", "C0CHAN", "1790.0001", "U0ADA"), role="hr")
        slack_id = next(r.interview_id for r in replies if r.interview_id)
    finally:
        await service.close()
    assert slack_id is not None

    listing = run_cli(["history"], env).stdout
    assert "Law" in listing and slack_id[:8] not in listing and "Human Resources" not in listing
    terminal_id = listing.splitlines()[1].split()[0]

    refused = run_cli(["report", slack_id], env)
    assert refused.returncode == 1 and f"No interview has an id starting with `{slack_id}`" in refused.stderr
    assert "Human Resources" in run_cli(["report", slack_id, "--platform", "slack"], env).stdout
    everything = run_cli(["history", "--platform", "all"], env).stdout
    assert slack_id[:8] in everything and terminal_id in everything

    assert run_cli(["report", terminal_id, "--user", "grace"], env).returncode == 1  # not grace's
    assert "Law" in run_cli(["report", terminal_id, "--user", "ada"], env).stdout
