"""The tailoring form and the `tailor` DM words, read without a network: the form's custom id and values, Discord's
limits on the form, and which DM messages are a `tailor` command."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bots.discord.tailor_dm import MAX_FILES, TailorFiles, read_tailor
from bots.discord.tailor_form import FormOptions, TailorForm, form_id, form_values, read_form_id, read_questions
from core.domain.tailoring import TailorWords
from tests.fakes import discord_payloads as p
from tests.fakes.discord_modals import modal_problems, submission


@dataclass
class _File:
    filename: str
    content_type: str | None = "application/pdf"
    size: int = 10
    url: str = "https://cdn.discordapp.com/attachments/1/2/posting.pdf"
    duration: float | None = None


@pytest.mark.parametrize("options", [FormOptions("data-science", True), FormOptions(None, False)])
def test_the_forms_options_travel_in_its_custom_id(options: FormOptions) -> None:
    custom_id = form_id(options)
    assert len(custom_id) <= 100 and read_form_id(custom_id) == options
    assert read_form_id("mi:end:123") is None


async def test_the_form_keeps_within_discords_limits_and_its_values_are_read_back() -> None:
    form = TailorForm(FormOptions("data-science", False), questions=3, default_questions=5).to_dict()
    assert modal_problems(form) == []
    sent = submission(form, {"posting": "Data Scientist", "questions": "3"})
    assert form_values(sent) == {"posting": "Data Scientist", "resume": "", "questions": "3"}


def test_values_are_read_from_action_rows_as_well_as_from_labels() -> None:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "posting", "value": "Analyst"}]}]
    labels = [{"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "posting", "value": "Analyst"}}]
    assert form_values(rows) == form_values(labels) == {"posting": "Analyst"}


def test_the_fake_refuses_a_form_discord_would_refuse() -> None:
    text_input = {"type": 4, "custom_id": "posting", "style": 2, "label": "Posting", "max_length": 5000}
    form = {"title": "x" * 46, "custom_id": "f", "components": [{"type": 1, "components": [text_input]}]}
    assert modal_problems(form) == ["title: 1 to 45 characters", "components.0.0.max_length: 1 to 4000"]
    assert modal_problems({"title": "t", "custom_id": "f", "components": []}) == ["components: 1 to 5"]


@pytest.mark.parametrize(("typed", "count"), [("", None), (" 3 ", 3), ("40", 40)])
def test_the_question_count_is_a_whole_number_or_nothing(typed: str, count: int | None) -> None:
    assert read_questions(typed) == count


def test_a_count_that_is_no_number_is_refused() -> None:
    with pytest.raises(ValueError):
        read_questions("three")


def test_tailor_with_files_alone_or_not_at_all() -> None:
    files = [_File("posting.pdf"), _File("cv.docx"), _File("third.txt")]
    assert read_tailor("tailor data-science", files, flags=0) == TailorFiles(
        TailorWords(resume=False, role="data-science"), tuple(files[:MAX_FILES])
    )
    assert read_tailor("Tailor resume", [], flags=0) == TailorWords(resume=True, role=None)
    assert read_tailor("tailoring my answer", files, flags=0) is None
    assert read_tailor("here is the posting", files, flags=0) is None
    assert read_tailor("tailor", files, flags=p.VOICE_MESSAGE_FLAG) is None  # a recording is an answer
