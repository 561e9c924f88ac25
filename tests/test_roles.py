"""Role packs and prompt templates: every pack loads and meets the bar; broken packs fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.coaching.prompts import TEMPLATE_NAMES, placeholders, render
from core.domain.roles import ROLE_ORDER, RolePackError, UnknownRole, load_catalog

GOOD_PACK = """
id: {id}
title: Astronomy
description: Questions about the night sky for observatory jobs.
persona: You are the head of a small observatory.
questions:
  - id: red-shift
    topic: Cosmology
    text: What does red shift tell us about a galaxy?
    key_points:
      - point: Light stretches as the source moves away
        terms: [moving away, receding]
    hint: Think about sirens passing by.
    follow_ups: ["How is it measured?"]
glossary: [red shift]
"""


def test_all_eight_roles_load_with_expert_sized_packs() -> None:
    catalog = load_catalog()
    assert catalog.ids == list(ROLE_ORDER)
    for pack in catalog.packs.values():
        assert len(pack.questions) >= 15, pack.id
        assert len(pack.glossary) >= 30, pack.id
        for question in pack.questions:
            assert question.key_points and question.hint and question.follow_ups, (pack.id, question.id)


@pytest.mark.parametrize(
    ("name", "role_id"),
    [
        ("ds", "data-science"),
        ("pm", "product-management"),
        ("hr", "human-resources"),
        ("swe", "software-engineering"),
        ("Digital Marketing", "digital-marketing"),
        ("FULL_STACK", "full-stack"),
        ("law", "law"),
        ("behavioural", "behavioral"),
    ],
)
def test_ids_titles_and_short_aliases_resolve(name: str, role_id: str) -> None:
    assert load_catalog().resolve(name).id == role_id


def test_unknown_role_names_the_valid_ones() -> None:
    with pytest.raises(UnknownRole) as caught:
        load_catalog().resolve("astronaut")
    assert "data-science" in str(caught.value) and "behavioral" in str(caught.value)


def test_an_extra_pack_folder_adds_roles(tmp_path: Path) -> None:
    (tmp_path / "astronomy.yaml").write_text(GOOD_PACK.format(id="astronomy"))
    catalog = load_catalog(tmp_path)
    assert catalog.resolve("astronomy").title == "Astronomy" and "data-science" in catalog.ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD_PACK.format(id="astronomy").replace("    hint: Think about sirens passing by.\n", ""),
            "astronomy.yaml: questions[0].hint: Field required",
        ),
        (GOOD_PACK.format(id="stars"), "astronomy.yaml: id: 'stars' must match the file name 'astronomy'"),
        ("id: [unclosed", "astronomy.yaml: not valid YAML"),
        (
            GOOD_PACK.format(id="astronomy").replace("terms: [moving away, receding]", "terms: []"),
            "astronomy.yaml: questions[0].key_points[0].terms",
        ),
        (GOOD_PACK.format(id="astronomy") + "colour: blue\n", "astronomy.yaml: colour: Extra inputs are not permitted"),
    ],
)
def test_a_broken_pack_names_the_file_and_the_field(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "astronomy.yaml").write_text(text)
    with pytest.raises(RolePackError) as caught:
        load_catalog(tmp_path)
    assert expected in str(caught.value)


def test_an_alias_used_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "astronomy.yaml").write_text(
        GOOD_PACK.format(id="astronomy").replace("title: Astronomy", "title: Astronomy\naliases: [ds]")
    )
    with pytest.raises(RolePackError, match="alias 'ds' is already used by 'data-science'"):
        load_catalog(tmp_path)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_renders_with_all_its_placeholders(name: str) -> None:
    names = placeholders(name)
    rendered = render(name, **{n: f"<<{n}>>" for n in names})
    assert "$" not in rendered.replace("$$", "")
    for n in names:
        assert f"<<{n}>>" in rendered
    with pytest.raises(KeyError):
        if names:
            render(name)
        else:
            raise KeyError("no placeholders to miss")
