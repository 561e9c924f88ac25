"""Run every check and print the report: what works, what is off, and what to change."""

from __future__ import annotations

import asyncio

from bots.check.findings import Finding, exit_code, render
from bots.check.platforms import check_discord, check_slack
from bots.check.services import check_chat, check_database, check_speech
from core.settings import Settings


async def findings(settings: Settings) -> list[Finding]:
    """Every part's finding, in the order the report lists them (the slow network ones at once)."""
    remote = await asyncio.gather(
        check_chat(settings), check_speech(settings), check_slack(settings), check_discord(settings)
    )
    return [check_database(settings), *remote]


def run_check(settings: Settings) -> int:
    """Print the report; 0 when everything configured works, 1 otherwise."""
    found = asyncio.run(findings(settings))
    print(render(found))
    return exit_code(found)
