"""Malformed requests to /slack/events, through the real aiohttp server and bolt: unsigned ones get 401, signed but
malformed ones 400 and one log line each, and none of them a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

from tests.fakes.slack_payloads import event_callback, form_body, signed_headers, slash_command, thread_reply
from tests.fakes.slack_server import TEAM_ID
from tests.slack_support import FORM, SIGNING_SECRET, SlackHarness, slack_harness

JSON = "application/json"
NOT_UTF8 = b'{"type": "event_callback", "text": "\xff\xfe\xc3("}'


def _message_event(**fields: object) -> bytes:
    """An event callback whose message event has some fields replaced by values of the wrong type."""
    event = thread_reply("an answer", user="U0MALFORM", channel="C0MALFORM", thread_ts="1790000000.000100")
    event.update(fields)
    return json.dumps(event_callback(event)).encode()


# Signed with the right secret, but not something Slack sends.
SIGNED_MALFORMED: list[tuple[bytes, str]] = [
    (b"[1, 2, 3]", JSON),  # a JSON array
    (b'"just a string"', JSON),
    (b"null", JSON),
    (b'{"type": "event_callback", "event": ', JSON),  # cut short
    (b"[" * 200_000 + b"]" * 200_000, JSON),  # nested deeper than any parser goes
    (NOT_UTF8, JSON),
    (b"\xff\xfe\x00", FORM),
    (json.dumps({"type": "event_callback", "event": "not an object", "team_id": TEAM_ID}).encode(), JSON),
    (json.dumps({"type": "event_callback", "event": {"type": "message"}, "team_id": 123}).encode(), JSON),
    (json.dumps({"type": "event_callback", "event": {"type": "message"}, "authorizations": 5}).encode(), JSON),
    (json.dumps({"type": ["event_callback"], "event": {"type": "message"}}).encode(), JSON),
    (_message_event(text=12345), JSON),
    (_message_event(files="not a list"), JSON),
    (_message_event(files=[1, 2]), JSON),
    (_message_event(user=["U1"]), JSON),
    (_message_event(thread_ts=1790000000.0001), JSON),
    (form_body({"payload": "[1, 2]"}), FORM),  # interactivity whose payload is not an object
    (form_body({"payload": "{not json"}), FORM),
    (form_body({"payload": json.dumps({"type": "block_actions", "actions": "click", "user": {"id": "U1"}})}), FORM),
    (form_body({"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": 7}]})}), FORM),
]


def _unsigned() -> list[tuple[bytes, dict[str, str]]]:
    """Requests without a valid signature, many with bodies or headers that cannot even be read."""
    good = json.dumps({"type": "event_callback", "event": {"type": "message"}}).encode()
    fields = slash_command("ds", user="U0MALFORM", channel="C0MALFORM", response_url="http://127.0.0.1:9/r")
    return [
        (b'{"type": ', {"Content-Type": JSON}),  # no signature at all, bad JSON
        (NOT_UTF8, {"Content-Type": JSON}),
        (b"\xff\xfe", {"Content-Type": FORM}),
        (good, {"Content-Type": JSON, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}),
        (good, {"Content-Type": JSON, "X-Slack-Request-Timestamp": "", "X-Slack-Signature": "v0=00"}),
        (good, {"Content-Type": JSON, "X-Slack-Request-Timestamp": "9" * 40, "X-Slack-Signature": "v0=00"}),
        (good, signed_headers("a-different-secret", good, content_type=JSON)),
        (good, signed_headers(SIGNING_SECRET, good, content_type=JSON, timestamp=1_000_000_000)),  # too old
        (form_body(fields), signed_headers("a-different-secret", form_body(fields), content_type=FORM)),
        (NOT_UTF8, signed_headers(SIGNING_SECRET, b"something else", content_type=JSON)),
        (b"[1]", {"Content-Type": JSON, "X-Slack-Request-Timestamp": "1.5e9", "X-Slack-Signature": "nope"}),
    ]


@contextlib.contextmanager
def captured() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above, formatted as a deployment's log would show it (tracebacks included)."""
    text = io.StringIO()
    handler = logging.StreamHandler(text)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield text
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def _post(h: SlackHarness, body: bytes, headers: dict[str, str]) -> int:
    async with h.http.post(h.events_url, data=body, headers=headers) as response:
        return response.status


async def test_malformed_requests_are_refused_without_a_traceback(tmp_path: Path) -> None:
    unsigned = _unsigned()
    async with slack_harness(f"sqlite:///{tmp_path / 'malformed.db'}") as h:
        with captured() as logged:
            statuses: dict[str, list[int]] = {"unsigned": [], "signed": []}
            sent_signed = 0
            for n in range(100):
                if n % 2:
                    body, headers = unsigned[n // 2 % len(unsigned)]
                    statuses["unsigned"].append(await _post(h, body, headers))
                else:
                    body, content_type = SIGNED_MALFORMED[n // 2 % len(SIGNED_MALFORMED)]
                    headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
                    statuses["signed"].append(await _post(h, body, headers))
                    sent_signed += 1
            # The server still serves a good request afterwards.
            good = form_body(
                slash_command(
                    "help", user="U0MALFORM", channel="C0MALFORM", response_url=h.fake.response_url("U0MALFORM")
                )
            )
            assert await h.post(good, content_type=FORM) == (200, "")
            await h.fake.wait_for(lambda: h.fake.responses)
    log = logged.getvalue()
    assert statuses["unsigned"] == [401] * 50
    assert statuses["signed"] == [400] * 50
    assert "Traceback" not in log
    assert len(log.splitlines()) <= sent_signed  # at most one line per malformed signed request
    assert len(log) < 100 * 200  # small: a line per request at most, never the bodies
    assert SIGNING_SECRET not in log
    assert not h.fake.calls_to("chat.postMessage")  # none of them reached the interview
