"""bots/slack/inbound.py: slash command text, message events and button values, as tables of real payload shapes."""

from __future__ import annotations

import pytest

from bots.slack.inbound import (
    AudioClip,
    BadCommand,
    ButtonPress,
    DirectMessage,
    EraseChoice,
    Ignored,
    StartRequest,
    SubCommand,
    ThreadMessage,
    audio_clip,
    classify_message,
    parse_button,
    parse_command_text,
    parse_erase_button,
)
from bots.slack.plain import plain_text

BOT = "U0COACHBOT"
TEAM = "T0FAKE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SubCommand("help")),
        ("  help ", SubCommand("help")),
        ("Roles", SubCommand("roles")),
        ("history", SubCommand("history")),
        ("end", SubCommand("end")),
        ("report 6f1c0d7e", SubCommand("report", "6f1c0d7e")),
        ("delete-my-data", SubCommand("delete-my-data")),
        ("data-science", StartRequest("data-science")),
        ("data science questions=3", StartRequest("data science", questions=3)),
        ("ds 4", StartRequest("ds", questions=4)),
        ("ds q=2 level=Senior language=German", StartRequest("ds", questions=2, level="senior", language="German")),
        ("swe lang=pt-BR", StartRequest("swe", language="pt-BR")),
        ("end now", StartRequest("end now")),  # not the sub-command: a role name the core will refuse
    ],
)
def test_command_text(text: str, expected: object) -> None:
    assert parse_command_text(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ds questions=0", "from 1 to 25"),
        ("ds questions=26", "from 1 to 25"),
        ("ds questions=three", "from 1 to 25"),
        ("ds level=expert", "`junior`, `mid`, `senior`"),
        ("ds language=&lt;script&gt;", "language name"),  # Slack escapes what people type
        ("ds colour=red", "Unknown option `colour`"),
        ("level=mid", "Which role?"),
        ("report", "Give one interview id"),
        ("report a b", "Give one interview id"),
    ],
)
def test_bad_command_text_says_what_to_type(text: str, fragment: str) -> None:
    parsed = parse_command_text(text)
    assert isinstance(parsed, BadCommand) and fragment in parsed.message


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("plain words", "plain words"),
        ("ask <@U123ABC> and <@U9|maria>", "ask @U123ABC and @maria"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("see <#C123|general>", "see #general"),
        ("<https://example.com|the docs> and <https://x.org>", "the docs (https://example.com) and https://x.org"),
        ("<mailto:a@b.co|a@b.co>", "a@b.co"),
        ("<!subteam^S123|@data-team>", "@data-team"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
    ],
)
def test_plain_text(slack: str, plain: str) -> None:
    assert plain_text(slack) == plain


def _reply(**fields: object) -> dict:
    event = {
        "type": "message",
        "user": "U0ALICE",
        "text": "My answer",
        "ts": "1790000002.000200",
        "thread_ts": "1790000001.000100",
        "parent_user_id": BOT,
        "channel": "C0PRACTICE",
        "channel_type": "channel",
    }
    event.update(fields)
    return {k: v for k, v in event.items() if v is not None}


CLIP = {
    "id": "F0CLIP",
    "name": "audio_message.m4a",
    "mimetype": "audio/mp4",
    "filetype": "m4a",
    "subtype": "slack_audio",
    "size": 31713,
    "duration_ms": 6200,
    "url_private_download": "https://files.slack.com/files-pri/T0FAKE-F0CLIP/download/audio_message.m4a",
}


@pytest.mark.parametrize(
    ("event", "kind", "reason"),
    [
        (_reply(), ThreadMessage, None),
        (_reply(subtype="thread_broadcast"), ThreadMessage, None),  # "also send to channel" is still an answer
        (_reply(subtype="message_changed"), Ignored, "subtype message_changed"),
        (_reply(subtype="message_deleted", user=None), Ignored, "subtype message_deleted"),
        (_reply(subtype="bot_message", bot_id="B1"), Ignored, "subtype bot_message"),
        (_reply(bot_id="B0OTHER"), Ignored, "not a person"),
        (_reply(user=BOT), Ignored, "not a person"),
        (_reply(thread_ts=None, parent_user_id=None), Ignored, "top-level channel message"),
        (_reply(thread_ts="1790000002.000200"), Ignored, "top-level channel message"),  # a parent's own event
        (_reply(parent_user_id="U0SOMEONE"), Ignored, "someone else's thread"),
        (_reply(thread_ts=None, parent_user_id=None, channel="D0DM", channel_type="im"), DirectMessage, None),
        (_reply(subtype="channel_join", text="<@U0ALICE> has joined"), Ignored, "subtype channel_join"),
    ],
)
def test_message_events(event: dict, kind: type, reason: str | None) -> None:
    result = classify_message(event, team_id=TEAM, bot_user_id=BOT)
    assert isinstance(result, kind)
    if reason is not None:
        assert result == Ignored(reason)


