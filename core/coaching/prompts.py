"""Prompt templates from prompts/*.md, rendered with $placeholders (JSON braces in them stay literal)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

TEMPLATE_NAMES = (
    "interviewer_system",
    "interviewer_turn",
    "grader_system",
    "grader_turn",
    "summary_system",
    "summary_turn",
)


@cache
def _template(name: str) -> Template:
    return Template(resources.files("prompts").joinpath(f"{name}.md").read_text("utf-8"))


def render(name: str, **values: object) -> str:
    """The named template with every placeholder filled; a missing value raises KeyError."""
    return _template(name).substitute({k: str(v) for k, v in values.items()}).strip()


def placeholders(name: str) -> set[str]:
    """The placeholder names a template uses."""
    return {m.group("named") or m.group("braced") for m in Template.pattern.finditer(_template(name).template)} - {None}
