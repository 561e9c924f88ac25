"""One bot token serves one workspace: requests from any other workspace are ignored, unanswered and unstored."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)


def add_team_scope(app: AsyncApp) -> None:
    """Ignore events, commands and clicks of a workspace other than the bot token's (auth.test's team_id).

    Registered before the inbox, so nothing of such a request is kept; its acknowledgement is empty, so the
    person sees nothing. Slack would only send these if the app were installed elsewhere with the same signing
    secret: answering them with this workspace's token would mix ids of two workspaces.
    """

    @app.middleware
    async def only_our_workspace(req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[Any]]) -> Any:
        authorized = req.context.authorize_result
        ours = authorized.team_id if authorized is not None else None
        theirs = req.context.team_id
        if ours and theirs and theirs != ours:
            log.info("ignored a request from another workspace than the bot token's")
            return BoltResponse(status=200, body="")
        return await next()
