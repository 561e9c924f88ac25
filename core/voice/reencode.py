"""Shrinking a recording that is too large to transcribe: re-encoded with ffmpeg to small mono Opus."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

_TIMEOUT_S = 120.0
OPUS_ARGS = ("-vn", "-ac", "1", "-ar", "16000", "-c:a", "libopus", "-b:a", "24k", "-application", "voip")


class ReencodeFailed(Exception):
    """ffmpeg could not read or convert the recording."""


def find_ffmpeg(command: str) -> str | None:
    """The path of the ffmpeg executable, or None when it is not installed."""
    return shutil.which(command)


async def to_small_opus(data: bytes, *, ffmpeg: str, suffix: str) -> bytes:
    """The recording as 24 kbit/s mono Ogg Opus (five minutes fit in about 1 MB).

    MP4 files can keep their index at the end, which ffmpeg cannot read from a pipe, so the input goes through a
    temporary file; the directory is removed whatever happens.
    """
    with tempfile.TemporaryDirectory(prefix="mock-interview-audio-") as folder:
        source = Path(folder) / f"input{suffix}"
        await asyncio.to_thread(source.write_bytes, data)
        process = await asyncio.create_subprocess_exec(
            ffmpeg,
            *("-nostdin", "-loglevel", "error", "-i", str(source), *OPUS_ARGS, "-f", "ogg", "pipe:1"),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, _err = await asyncio.wait_for(process.communicate(), _TIMEOUT_S)
        except BaseException:
            if process.returncode is None:
                process.kill()
                await process.wait()
            raise
    if process.returncode != 0 or not out:
        raise ReencodeFailed(f"ffmpeg exited with {process.returncode}")
    return out
