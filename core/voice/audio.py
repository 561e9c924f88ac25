"""What a voice note is, read from its bytes (never its name): the container format and the duration."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from mutagen import FileType, MutagenError, flac, mp3, mp4, oggflac, oggopus, oggvorbis, wave

from core.voice.webm import WebmError, webm_duration


@dataclass(frozen=True)
class AudioFormat:
    """A container we can transcribe, with the file extension and MIME type to send it under."""

    name: str  # ogg | webm | m4a | mp4 | mp3 | wav | flac
    extension: str
    mime: str


OGG = AudioFormat("ogg", ".ogg", "audio/ogg")
WEBM = AudioFormat("webm", ".webm", "audio/webm")
M4A = AudioFormat("m4a", ".m4a", "audio/mp4")
MP4_VIDEO = AudioFormat("mp4", ".mp4", "audio/mp4")
MP3 = AudioFormat("mp3", ".mp3", "audio/mpeg")
WAV = AudioFormat("wav", ".wav", "audio/wav")
FLAC_FORMAT = AudioFormat("flac", ".flac", "audio/flac")

SUPPORTED_NAMES = "ogg/opus, webm, m4a/mp4, mp3, wav and flac"

# Files people send by mistake, so the message can say what it is instead of only what it is not.
_NOT_AUDIO: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG", 0, "an image (PNG)"),
    (b"\xff\xd8\xff", 0, "an image (JPEG)"),
    (b"GIF8", 0, "an image (GIF)"),
    (b"%PDF", 0, "a PDF document"),
    (b"PK\x03\x04", 0, "a zip archive or Office document"),
)


# A mutagen file type, read from a file object (mutagen leaves its constructors unannotated: *args, **kwargs).
_Reader = Callable[[io.BytesIO], FileType]


class AudioUnreadable(Exception):
    """The bytes are not audio we can read; the message says what they are, for the user."""


class AudioDamaged(AudioUnreadable):
    """The bytes start like a recording we take, but the recording inside is broken or cut off."""


def sniff_format(data: bytes) -> AudioFormat:
    """The container format of data, from its magic bytes; raise AudioUnreadable when it is not one we take."""
    head = data[:64]
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM or Matroska; both decode as WebM
        return WEBM
    if head[4:8] == b"ftyp":
        return M4A if head[8:12] in (b"M4A ", b"M4B ") else MP4_VIDEO
    if head.startswith(b"ID3") or _is_mpeg_layer3_frame(head):
        return MP3
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"fLaC"):
        return FLAC_FORMAT
    for magic, offset, what in _NOT_AUDIO:
        if head[offset:].startswith(magic):
            raise AudioUnreadable(f"That file is {what}, not a recording.")
    raise AudioUnreadable("That file is not audio I can read.")


def _is_mpeg_layer3_frame(head: bytes) -> bool:
    # An MPEG audio frame starts with 11 set sync bits; layer bits 01 mean Layer III (ADTS AAC has layer 00).
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) == 0x02


def measure_duration(data: bytes, fmt: AudioFormat) -> float | None:
    """The length in seconds read from the container, None when it does not say; AudioUnreadable when broken."""
    if fmt is WEBM:
        try:
            return webm_duration(data)
        except WebmError as exc:
            raise AudioDamaged("That recording is damaged or incomplete.") from exc
    try:
        info = _mutagen_info(data, fmt)
    except (MutagenError, ValueError, EOFError, IndexError, KeyError, OverflowError) as exc:
        raise AudioDamaged("That recording is damaged or incomplete.") from exc
    length = getattr(info, "length", None)
    return float(length) if length else None


def _mutagen_info(data: bytes, fmt: AudioFormat) -> object:
    buffer = io.BytesIO(data)
    if fmt is OGG:
        # The first page names the codec: Opus from Discord and WhatsApp, Vorbis and FLAC from other recorders.
        head = data[:128]
        kind: _Reader = (
            oggvorbis.OggVorbis if b"\x01vorbis" in head else oggflac.OggFLAC if b"FLAC" in head else oggopus.OggOpus
        )
        return kind(buffer).info
    readers: dict[str, _Reader] = {
        M4A.name: mp4.MP4,
        MP4_VIDEO.name: mp4.MP4,
        MP3.name: mp3.MP3,
        WAV.name: wave.WAVE,
        FLAC_FORMAT.name: flac.FLAC,
    }
    return readers[fmt.name](buffer).info
