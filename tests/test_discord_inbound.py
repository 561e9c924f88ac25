"""Reading Discord messages: real payload shapes in, the intent for the core out; and capped downloads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import pytest
from aiohttp import web

from bots.discord.buttons import custom_id, parse_custom_id
from bots.discord.download import DownloadFailed, TooLarge, allowed_origins, download
from bots.discord.inbound import (
    Answer,
    DeleteMyData,
    NotAnAnswer,
    ShowHelp,
    ShowHistory,
    ShowReport,
    ShowRoles,
    StartRequest,
    VoiceAnswer,
    command_choices,
    read_message,
    role_choices,
    thread_name,
)
from bots.discord.slash import mock_interview
from core.domain.commands import Level
from core.domain.roles import load_catalog

CATALOG = load_catalog()
CDN = "https://cdn.discordapp.com/attachments/1/2"
VOICE = {  # as Discord sends a voice message's attachment
    "id": "1100000000000000001",
    "filename": "voice-message.ogg",
    "size": 38_412,
    "url": f"{CDN}/voice-message.ogg?ex=1&is=2&hm=3",
    "proxy_url": f"{CDN}/voice-message.ogg",
    "content_type": "audio/ogg",
    "duration_secs": 6.08,
    "waveform": "AAAAAAAAAAAA",
}
MP3 = {**VOICE, "filename": "answer.mp3", "content_type": "audio/mpeg", "duration_secs": None}
IMAGE = {**VOICE, "filename": "diagram.png", "content_type": "image/png", "duration_secs": None}
UNTYPED = {k: v for k, v in VOICE.items() if k not in ("content_type", "duration_secs", "waveform")}


def _attachments(*payloads: dict[str, Any]) -> list[discord.Attachment]:
    # discord.py's own Attachment, built from the payload as the gateway gives it; its state is only used to download.
    return [discord.Attachment(data=p, state=SimpleNamespace(http=None)) for p in payloads]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "attachments", "flags", "in_dm", "expected"),
    [
        ("start data-science", [], 0, True, StartRequest("data-science")),
        ("Start ds 3 senior", [], 0, True, StartRequest("ds", 3, "senior")),
        ("start a data science interview with 4 questions", [], 0, True, StartRequest("data science", 4)),
        ("start", [], 0, True, StartRequest(None)),
        ("/start pm", [], 0, True, StartRequest("pm")),
        ("roles", [], 0, True, ShowRoles("roles")),
        ("list", [], 0, True, Answer("list")),
        ("help", [], 0, True, ShowHelp()),
        ("History.", [], 0, True, ShowHistory("History.")),
        ("report 6f1c0d7e", [], 0, True, ShowReport("6f1c0d7e")),
        ("report `6f1c0d7e-1111`", [], 0, True, ShowReport("6f1c0d7e-1111")),
        ("report on the incident first, then fix it", [], 0, True, Answer("report on the incident first, then fix it")),
        ("history", [], 0, False, Answer("history")),
        ("hint", [], 0, True, Answer("hint")),
        (
            "Start by checking the data grain.",
            [],
            0,
            True,
            Answer("Start by checking the data grain.", StartRequest("by checking data grain.")),
        ),
        ("start data-science", [], 0, False, Answer("start data-science")),  # in a thread it is just text
        ("help", [], 0, False, Answer("help")),
        ("", [VOICE], 1 << 13, True, "voice"),
        ("", [UNTYPED], 1 << 13, False, "voice"),  # the voice flag is enough
        ("here is my recording", [MP3], 0, True, "voice"),  # an uploaded audio file is an answer too
        ("", [IMAGE], 0, True, NotAnAnswer),
        ("see the diagram", [IMAGE], 0, True, Answer("see the diagram")),
    ],
)
def test_messages_are_read_as_the_right_intent(
    content: str, attachments: list[dict[str, Any]], flags: int, in_dm: bool, expected: object
) -> None:
    intent = read_message(content, _attachments(*attachments), flags=flags, in_dm=in_dm, catalog=CATALOG)
    if expected == "voice":
        assert isinstance(intent, VoiceAnswer)
        note, payload = intent.note, attachments[0]
        assert (note.url, note.filename, note.size) == (payload["url"], payload["filename"], payload["size"])
        assert note.duration_s == payload.get("duration_secs")
    elif expected is NotAnAnswer:
        assert isinstance(intent, NotAnAnswer) and "voice message" in intent.text
    else:
        assert intent == expected


def test_a_mistyped_role_after_start_is_kept_for_the_unknown_role_message() -> None:
    intent = read_message("start astronaut 3", [], flags=0, in_dm=True, catalog=CATALOG)
    assert isinstance(intent, Answer) and intent.maybe_start == StartRequest("astronaut", 3)


@pytest.mark.parametrize(
    ("typed", "first"),
    [("", "data-science"), ("dat", "data-science"), ("PM", "product-management"), ("law", "law"), ("zzz", None)],
)
def test_role_autocomplete_matches_ids_titles_and_aliases(typed: str, first: str | None) -> None:
    choices = role_choices(CATALOG, typed)
    assert (choices[0][1] if choices else None) == first
    assert len(choices) <= 25 and all(len(name) <= 100 for name, _ in choices)
    if typed == "":
        assert [v for _, v in choices] == CATALOG.ids


@pytest.mark.parametrize(
    ("content", "in_dm", "expected"),
    [
        ("delete my data", True, DeleteMyData()),
        ("Delete My Data.", True, DeleteMyData()),
        ("  DELETE-MY-DATA ", True, DeleteMyData()),
        ("/delete my  data", True, DeleteMyData()),
        ("I would delete my data after the migration is verified.", True, None),
        ("delete my data please", True, None),
        ("delete my data", False, None),  # in a server thread it is the candidate's answer
    ],
)
def test_only_the_whole_message_asks_to_delete_ones_data(content: str, in_dm: bool, expected: object) -> None:
    intent = read_message(content, [], flags=0, in_dm=in_dm, catalog=CATALOG)
    assert intent == (expected if expected is not None else Answer(content.strip()))


@pytest.mark.parametrize(
    ("typed", "offered"), [("", True), ("del", True), ("Delete my", True), ("dat", True), ("law", False)]
)
def test_delete_my_data_is_the_last_autocomplete_choice_when_it_fits(typed: str, offered: bool) -> None:
    choices = command_choices(CATALOG, typed)
    assert (choices[-1] == ("Delete my data", "delete-my-data")) is offered
    assert choices[: len(choices) - offered] == role_choices(CATALOG, typed) and len(choices) <= 25


def test_thread_names_fit_discords_limit() -> None:
    assert thread_name(role_title="Law", candidate="Ada") == "Law interview · Ada"
    assert len(thread_name(role_title="Law", candidate="x" * 200)) == 100


def test_button_ids_round_trip_and_strangers_ids_are_not_ours() -> None:
    assert parse_custom_id(custom_id("skip", 42)) == ("skip", 42)
    assert len(custom_id("repeat", 2**63)) <= 100
    for other in ("mi:launch:42", "mi:hint:abc", "xx:hint:42", "mi:hint"):
        assert parse_custom_id(other) is None


@pytest.fixture
async def cdn() -> AsyncIterator[str]:
    async def sized(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * int(request.match_info["n"]))

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # chunked: no Content-Length to trust
        await response.prepare(request)
        for _ in range(int(request.match_info["n"]) // 1000):
            await response.write(b"y" * 1000)
        return response

    app = web.Application()
    app.router.add_get("/sized/{n}", sized)
    app.router.add_get("/streamed/{n}", streamed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_downloads_stop_at_the_limit_whatever_the_headers_say(cdn: str) -> None:
    allowed = allowed_origins(cdn) | allowed_origins("http://127.0.0.1:9")
    async with aiohttp.ClientSession() as session:
        assert await download(session, f"{cdn}/sized/5000", limit=5000, allowed=allowed) == b"x" * 5000
        with pytest.raises(TooLarge) as declared:
            await download(session, f"{cdn}/sized/5001", limit=5000, allowed=allowed)
        assert declared.value.size == 5001
        with pytest.raises(TooLarge) as streamed:
            await download(session, f"{cdn}/streamed/500000", limit=20_000, allowed=allowed)
        assert 20_000 < streamed.value.size < 500_000  # stopped reading early
        with pytest.raises(DownloadFailed):
            await download(session, f"{cdn}/missing", limit=5000, allowed=allowed)
        with pytest.raises(DownloadFailed):
            await download(session, "http://127.0.0.1:9/nothing-listens", limit=5000, allowed=allowed)


def test_the_slash_commands_level_choices_are_the_cores_levels() -> None:
    # discord.py needs the choices written out as a Literal; they must stay the core's Level values.
    level = mock_interview.get_parameter("level")
    assert level is not None
    choices = level.choices
    assert [c.value for c in choices] == [level.value for level in Level]
