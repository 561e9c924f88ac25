"""Modals in the fake Discord: the checks Discord applies to a modal a bot opens (interaction callback type 9), and
the components a user's submission of one carries (interaction type 5)."""

from __future__ import annotations

from typing import Any

ROW, TEXT_INPUT, LABEL = 1, 4, 18
SHORT, PARAGRAPH = 1, 2
TEXT_LIMIT = 4000


def _input_problems(item: Any, where: str, *, labelled: bool) -> list[str]:
    """What Discord refuses in one text input; labelled: it sits in a label, which names it."""
    if not isinstance(item, dict) or item.get("type") != TEXT_INPUT:
        return [f"{where}: not a text input"]
    problems = []
    custom_id = item.get("custom_id")
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= 100:
        problems.append(f"{where}.custom_id: 1 to 100 characters")
    if item.get("style") not in (SHORT, PARAGRAPH):
        problems.append(f"{where}.style: 1 or 2")
    label = item.get("label")
    if labelled and label is not None:
        problems.append(f"{where}.label: a text input in a label has none")
    if not labelled and (not isinstance(label, str) or not 1 <= len(label) <= 45):
        problems.append(f"{where}.label: 1 to 45 characters")
    for key, most in (("placeholder", 100), ("value", TEXT_LIMIT)):
        if len(item.get(key) or "") > most:
            problems.append(f"{where}.{key}: at most {most} characters")
    least, most = item.get("min_length", 0), item.get("max_length", TEXT_LIMIT)
    if not (isinstance(most, int) and 1 <= most <= TEXT_LIMIT):
        problems.append(f"{where}.max_length: 1 to {TEXT_LIMIT}")
    elif not (isinstance(least, int) and 0 <= least <= most):
        problems.append(f"{where}.min_length: 0 to max_length")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    """What Discord would refuse in a modal: its title (1 to 45 characters) and custom id, and 1 to 5 components,
    each an action row holding one text input or a label (1 to 45 characters, description up to 100) around one."""
    problems = []
    if not isinstance(data.get("title"), str) or not 1 <= len(data["title"]) <= 45:
        problems.append("title: 1 to 45 characters")
    if not isinstance(data.get("custom_id"), str) or not 1 <= len(data["custom_id"]) <= 100:
        problems.append("custom_id: 1 to 100 characters")
    components = data.get("components")
    if not isinstance(components, list) or not 1 <= len(components) <= 5:
        return [*problems, "components: 1 to 5"]
    for i, component in enumerate(components):
        where = f"components.{i}"
        if component.get("type") == ROW:
            inner = component.get("components") or []
            if len(inner) != 1:
                problems.append(f"{where}: an action row in a modal holds one text input")
            problems += [p for item in inner for p in _input_problems(item, f"{where}.0", labelled=False)]
        elif component.get("type") == LABEL:
            if not isinstance(component.get("label"), str) or not 1 <= len(component["label"]) <= 45:
                problems.append(f"{where}.label: 1 to 45 characters")
            if len(component.get("description") or "") > 100:
                problems.append(f"{where}.description: at most 100 characters")
            problems += _input_problems(component.get("component"), f"{where}.component", labelled=True)
        else:
            problems.append(f"{where}: an action row or a label")
    return problems


def text_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The text inputs of a modal, in order."""
    found = []
    for component in modal["components"]:
        inner = component["components"] if component["type"] == ROW else [component["component"]]
        found += [item for item in inner if item.get("type") == TEXT_INPUT]
    return found


def submission(modal: dict[str, Any], values: dict[str, str]) -> list[dict[str, Any]]:
    """The components of a user's submission of modal, shaped as it was drawn; values by custom id (an input left
    out is submitted empty)."""
    components = []
    for component in modal["components"]:
        inner = component["components"] if component["type"] == ROW else [component["component"]]
        typed = [
            {"type": TEXT_INPUT, "custom_id": item["custom_id"], "value": values.get(item["custom_id"], "")}
            for item in inner
        ]
        if component["type"] == ROW:
            components.append({"type": ROW, "components": typed})
        else:
            components.append({"type": LABEL, "component": typed[0]})
    return components
