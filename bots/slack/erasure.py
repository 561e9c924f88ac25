"""`/mock-interview delete-my-data`: a private confirmation, then erasing the person's data in this workspace."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bots.slack import render
from bots.slack.inbound import PLATFORM, EraseChoice, parse_erase_button
from bots.slack.replies import Respond
from core.domain import messages
from core.interview.service import InterviewService

log = logging.getLogger(__name__)

# Well beyond anyone's practice: the count shown is exact for every real person.
COUNT_LIMIT = 10_000
NOTHING_STORED = "You have no interviews stored in this workspace: there is nothing to delete."
CANCELLED = "Cancelled: nothing was deleted."
FAILED = "Something went wrong on my side while erasing. Run `/mock-interview delete-my-data` again."


def not_yours(owner: str) -> str:
    """Told to someone who clicks another person's confirmation."""
    return f"These buttons are {render.mention(owner)}'s: only they can erase their data."


class DataErasure:
    """Asks a person to confirm erasing their data, and erases it on their own click, once."""

    def __init__(self, service: InterviewService) -> None:
        self.service = service

    async def ask(self, *, team: str, user: str, respond: Respond) -> None:
        """Show privately what would be erased, with "Delete my data" and "Cancel"."""
        rows = await self.service.history(user_id=user, platform=PLATFORM, workspace_id=team, limit=COUNT_LIMIT)
        if not rows:
            await respond(text=NOTHING_STORED, response_type="ephemeral", replace_original=False)
            return
        prompt = render.erase_prompt(
            interviews=len(rows),
            answers=sum(r.answered for r in rows),
            team_id=team,
            owner_id=user,
            prompt_id=uuid.uuid4().hex,
        )
        await respond(text=prompt.text, blocks=prompt.blocks, response_type="ephemeral", replace_original=False)

    async def on_button(self, body: dict[str, Any], *, respond: Respond) -> None:
        """A click on "Delete my data" or "Cancel" (already acknowledged)."""
        user = (body.get("user") or {}).get("id", "")
        actions = body.get("actions") or []
        choice = parse_erase_button(actions[0], user_id=user) if actions else None
        if choice is None:
            return
        if choice.user_id != choice.owner_id:
            # Claimed so that the same click delivered again (its acknowledgement lost) is answered once.
            trigger = body.get("trigger_id")
            if not trigger or await self.service.claim_event(PLATFORM, f"click:{trigger}"):
                await respond(text=not_yours(choice.owner_id), response_type="ephemeral", replace_original=False)
            return
        await self._settle(choice, respond=respond)

    async def _settle(self, choice: EraseChoice, *, respond: Respond) -> None:
        """Erase (or not), then replace the confirmation by what happened, so its buttons are gone. One answer per
        confirmation: a double click, Cancel after Delete, or a redelivered click acts once."""
        decided = f"erase:{choice.prompt_id}"
        if not choice.confirm:
            if not await self.service.claim_event(PLATFORM, decided):
                return
            outcome = CANCELLED
        else:
            try:
                erased = await self.service.delete_user_data(
                    user_id=choice.owner_id, platform=PLATFORM, workspace_id=choice.team_id, event_id=decided
                )
            except Exception:
                log.exception("erasing a person's data failed")
                erased, outcome = None, FAILED
            else:
                if erased is None:
                    return
                outcome = messages.deleted(erased)
        text = render.defuse(outcome)
        await respond(text=text, blocks=[render.section(text)], response_type="ephemeral", replace_original=True)
