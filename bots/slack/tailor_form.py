"""The `/mock-interview tailor` form: a modal to paste a job posting into, with an optional role and number of
questions; and its submission (view_submission) read back as a tailored start. Pure: dicts in, values out."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bots.slack.views import submission
from core.domain.tailoring import TailorRequest

CALLBACK_ID = "mi-tailor"
POSTING_BLOCK = "posting"
ROLE_BLOCK = "role"
QUESTIONS_BLOCK = "questions"
TEXT_LIMIT = 3000  # Slack's cap on a plain_text_input
TITLE = "Tailored interview"  # a modal's title is at most 24 characters
OPTIONS_LIMIT = 100  # options in a static_select
POSTING_HINT = (
    f"Up to {TEXT_LIMIT:,} characters (Slack's limit for this box). For a longer posting, or a PDF or Word file, "
    'upload it in your messages with me, with the word "tailor".'
)
ROLE_HINT = "Leave it empty and I pick the closest role for the posting."
_MARKS = re.compile(r"\*\*|`")  # Markdown the core's words carry, shown as plain text in a form


@dataclass(frozen=True)
class TailorForm:
    """A submitted form: where the interview is to start (the channel the command was typed in), who asked, the
    view's id (the same for every delivery of one submission) and the start it asks for."""

    channel: str
    user: str
    view_id: str
    request: TailorRequest


def tailor_view(
    roles: Sequence[tuple[str, str]], *, channel: str, user: str, role: str | None, most: int
) -> dict[str, Any]:
    """The modal: roles are (id, title) pairs, role the one chosen already (typed after `tailor`), most the largest
    number of questions."""
    options = [_option(role_id, title) for role_id, title in roles][:OPTIONS_LIMIT]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": ROLE_BLOCK,
        "placeholder": _plain("Chosen from the posting"),
        "options": options,
    }
    chosen = next((o for o in options if o["value"] == role), None)
    if chosen is not None:
        select["initial_option"] = chosen
    posting = {
        "type": "plain_text_input",
        "action_id": POSTING_BLOCK,
        "multiline": True,
        "max_length": TEXT_LIMIT,
        "placeholder": _plain("Paste the job posting: the title, what you will do, what they ask for."),
    }
    questions = {
        "type": "number_input",
        "action_id": QUESTIONS_BLOCK,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(most),
    }
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(TITLE),
        "submit": _plain("Start"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"channel": channel, "user": user}),
        "blocks": [
            _input(POSTING_BLOCK, "Job posting", posting, hint=POSTING_HINT),
            _input(ROLE_BLOCK, "Role", select, hint=ROLE_HINT, optional=True),
            _input(QUESTIONS_BLOCK, "Number of questions", questions, optional=True),
        ],
    }


def read_form(body: dict[str, Any]) -> TailorForm | None:
    """The start a view_submission of the form asks for; None for a submission that is not the form's, or that
    does not say where it was asked from."""
    sent = submission(body)
    if sent is None or sent.callback_id != CALLBACK_ID:
        return None
    channel, asked_by = str(sent.meta.get("channel") or ""), str(sent.meta.get("user") or sent.user)
    if not channel or asked_by != sent.user:
        return None
    values = sent.values
    posting = _value(values, POSTING_BLOCK).get("value")
    role = (_value(values, ROLE_BLOCK).get("selected_option") or {}).get("value")
    count = str(_value(values, QUESTIONS_BLOCK).get("value") or "").strip()
    request = TailorRequest(
        posting=posting if isinstance(posting, str) else "",  # empty: the core says what to send
        role=role if isinstance(role, str) and role else None,
        questions=int(count) if count.isdigit() else None,
    )
    return TailorForm(channel, sent.user, sent.view_id, request)


def form_errors(block: str, problem: str) -> dict[str, Any]:
    """The answer to a submission that cannot start: the problem shown under the field it is about."""
    return {"response_action": "errors", "errors": {block: _MARKS.sub("", problem)}}


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    found = (values.get(block) or {}).get(block)
    return found if isinstance(found, dict) else {}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _option(value: str, title: str) -> dict[str, Any]:
    return {"text": _plain(title[:75]), "value": value}


def _input(
    block: str, label: str, element: dict[str, Any], *, hint: str | None = None, optional: bool = False
) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "input", "block_id": block, "label": _plain(label), "element": element}
    if hint:
        found["hint"] = _plain(hint)
    if optional:
        found["optional"] = True
    return found
