"""Downloading a file from Slack (a voice clip, a job posting or résumé): the bot token in the header (only to
Slack), a size cap, and Slack's login-page trap."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import aiohttp

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
# Where Slack keeps private files: the only host that gets the bot token, besides a configured SLACK_API_URL's own
# origin (a proxy, or the loopback fake Slack in tests, which serves its files there).
SLACK_FILES_ORIGIN = ("https", "files.slack.com", 443)
_DEFAULT_PORTS = {"http": 80, "https": 443}
FOREIGN_HOST = (
    "That clip's link points outside Slack, so I didn't open it. "
    "Record the clip in Slack, or type your answer: your question is still open."
)


class DownloadFailed(Exception):
    """The file could not be fetched; the message is safe to show (it never contains the token)."""


class TooLarge(DownloadFailed):
    """The file is bigger than we accept."""


class ForeignHost(DownloadFailed):
    """The link points outside Slack: the token is not sent there, nor is anything else."""


def _origin(url: str) -> tuple[str, str, int] | None:
    """scheme, host and port of url (default ports filled in); None for anything that is not a plain http(s) URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme = parts.scheme.lower()
    # Credentials in the URL would go along with (or instead of) our header: not a link Slack makes.
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None or parts.password is not None:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def token_may_go_to(url: str, *, api_url: str | None) -> bool:
    """Whether url is on Slack's file host, or on the origin of the configured SLACK_API_URL."""
    origin = _origin(url)
    return origin is not None and origin in {SLACK_FILES_ORIGIN, _origin(api_url or "")}


class FileDownloader:
    """Fetches url_private_download files with one shared HTTP session, sending the token to Slack only."""

    def __init__(self, *, api_url: str | None = None, timeout_s: float = 60.0) -> None:
        self._api_url = api_url
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=10)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running event loop (aiohttp sessions belong to one loop).
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def fetch(self, url: str, *, token: str, limit: int, what: str = "audio file") -> bytes:
        """The file's bytes; ForeignHost for a link outside Slack (nothing is requested), TooLarge past limit bytes,
        DownloadFailed when Slack does not hand it over (what names the file in those messages)."""
        if not token_may_go_to(url, api_url=self._api_url):
            # The link comes from the event, which anyone in the channel shapes: never hand the token to its host.
            log.warning("refused to download a file from %s: not Slack's file host", _origin(url) or "a non-URL")
            raise ForeignHost(FOREIGN_HOST)
        # aiohttp drops the Authorization header on a redirect to another origin, so a redirect cannot leak it either.
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with self._client().get(url, headers=headers) as response:
                if response.status != 200:
                    raise DownloadFailed(f"Slack answered {response.status} for the {what}.")
                # Without a valid token Slack answers 200 with its sign-in page instead of the file.
                if response.content_type == "text/html":
                    raise DownloadFailed(f"Slack did not let me read the {what}.")
                if response.content_length is not None and response.content_length > limit:
                    raise TooLarge(f"The {what} is {response.content_length:,} bytes; the limit is {limit:,}.")
                data = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK):
                    data.extend(chunk)
                    if len(data) > limit:
                        raise TooLarge(f"The {what} is over the {limit:,}-byte limit.")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DownloadFailed(f"The {what} could not be downloaded ({type(exc).__name__}).") from None

    async def close(self) -> None:
        """Release the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
