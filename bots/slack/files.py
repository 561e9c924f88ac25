"""Downloading a voice clip from Slack: the bot token in the header, a size cap, and Slack's login-page trap."""

from __future__ import annotations

import aiohttp

CHUNK = 64 * 1024


class DownloadFailed(Exception):
    """The clip could not be fetched; the message is safe to show (it never contains the token)."""


class TooLarge(DownloadFailed):
    """The clip is bigger than we accept."""


class FileDownloader:
    """Fetches url_private_download files with one shared HTTP session."""

    def __init__(self, *, timeout_s: float = 60.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=10)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running event loop (aiohttp sessions belong to one loop).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def fetch(self, url: str, *, token: str, limit: int) -> bytes:
        """The file's bytes; TooLarge past limit bytes, DownloadFailed when Slack does not hand it over."""
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with self._client().get(url, headers=headers) as response:
                if response.status != 200:
                    raise DownloadFailed(f"Slack answered {response.status} for the audio file.")
                # Without a valid token Slack answers 200 with its sign-in page instead of the file.
                if response.content_type == "text/html":
                    raise DownloadFailed("Slack did not let me read the audio file.")
                if response.content_length is not None and response.content_length > limit:
                    raise TooLarge(f"The clip is {response.content_length:,} bytes; the limit is {limit:,}.")
                data = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    data.extend(chunk)
                    if len(data) > limit:
                        raise TooLarge(f"The clip is over the {limit:,}-byte limit.")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DownloadFailed(f"The audio file could not be downloaded ({type(exc).__name__}).") from None

    async def close(self) -> None:
        """Release the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
