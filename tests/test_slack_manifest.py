"""The app manifests ask for exactly the scopes, events and slash command the code uses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bots.slack.app import BOT_SCOPES, COMMAND, EVENTS_PATH

MANIFESTS = Path(__file__).resolve().parents[1] / "deploy" / "slack"
MESSAGE_EVENTS = ["message.channels", "message.groups", "message.im", "message.mpim", "app_home_opened"]


def _load(name: str) -> dict:
    return yaml.safe_load((MANIFESTS / name).read_text())


@pytest.mark.parametrize("name", ["manifest.socket-mode.yaml", "manifest.http.yaml"])
def test_scopes_and_command_match_the_code(name: str) -> None:
    manifest = _load(name)
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True  # bots/slack/home.py draws it


def test_socket_mode_manifest_needs_no_urls() -> None:
    settings = _load("manifest.socket-mode.yaml")["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == MESSAGE_EVENTS
    assert "request_url" not in settings["event_subscriptions"] and "request_url" not in settings["interactivity"]


def test_http_manifest_points_every_request_at_the_events_path() -> None:
    manifest = _load("manifest.http.yaml")
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    # Revocation events let the installation store forget a workspace that removed the app.
    assert settings["event_subscriptions"]["bot_events"] == [*MESSAGE_EVENTS, "app_uninstalled", "tokens_revoked"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    ]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]
