"""The fake Slack's modals: views.open checked as Slack checks a view (a one-use trigger_id, a modal's title and
buttons, its blocks and their elements' limits), and the views it opened, kept with their ids."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.fakes.slack_ids import BOT_ID, TEAM_ID

# Slack's documented limits on a modal and on the parts of its input blocks.
TITLE_CHARS = 24
MAX_BLOCKS = 100
CALLBACK_CHARS = 255
METADATA_CHARS = 3000
LABEL_CHARS = 2000
HINT_CHARS = 2000
PLACEHOLDER_CHARS = 150
TEXT_INPUT_CHARS = 3000
OPTIONS = 100
OPTION_TEXT_CHARS = 75
OPTION_VALUE_CHARS = 150
INPUT_ELEMENTS = {
    "plain_text_input",
    "static_select",
    "number_input",
    "email_text_input",
    "url_text_input",
    "checkboxes",
    "radio_buttons",
    "datepicker",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
}


class ViewsMixin:
    """views.open; mixed into FakeSlack."""

    views: dict[str, dict[str, Any]]  # view id -> the view as opened (with its id, app and state)
    used_triggers: set[str]

    async def api_views_open(self, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """views.open: a modal for the person whose interaction gave trigger_id (each trigger opens one view)."""
        trigger = str(params.get("trigger_id") or "")
        if not trigger:
            return _invalid("trigger_id is required")
        if trigger.count(".") != 2:
            return {"ok": False, "error": "invalid_trigger_id"}
        if trigger in self.used_triggers:
            return {"ok": False, "error": "exchanged_trigger_id"}
        raw = params.get("view")
        view = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(view, dict):
            return _invalid("view must be an object")
        problems = view_problems(view)
        if problems:
            return _invalid(*problems)
        self.used_triggers.add(trigger)
        view_id = f"V{uuid.uuid4().hex[:10].upper()}"  # unique for good, as Slack's are (tests share a database)
        opened = {
            **view,
            "id": view_id,
            "team_id": TEAM_ID,
            "state": {"values": {}},
            "hash": f"{view_id}.hash",
            "app_id": "A0FAKE",
            "bot_id": BOT_ID,
            "root_view_id": view_id,
            "previous_view_id": None,
            "clear_on_close": False,
            "notify_on_close": False,
            "external_id": "",
        }
        self.views[view_id] = opened
        return {"ok": True, "view": opened}


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal view, as its messages say it ("[ERROR] ..."); [] for a valid one."""
    problems: list[str] = []
    if view.get("type") != "modal":
        problems.append("type must be modal")
    for field, required in (("title", True), ("submit", False), ("close", False)):
        problems += _plain_text(view.get(field), field, TITLE_CHARS, required=required)
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not blocks or len(blocks) > MAX_BLOCKS:
        problems.append(f"blocks must be a list of 1 to {MAX_BLOCKS} blocks")
        blocks = []
    if not isinstance(view.get("callback_id"), str) or not 0 < len(view["callback_id"]) <= CALLBACK_CHARS:
        problems.append("callback_id must be a string of 1 to 255 characters")
    if len(str(view.get("private_metadata") or "")) > METADATA_CHARS:
        problems.append("private_metadata must be at most 3000 characters")
    inputs = [b for b in blocks if isinstance(b, dict) and b.get("type") == "input"]
    if inputs and not view.get("submit"):
        problems.append("submit is required with input blocks")
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id")]
    if len(ids) != len(set(ids)):
        problems.append("block_id must be unique")
    for n, block in enumerate(inputs):
        problems += [f"blocks[{n}]: {p}" for p in _input_problems(block)]
    return problems


def _input_problems(block: dict[str, Any]) -> list[str]:
    problems = _plain_text(block.get("label"), "label", LABEL_CHARS, required=True)
    problems += _plain_text(block.get("hint"), "hint", HINT_CHARS, required=False)
    element = block.get("element")
    if not isinstance(element, dict) or element.get("type") not in INPUT_ELEMENTS:
        return [*problems, "element must be an input element"]
    problems += _plain_text(element.get("placeholder"), "placeholder", PLACEHOLDER_CHARS, required=False)
    kind = element["type"]
    if kind == "plain_text_input":
        for field in ("min_length", "max_length"):
            value = element.get(field)
            if value is not None and (not isinstance(value, int) or not 0 <= value <= TEXT_INPUT_CHARS):
                problems.append(f"{field} must be a number from 0 to {TEXT_INPUT_CHARS}")
    elif kind == "static_select":
        options = element.get("options")
        if not isinstance(options, list) or not 0 < len(options) <= OPTIONS:
            problems.append(f"options must be a list of 1 to {OPTIONS} options")
            options = []
        for option in options:
            problems += _plain_text(option.get("text"), "option text", OPTION_TEXT_CHARS, required=True)
            if not isinstance(option.get("value"), str) or len(option["value"]) > OPTION_VALUE_CHARS:
                problems.append("option value must be a string of at most 150 characters")
        if "initial_option" in element and element["initial_option"] not in options:
            problems.append("initial_option must be one of the options")
    elif kind == "number_input":
        if not isinstance(element.get("is_decimal_allowed"), bool):
            problems.append("is_decimal_allowed is required")
        bounds = [element.get(f) for f in ("min_value", "max_value")]
        if not all(b is None or (isinstance(b, str) and b.lstrip("-").isdigit()) for b in bounds):
            problems.append("min_value and max_value must be numbers given as strings")
        elif None not in bounds and int(str(bounds[0])) > int(str(bounds[1])):
            problems.append("min_value must not be more than max_value")
    return problems


def _plain_text(value: Any, field: str, most: int, *, required: bool) -> list[str]:
    if value is None:
        return [f"{field} is required"] if required else []
    if not isinstance(value, dict) or value.get("type") != "plain_text" or not isinstance(value.get("text"), str):
        return [f"{field} must be a plain_text object"]
    if not 0 < len(value["text"]) <= most:
        return [f"{field} must be 1 to {most} characters"]
    return []


def _invalid(*messages: str) -> dict[str, Any]:
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] {m}" for m in messages]},
    }
