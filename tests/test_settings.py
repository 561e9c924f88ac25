"""Configuration: one Settings object, read from the environment and a .env file, with defaults defined once."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import Settings


def test_a_dot_env_file_is_read_and_the_environment_wins_over_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("MOCK_INTERVIEW_MODEL=from-the-file\nMOCK_INTERVIEW_QUESTIONS=3\n")
    monkeypatch.setenv("MOCK_INTERVIEW_QUESTIONS", "4")
    settings = Settings()
    assert (settings.model, settings.default_questions) == ("from-the-file", 4)
    assert Settings(_env_file=None).model == "gpt-4.1-mini"  # tests and tools can leave the file out


def test_a_blank_value_means_unset_in_the_environment_and_in_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("OPENAI_API_KEY=\nMOCK_INTERVIEW_MODEL=\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    settings = Settings()
    assert settings.openai_api_key is None and not settings.uses_model  # no key: the built-in coach
    assert settings.model == "gpt-4.1-mini"
    assert settings.slack_bot_token is None


def test_values_out_of_range_are_refused_with_their_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_INTERVIEW_MAX_PAIRS", "40")
    with pytest.raises(ValidationError, match="MOCK_INTERVIEW_MAX_PAIRS"):
        Settings(_env_file=None)


def test_secrets_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    shown = repr(Settings(_env_file=None))
    assert "very-secret" not in shown and "**********" in shown
