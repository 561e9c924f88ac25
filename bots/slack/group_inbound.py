"""Study groups' Slack payloads -> what the core is asked: `/mock-interview group ...`, the buttons and rating
selects under a group's messages, and the Answer form (a modal) and its submission. Pure: dicts in, values out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bots.slack.views import submission

GROUP_PREFIX = "mi-group:"  # "mi-group:<action>", or "mi-group:rate:<member>" for a rating select
ANSWER_FORM = "mi-group-answer"  # the Answer modal's callback_id
ANSWER_BLOCK = "answer"
ANSWER_LIMIT = 3000  # Slack's cap on a plain_text_input
CONTROLS = ("skip", "next", "end")  # the host's, through group_control
ACTIONS = ("join", "leave", "start", "answer", *CONTROLS)
GROUP_USAGE = "Open a study group with `/mock-interview group ROLE [questions=N] [minutes=M]` in a channel."

_QUESTION_KEYS = ("questions", "question", "q", "n")
_MINUTE_KEYS = ("minutes", "minute", "min", "m")


@dataclass(frozen=True)
class GroupRequest:
    """`/mock-interview group ROLE [questions=N] [minutes=M]`."""

    role: str
    questions: int | None = None
    minutes: int | None = None


def parse_group(words: str) -> GroupRequest | str:
    """The study group the words after `group` ask for, or what is wrong with them."""
    role_words: list[str] = []
    counts: dict[str, int] = {}
    for token in words.split():
        key, sep, value = token.partition("=")
        if not sep and token.isdigit():  # `group ds 3`, as `/mock-interview ds 3` starts a 3-question interview
            counts["questions"] = int(token)
            continue
        if not sep:
            role_words.append(token)
            continue
        name = "questions" if key.lower() in _QUESTION_KEYS else "minutes" if key.lower() in _MINUTE_KEYS else ""
        if not name:
            return f"Unknown option `{key}`. {GROUP_USAGE}"
        if not value.isdigit():
            return f"`{name}` must be a whole number. {GROUP_USAGE}"
        counts[name] = int(value)
    if not role_words:
        return f"Which role? {GROUP_USAGE}"
    return GroupRequest(" ".join(role_words), counts.get("questions"), counts.get("minutes"))


@dataclass(frozen=True)
class GroupAction:
    """A click on a group's button, or a rating chosen: which session and round it was shown under, and who."""

    name: str  # one of ACTIONS, or "rate"
    group_id: str
    round_number: int  # 0 under the lobby
    user_id: str
    rated: str = ""  # with "rate": whose answer
    value: int = 0  # with "rate": 1 to 5

    def event_id(self, action_ts: str) -> str:
        """The click's id: the same for every delivery of this click, another for the next click."""
        return f"gact:{action_ts}:{self.user_id}:{self.name}:{self.rated}"


def action_value(group_id: str | None, round_number: int | None) -> str:
    """The value a group's button carries: its session and the round it was shown under."""
    return f"{group_id or ''}:{round_number or 0}"


def rating_value(group_id: str | None, round_number: int | None, rated: str, value: int) -> str:
    """The value of one option of a rating select."""
    return f"{action_value(group_id, round_number)}:{rated}:{value}"


def parse_group_action(action: dict[str, Any], *, user_id: str) -> GroupAction | None:
    """What a click (or a rating chosen) asks for, or None for an action that is not a group's."""
    action_id = str(action.get("action_id") or "")
    name = action_id.removeprefix(GROUP_PREFIX).split(":", 1)[0]
    if not action_id.startswith(GROUP_PREFIX) or not user_id:
        return None
    if name == "rate":
        parts = str((action.get("selected_option") or {}).get("value") or "").split(":")
        if len(parts) != 4 or not parts[0] or not parts[1].isdigit() or not parts[3].isdigit() or not parts[2]:
            return None
        return GroupAction("rate", parts[0], int(parts[1]), user_id, rated=parts[2], value=int(parts[3]))
    group_id, _, number = str(action.get("value") or "").partition(":")
    if name not in ACTIONS or not group_id:
        return None
    return GroupAction(name, group_id, int(number) if number.isdigit() else 0, user_id)


# --- the Answer form ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerForm:
    """A submitted Answer form: the group's thread, the round it was opened for, who answered, and the view's id
    (the same for every delivery of one submission)."""

    channel: str
    thread_ts: str
    round_number: int
    user: str
    view_id: str
    text: str


def answer_view(*, channel: str, thread_ts: str, round_number: int, heading: str) -> dict[str, Any]:
    """The Answer modal for question round_number of the group in thread_ts; heading: the question's first line."""
    meta = {"channel": channel, "thread": thread_ts, "round": round_number}
    box = {
        "type": "plain_text_input",
        "action_id": ANSWER_BLOCK,
        "multiline": True,
        "max_length": ANSWER_LIMIT,
        "placeholder": _plain("Your answer: only the coach sees it until the round closes."),
    }
    return {
        "type": "modal",
        "callback_id": ANSWER_FORM,
        "title": _plain(f"Answer question {round_number}"[:24]),
        "submit": _plain("Send answer"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps(meta),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": heading[:2900] or "The open question"}},
            {"type": "input", "block_id": ANSWER_BLOCK, "label": _plain("Your answer"), "element": box},
        ],
    }


def read_answer(body: dict[str, Any]) -> AnswerForm | None:
    """The answer a view_submission of the Answer form carries, or None for any other submission."""
    sent = submission(body)
    if sent is None or sent.callback_id != ANSWER_FORM:
        return None
    meta = sent.meta
    channel, thread, number = str(meta.get("channel") or ""), str(meta.get("thread") or ""), meta.get("round")
    if not channel or not thread or not isinstance(number, int):
        return None
    text = (sent.values.get(ANSWER_BLOCK) or {}).get(ANSWER_BLOCK, {}).get("value")
    return AnswerForm(channel, thread, number, sent.user, sent.view_id, text if isinstance(text, str) else "")


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
