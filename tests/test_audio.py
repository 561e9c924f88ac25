"""Reading voice notes by their bytes: the container format and the duration, on real recordings and broken ones."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from core.voice.audio import AudioDamaged, AudioUnreadable, measure_duration, sniff_format
from core.voice.webm import WebmError, webm_duration

AUDIO = Path(__file__).parent / "fixtures" / "audio"
SPOKEN_SECONDS = 6.0  # the espeak-ng sentence in every speech fixture


@pytest.mark.parametrize(
    ("name", "fmt", "mime"),
    [
        ("voice-message.ogg", "ogg", "audio/ogg"),  # Discord voice message
        ("slack-clip.m4a", "m4a", "audio/mp4"),  # Slack apps
        ("slack-clip.webm", "webm", "audio/webm"),  # Slack in a browser
        ("browser-recording.webm", "webm", "audio/webm"),  # MediaRecorder: no Duration element
        ("speech.mp3", "mp3", "audio/mpeg"),
        ("speech.wav", "wav", "audio/wav"),
        ("speech.flac", "flac", "audio/flac"),
    ],
)
def test_every_supported_recording_is_recognised_by_its_bytes_and_measured(name: str, fmt: str, mime: str) -> None:
    data = (AUDIO / name).read_bytes()
    found = sniff_format(data)
    assert (found.name, found.mime) == (fmt, mime)
    assert measure_duration(data, found) == pytest.approx(SPOKEN_SECONDS, abs=0.15)


def test_silence_is_still_a_recording_of_its_length() -> None:
    data = (AUDIO / "silence.ogg").read_bytes()
    assert measure_duration(data, sniff_format(data)) == pytest.approx(3.0, abs=0.05)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "an image (PNG)"),
        (b"%PDF-1.7\n" + bytes(100), "a PDF document"),
        (b"PK\x03\x04" + bytes(100), "a zip archive"),
        (b"hello, this is a text file", "not audio I can read"),
        (b"\xff\xf1\x50\x80" + bytes(100), "not audio I can read"),  # raw ADTS AAC: no container
    ],
)
def test_files_that_are_not_recordings_say_what_they_are(data: bytes, says: str) -> None:
    with pytest.raises(AudioUnreadable, match=re.escape(says)) as caught:
        sniff_format(data)
    assert not isinstance(caught.value, AudioDamaged)


@pytest.mark.parametrize("name", ["voice-message.ogg", "slack-clip.m4a", "speech.flac", "slack-clip.webm"])
def test_a_recording_cut_off_in_its_header_is_damaged(name: str) -> None:
    data = (AUDIO / name).read_bytes()[:40]
    with pytest.raises(AudioDamaged):
        measure_duration(data, sniff_format(data))


def test_garbage_behind_a_valid_magic_number_is_damaged() -> None:
    rng_bytes = bytes((i * 7919 + 13) % 251 for i in range(4000))
    for magic in (b"OggS", b"\x1a\x45\xdf\xa3", b"fLaC"):
        data = magic + rng_bytes
        with pytest.raises(AudioDamaged):
            measure_duration(data, sniff_format(data))


def _element(element_id: int, payload: bytes, *, unknown_size: bool = False) -> bytes:
    """One EBML element: id bytes, a size vint (8 bytes), payload."""
    ident = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown_size else (0x01 << 56 | len(payload)).to_bytes(8, "big")
    return ident + size + payload


def _block(relative_ms: int) -> bytes:
    return _element(0xA3, b"\x81" + struct.pack(">h", relative_ms) + b"\x80" + b"\x00" * 20)


def test_webm_length_comes_from_the_last_block_when_clusters_have_unknown_size() -> None:
    # As Chrome's MediaRecorder streams it: no Duration, clusters of unknown size one after another.
    clusters = b"".join(
        _element(0x1F43B675, _element(0xE7, start.to_bytes(2, "big")) + _block(0) + _block(980), unknown_size=True)
        for start in (0, 1000, 2000, 3000)
    )
    info = _element(0x1549A966, _element(0x2AD7B1, (1_000_000).to_bytes(3, "big")))
    data = _element(0x1A45DFA3, _element(0x4282, b"webm")) + _element(0x18538067, info + clusters, unknown_size=True)
    assert webm_duration(data) == pytest.approx(3.98)


def test_webm_without_any_audio_is_malformed() -> None:
    data = _element(0x1A45DFA3, _element(0x4282, b"webm")) + _element(0x18538067, b"")
    with pytest.raises(WebmError):
        webm_duration(data)
