"""`/mock-interview tailor:True`: a form to paste a job posting (and a résumé) into, and its submission, which starts
an interview tailored to them where the command was used: a thread in a server, the DM itself in a DM.

discord.py only draws the form. Its answer is read from the submission itself in the client's on_interaction, so
it counts in whichever process receives it, after a restart too; the role and the thread's privacy travel in the
form's custom id."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bots.discord import texts
from bots.discord.delivery import NO_PINGS
from bots.discord.opening import place_problem, start_where_used
from bots.discord.replies import DiscordReplies
from core.domain.models import ConversationRef
from core.domain.tailoring import TailorRequest
from core.interview.service import InterviewService
from core.settings import MAX_PAIRS_LIMIT

log = logging.getLogger(__name__)

FORM_PREFIX = "mock-interview:tailor:"
POSTING, RESUME, QUESTIONS = "posting", "resume", "questions"  # the custom ids of the form's text inputs
TEXT_INPUT_LIMIT = 4000  # Discord's most for a typed value; the form says where a longer posting can go
_ROW, _TEXT_INPUT, _LABEL = 1, 4, 18  # component types a submitted form carries


@dataclass(frozen=True)
class FormOptions:
    """What the slash command said beside tailor:True: the role (a pack id, or None to read it from the posting)
    and whether the thread is private."""

    role: str | None
    private: bool


def form_id(options: FormOptions) -> str:
    """The form's custom id, carrying its options (a pack id has no colon; at most 100 characters)."""
    return f"{FORM_PREFIX}{options.role or ''}:{int(options.private)}"


def read_form_id(custom_id: str) -> FormOptions | None:
    """The options of a tailoring form's custom id, or None for any other custom id."""
    if not custom_id.startswith(FORM_PREFIX):
        return None
    role, _, private = custom_id.removeprefix(FORM_PREFIX).rpartition(":")
    return FormOptions(role=role or None, private=private == "1")


def form_values(components: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The typed values of a submitted form by custom id, from its action rows or its labels."""
    values: dict[str, str] = {}
    for component in components:
        kind = component.get("type")
        if kind == _ROW:
            values.update(form_values(component.get("components") or []))
        elif kind == _LABEL and isinstance(component.get("component"), Mapping):
            values.update(form_values([component["component"]]))
        elif kind == _TEXT_INPUT and isinstance(component.get("custom_id"), str):
            values[component["custom_id"]] = str(component.get("value") or "")
    return values


def read_questions(text: str) -> int | None:
    """The question count typed in the form: None when left empty; ValueError when it is not a whole number."""
    text = text.strip()
    return int(text) if text else None  # the core checks the range, as for every start


class TailorForm(discord.ui.Modal):
    """The form: the posting, the résumé (optional) and the number of main questions (optional)."""

    def __init__(self, options: FormOptions, *, questions: int | None, default_questions: int) -> None:
        super().__init__(title=texts.TAILOR_FORM_TITLE, custom_id=form_id(options), timeout=None)
        paragraph = discord.TextStyle.paragraph
        posting = discord.ui.TextInput[Any](
            custom_id=POSTING, style=paragraph, placeholder=texts.POSTING_PLACEHOLDER, max_length=TEXT_INPUT_LIMIT
        )
        resume = discord.ui.TextInput[Any](
            custom_id=RESUME,
            style=paragraph,
            placeholder=texts.RESUME_PLACEHOLDER,
            max_length=TEXT_INPUT_LIMIT,
            required=False,
        )
        count = discord.ui.TextInput[Any](
            custom_id=QUESTIONS,
            placeholder=texts.questions_placeholder(default_questions, MAX_PAIRS_LIMIT),
            default=str(questions) if questions else None,
            max_length=len(str(MAX_PAIRS_LIMIT)),
            required=False,
        )
        # Labels, not the text inputs' own (deprecated) labels: a label also has a line to say where files go.
        for text, description, component in (
            (texts.POSTING_LABEL, texts.POSTING_DESCRIPTION, posting),
            (texts.RESUME_LABEL, texts.RESUME_DESCRIPTION, resume),
            (texts.QUESTIONS_LABEL, None, count),
        ):
            self.add_item(discord.ui.Label[Any](text=text, description=description, component=component))


async def show_form(
    interaction: discord.Interaction[Any],
    service: InterviewService,
    *,
    role: str | None,
    questions: int | None,
    private: bool,
    review: bool,
) -> None:
    """Answer `/mock-interview tailor:True` with the form, or say privately why there is no point filling it in."""
    problem = texts.NO_REVIEW_WHEN_TAILORED if review else place_problem(interaction, private=private)
    if problem is None and role is not None:
        problem = service.start_problem(role, questions)
    if problem is not None:
        await interaction.response.send_message(problem, ephemeral=True)
        return
    options = FormOptions(role=service.catalog.resolve(role).id if role else None, private=private)
    form = TailorForm(options, questions=questions, default_questions=service.settings.default_questions)
    await interaction.response.send_modal(form)
    form.stop()  # the submission is read in on_interaction: discord.py need not keep the form in memory


def is_form_submission(interaction: discord.Interaction[Any]) -> bool:
    """Whether the interaction is a tailoring form sent back."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return False
    return read_form_id(str(interaction.data.get("custom_id") or "")) is not None


async def on_form_submission(interaction: discord.Interaction[Any], service: InterviewService) -> None:
    """Start the tailored interview the form asks for, or say privately what stops it (no thread opens then)."""
    try:
        await _submitted(interaction, service)
    except Exception:
        log.exception("the tailoring form failed")
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(texts.SOMETHING_WENT_WRONG, ephemeral=True)
            else:
                await interaction.response.send_message(texts.SOMETHING_WENT_WRONG, ephemeral=True)


async def _submitted(interaction: discord.Interaction[Any], service: InterviewService) -> None:
    data: Mapping[str, Any] = interaction.data or {}
    options = read_form_id(str(data.get("custom_id") or ""))
    assert options is not None  # is_form_submission said so
    values = form_values(data.get("components") or [])
    try:
        questions = read_questions(values.get(QUESTIONS, ""))
    except ValueError:
        await _refuse(interaction, texts.QUESTIONS_NOT_A_NUMBER)
        return
    request = TailorRequest(
        posting=values.get(POSTING) or None,
        resume=values.get(RESUME) or None,
        role=options.role,
        questions=questions,
    )
    # Asked before anything opens, so a posting that cannot be used leaves no empty thread behind.
    problem = await service.tailor_problem(request)
    if problem is not None:
        await _refuse(interaction, problem)
        return

    async def begin(conv: ConversationRef, sender: DiscordReplies, event_id: str | None) -> object:
        return await service.tailor(conv, request, event_id=event_id, sender=sender)

    title = f"{texts.TAILORED} {service.catalog.resolve(options.role).title}" if options.role else texts.TAILORED
    await start_where_used(interaction, service, title=title, private=options.private, begin=begin)


async def _refuse(interaction: discord.Interaction[Any], text: str) -> None:
    """Say privately why nothing started; a copy of the submission, answered already, says nothing."""
    with contextlib.suppress(discord.HTTPException):
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
