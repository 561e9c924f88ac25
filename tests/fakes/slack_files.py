"""The fake Slack's file side: private files to download (with a token), upload targets, and response_url posts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.slack_ids import TEAM_ID

LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>"


@dataclass
class StoredFile:
    """A file the fake serves at its url_private_download."""

    info: dict[str, Any]
    content: bytes


class FileRoutesMixin:
    """Serving files and taking uploads and response_url posts; mixed into FakeSlack."""

    bot_tokens: set[str]
    files: dict[str, StoredFile]
    uploads: dict[str, bytes]
    responses: list[dict[str, Any]]
    downloads: list[dict[str, Any]]
    root_url: str
    _ids: itertools.count[int]

    async def _notify(self) -> None:
        raise NotImplementedError

    def add_file(self, info: dict[str, Any], content: bytes) -> dict[str, Any]:
        """Serve content as a private file; returns the full file object (with url_private_download)."""
        file_id = info.get("id") or f"F{next(self._ids):08d}"
        name = info.get("name", "file")
        url = f"{self.root_url}/files-pri/{TEAM_ID}-{file_id}/download/{name}"
        full = {
            "id": file_id,
            "size": len(content),
            "url_private": url,
            "url_private_download": url,
            **info,
        }
        self.files[file_id] = StoredFile(full, content)
        return full

    def response_url(self, key: str = "cmd") -> str:
        """A response_url that records what is posted to it."""
        return f"{self.root_url}/response/{key}"

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["key"].split("-", 1)[-1]
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.downloads.append({"file": file_id, "authorized": token in self.bot_tokens})
        await self._notify()
        stored = self.files.get(file_id)
        if token not in self.bot_tokens or stored is None:
            # What Slack really does without a token: a 200 with its sign-in page, not the file.
            return web.Response(text=LOGIN_PAGE, content_type="text/html")
        mimetype = stored.info.get("mimetype") or "application/octet-stream"
        return web.Response(body=stored.content, content_type=mimetype)

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()  # files_upload_v2 sends the raw bytes
        self.uploads[request.match_info["file_id"]] = data
        await self._notify()
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append({"key": request.match_info["key"], **(await request.json())})
        await self._notify()
        return web.Response(text="ok")