def test_a_thread_reply_carries_its_conversation_and_a_stable_key() -> None:
    result = classify_message(_reply(text="I'd ask <!here>"), team_id=TEAM, bot_user_id=BOT)
    assert isinstance(result, ThreadMessage)
    assert (result.channel_id, result.thread_ts, result.user_id) == ("C0PRACTICE", "1790000001.000100", "U0ALICE")
    assert result.text == "I'd ask @here" and result.message_key == "msg:C0PRACTICE:1790000002.000200"


@pytest.mark.parametrize(
    ("files", "audio", "other"),
    [
        ([CLIP], "F0CLIP", False),
        ([{**CLIP, "subtype": None, "mimetype": "audio/webm", "filetype": "webm"}], "F0CLIP", False),
        ([{**CLIP, "subtype": None, "mimetype": "video/mp4", "filetype": "mp4"}], "F0CLIP", False),
        ([{"id": "F0DOC", "mimetype": "application/pdf", "filetype": "pdf"}], None, True),
        ([{"id": "F0DOC", "mimetype": "application/pdf"}, CLIP], "F0CLIP", False),
        ([{"id": "F0PART", "file_access": "check_file_info", "created": 1}], "F0PART", False),
    ],
)
def test_files_on_a_thread_reply(files: list, audio: str | None, other: bool) -> None:
    result = classify_message(_reply(subtype="file_share", text="", files=files), team_id=TEAM, bot_user_id=BOT)
    assert isinstance(result, ThreadMessage)
    assert (result.audio.file_id if result.audio else None) == audio
    assert result.has_other_files is other


def test_an_audio_clip_is_read_whole_and_a_partial_one_is_left_to_files_info() -> None:
    assert audio_clip(CLIP) == AudioClip(
        "F0CLIP", "audio_message.m4a", "audio/mp4", 31713, CLIP["url_private_download"], 6.2
    )
    partial = audio_clip({"id": "F0PART", "file_access": "check_file_info"})
    assert partial is not None and partial.url is None


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"action_id": "mi:hint", "value": "abc-123:4"}, ButtonPress("hint", "abc-123", 4, "U1")),
        ({"action_id": "mi:end", "value": "abc-123:0"}, ButtonPress("end", "abc-123", 0, "U1")),
        ({"action_id": "mi:retry", "value": "abc-123:"}, ButtonPress("retry", "abc-123", 0, "U1")),
        ({"action_id": "other:hint", "value": "abc:1"}, None),
        ({"action_id": "mi:hint", "value": ""}, None),
    ],
)
def test_button_values(action: dict, expected: ButtonPress | None) -> None:
    assert parse_button(action, user_id="U1") == expected


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ({"action_id": "mi-erase:confirm", "value": "T1:U9:ab12"}, EraseChoice(True, "T1", "U9", "ab12", "U1")),
        ({"action_id": "mi-erase:cancel", "value": "T1:U9:ab12"}, EraseChoice(False, "T1", "U9", "ab12", "U1")),
        ({"action_id": "mi-erase:later", "value": "T1:U9:ab12"}, None),
        ({"action_id": "mi-erase:confirm", "value": "T1:U9"}, None),
        ({"action_id": "mi-erase:confirm", "value": "T1::ab12"}, None),
        ({"action_id": "mi:end", "value": "T1:U9:ab12"}, None),
    ],
)
def test_erase_button_values(action: dict, expected: EraseChoice | None) -> None:
    assert parse_erase_button(action, user_id="U1") == expected
