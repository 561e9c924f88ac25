"""Downloading a voice message from Discord's CDN, never more than the service accepts."""

from __future__ import annotations

import aiohttp

_CHUNK = 64 * 1024


class TooLarge(Exception):
    """The file is over the download limit; size is what we know of it (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"download over the limit ({size} bytes)")
        self.size = size


class DownloadFailed(Exception):
    """The CDN did not hand the file over."""


async def download(session: aiohttp.ClientSession, url: str, *, limit: int, timeout_s: float = 60.0) -> bytes:
    """The bytes at url; TooLarge as soon as they pass limit, DownloadFailed for any other failure."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout_s)) as response:
            if response.status != 200:
                raise DownloadFailed(f"CDN answered {response.status}")
            if response.content_length is not None and response.content_length > limit:
                raise TooLarge(response.content_length)
            data = bytearray()
            async for chunk in response.content.iter_chunked(_CHUNK):
                data.extend(chunk)
                if len(data) > limit:  # the header may be missing or wrong: stop reading, whatever it said
                    raise TooLarge(len(data))
            return bytes(data)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DownloadFailed(type(exc).__name__) from exc
