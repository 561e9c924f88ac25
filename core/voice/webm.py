"""The duration of a WebM/Matroska recording, read from its EBML structure.

Browsers' MediaRecorder writes WebM without a Duration element and with clusters of unknown size, so when Info has no
Duration the length is taken from the last block's timestamp.
"""

from __future__ import annotations

import struct

_EBML_HEADER = 0x1A45DFA3
_SEGMENT = 0x18538067
_INFO = 0x1549A966
_TIMECODE_SCALE = 0x2AD7B1
_DURATION = 0x4489
_CLUSTER = 0x1F43B675
_CLUSTER_TIMECODE = 0xE7
_SIMPLE_BLOCK = 0xA3
_BLOCK_GROUP = 0xA0
_BLOCK = 0xA1
# Containers whose children we read; everything else is skipped by its size.
_DESCEND = {_SEGMENT, _INFO, _CLUSTER, _BLOCK_GROUP}
_UNKNOWN = -1


class WebmError(ValueError):
    """The bytes are not a well-formed WebM file."""


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at pos: (value, position after it); size -1 means unknown."""
    if pos >= len(data):
        raise WebmError("truncated element")
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise WebmError("bad variable-length integer")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return _UNKNOWN, pos + length
    return value, pos + length


def webm_duration(data: bytes) -> float:
    """Seconds of audio in a WebM file; WebmError when it is malformed or holds no audio."""
    if _vint(data, 0, keep_marker=True)[0] != _EBML_HEADER:
        raise WebmError("not EBML")
    pos = 0
    scale = 1_000_000  # nanoseconds per timecode unit, Matroska's default
    declared: float | None = None
    cluster_time = 0
    last_block: int | None = None  # the last block's timestamp, in timecode units
    while pos < len(data):
        try:
            element, body = _vint(data, pos, keep_marker=True)
            size, body = _vint(data, body, keep_marker=False)
        except WebmError:
            break  # a recording cut off mid-element still tells its length so far
        end = len(data) if size == _UNKNOWN else body + size
        if element in _DESCEND:
            pos = body  # read the children in place; an unknown-size cluster ends where the next one starts
            continue
        payload = data[body:end]
        if element == _TIMECODE_SCALE:
            scale = int.from_bytes(payload, "big") or scale
        elif element == _DURATION and len(payload) in (4, 8):
            declared = struct.unpack(">f" if len(payload) == 4 else ">d", payload)[0]
        elif element == _CLUSTER_TIMECODE:
            cluster_time = int.from_bytes(payload, "big")
        elif element in (_SIMPLE_BLOCK, _BLOCK) and payload:
            _track, offset = _vint(payload, 0, keep_marker=False)
            if offset + 2 <= len(payload):
                last_block = cluster_time + struct.unpack(">h", payload[offset : offset + 2])[0]
        pos = end
    if declared and declared > 0:
        return declared * scale / 1e9
    if last_block is not None:
        return last_block * scale / 1e9
    raise WebmError("no audio blocks")
