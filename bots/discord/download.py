"""Downloading a voice message from Discord's CDN, never more than the service accepts, and never from elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

import aiohttp
import yarl

_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_HOPS = 3  # the CDN has no reason to chain redirects; a loop must end

# Where Discord serves attachments. Only these (and a configured API's origin) are ever asked for a file: an
# attachment's URL is whatever the message says, and the bot must not be a way to reach hosts on its own network.
CDN_ORIGINS = frozenset({("https", "cdn.discordapp.com", 443), ("https", "media.discordapp.net", 443)})

Origin = tuple[str, str, int]


class TooLarge(Exception):
    """The file is over the download limit; size is what we know of it (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"download over the limit ({size} bytes)")
        self.size = size


class DownloadFailed(Exception):
    """The CDN did not hand the file over."""


class ForeignHost(Exception):
    """The file (or a redirect on the way to it) is on a host the bot does not download from; nothing was asked."""


def origin_of(url: str | yarl.URL) -> Origin | None:
    """The (scheme, host, port) of an absolute http(s) URL, lower-cased; None for anything else."""
    try:
        parsed = url if isinstance(url, yarl.URL) else yarl.URL(url)
    except (TypeError, ValueError):
        return None
    scheme = parsed.scheme.lower()
    if scheme not in ("http", "https") or not parsed.host or parsed.port is None:
        return None
    return scheme, parsed.host.lower(), parsed.port


def allowed_origins(api_url: str | None) -> frozenset[Origin]:
    """Discord's CDN hosts, and the origin of DISCORD_API_URL when one is set (a fake or proxy serves files there)."""
    api = origin_of(api_url) if api_url else None
    return CDN_ORIGINS | {api} if api else CDN_ORIGINS


def is_allowed(url: str | yarl.URL, allowed: Collection[Origin]) -> bool:
    """Whether url is on one of the allowed origins (scheme, host and port all equal)."""
    origin = origin_of(url)
    return origin is not None and origin in allowed


async def download(
    session: aiohttp.ClientSession,
    url: str,
    *,
    limit: int,
    allowed: Collection[Origin],
    timeout_s: float = 60.0,
) -> bytes:
    """The bytes at url; TooLarge as soon as they pass limit, ForeignHost before any request off the allowed origins
    (redirects included), DownloadFailed for any other failure."""
    target: str | yarl.URL = url
    try:
        async with asyncio.timeout(timeout_s):  # one deadline for every hop
            for _ in range(_MAX_HOPS + 1):
                if not is_allowed(target, allowed):
                    raise ForeignHost(f"not a Discord host: {_name(target)}")
                # aiohttp would follow a redirect anywhere: each hop is checked here instead.
                async with session.get(target, allow_redirects=False) as response:
                    if response.status in _REDIRECTS:
                        location = response.headers.get("Location")
                        if not location:
                            raise DownloadFailed(f"CDN answered {response.status} without a Location")
                        target = response.url.join(yarl.URL(location))
                        continue
                    return await _read(response, limit)
            raise DownloadFailed("too many redirects")
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:  # ValueError: a Location that is no URL
        raise DownloadFailed(type(exc).__name__) from exc


def _name(url: str | yarl.URL) -> str:
    """Only the origin of a refused URL, for the log: its path and query may carry signatures."""
    origin = origin_of(url)
    return f"{origin[0]}://{origin[1]}:{origin[2]}" if origin else "not an http(s) URL"


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes:
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
