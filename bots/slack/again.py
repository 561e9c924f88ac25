"""The "Try again" buttons under a scorecard: one per weak main answer, asking that question again in the thread."""

from __future__ import annotations

from typing import Any

from bots.slack.inbound import ACTION_PREFIX, button_value
from core.domain.replies import Scorecard

TRY_AGAIN = "try_again"  # the action id's command part: "mi:try_again:<seq>" (action ids are unique in a block)


def try_again_block(card: Scorecard) -> dict[str, Any] | None:
    """An actions block with a button per answer the scorecard offers again, or None when it offers none."""
    elements = [
        {
            "type": "button",
            "action_id": f"{ACTION_PREFIX}{TRY_AGAIN}:{seq}",
            "text": {"type": "plain_text", "text": label},
            "value": button_value(card.interview_id, seq),
        }
        for seq, label in card.try_again_buttons
    ]
    return {"type": "actions", "block_id": "mi-try-again", "elements": elements} if elements else None


def is_try_again(command: str) -> bool:
    """Whether a clicked button's command part is a "Try again" one."""
    return command.startswith(TRY_AGAIN + ":")
