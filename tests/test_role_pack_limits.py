"""Hostile or mis-saved role packs: a billion laughs, an oversized file, Latin-1 text. Each fails fast, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.domain.roles import RolePackError, load_catalog
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

PACK = """id: {id}
title: Astronomy
description: Questions about the night sky for observatory jobs.
persona: You are the head of a small café-observatory.
questions:
  - id: red-shift
    topic: Cosmology
    text: What does red shift tell us about a galaxy?
    key_points:
      - point: Light stretches as the source moves away
        terms: [moving away, receding, "*redshift", "R&D"]
    hint: Think about sirens passing by.
    follow_ups: ["How is it measured?"]
"""


def _laughs_through_the_schema(fan: int) -> str:
    """Aliases at each level the validator walks: questions x key points x terms, from a few kilobytes of YAML."""
    lines = [
        "id: laughs",
        "title: Laughs",
        "description: A pack that expands without end.",
        "persona: You are a comedian.",
        "glossary: [&t lol]",
        "questions:",
        "  - &q",
        "    id: joke",
        "    topic: Jokes",
        "    text: What makes a joke funny?",
        "    key_points:",
        "      - &k",
        "        point: Surprise and timing",
        "        terms: [" + ", ".join(["*t"] * fan * 3) + "]",
        *["      - *k"] * (fan - 1),
        "    hint: Think about timing.",
        '    follow_ups: ["Why?"]',
        *["  - *q"] * (fan - 1),
    ]
    return "\n".join(lines) + "\n"


def _classic_laughs(levels: int = 9) -> str:
    """The textbook billion laughs: each level nine aliases of the one before."""
    lines = [PACK.format(id="laughs").replace("Astronomy", "Laughs"), "glossary:", "  - &a0 [lol, lol, lol, lol]"]
    lines += [f"  - &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _roles_dir_from_the_environment(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    monkeypatch.setenv("MOCK_INTERVIEW_ROLES_DIR", str(folder))
    roles_dir = Settings(_env_file=None).roles_dir
    assert roles_dir == folder
    return roles_dir


@pytest.mark.parametrize("text", [_laughs_through_the_schema(120), _classic_laughs()], ids=["schema", "classic"])
def test_a_billion_laughs_pack_fails_fast_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    assert len(text.encode()) < 12_000  # small on disk; expanded, millions of values to validate
    (tmp_path / "laughs.yaml").write_text(text)
    roles_dir = _roles_dir_from_the_environment(monkeypatch, tmp_path)
    started = time.monotonic()
    with pytest.raises(RolePackError) as caught:
        load_catalog(roles_dir)
    # Unbounded, this took about a minute and gigabytes; bounded, it fails in well under a second on a quiet machine
    # (2 s leaves room for a loaded CI box).
    assert time.monotonic() - started < 2.0
    message = str(caught.value)
    assert "laughs.yaml" in message and "aliases" in message and "\n" not in message


def test_an_oversized_pack_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    padding = "# " + "x" * 78 + "\n"
    text = PACK.format(id="astronomy") + padding * (2 * 1024 * 1024 // len(padding))  # 2 MB, mostly comment
    (tmp_path / "astronomy.yaml").write_text(text)
    roles_dir = _roles_dir_from_the_environment(monkeypatch, tmp_path)
    with pytest.raises(RolePackError, match=r"astronomy\.yaml: .*larger than") as caught:
        load_catalog(roles_dir)
    assert "\n" not in str(caught.value)


def test_a_latin1_pack_names_the_file_and_the_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "astronomy.yaml").write_bytes(PACK.format(id="astronomy").encode("latin-1"))
    roles_dir = _roles_dir_from_the_environment(monkeypatch, tmp_path)
    with pytest.raises(RolePackError) as caught:
        load_catalog(roles_dir)
    message = str(caught.value)
    assert "astronomy.yaml" in message and "UTF-8" in message and "line 4" in message and "\n" not in message


def test_quoted_stars_and_ampersands_are_text_not_aliases(tmp_path: Path) -> None:
    (tmp_path / "astronomy.yaml").write_text(PACK.format(id="astronomy"), encoding="utf-8")
    terms = load_catalog(tmp_path).resolve("astronomy").questions[0].key_points[0].terms
    assert "*redshift" in terms and "r&d" in terms


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("laughs.yaml", _laughs_through_the_schema(120).encode(), "aliases"),
        ("astronomy.yaml", PACK.format(id="astronomy").encode("latin-1"), "UTF-8"),
    ],
)
def test_the_cli_says_broken_role_pack_in_one_line(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / name).write_bytes(content)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "MOCK_INTERVIEW_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        PYTHONPATH=str(ROOT),
        NO_COLOR="1",
        MOCK_INTERVIEW_ROLES_DIR=str(tmp_path / "packs"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bots.cli", "roles"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Broken role pack: ") and name in lines[0] and expected in lines[0]
