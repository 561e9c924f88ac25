"""Who the app is in each workspace: installations in several workspaces kept in our database by slack_sdk's
SQLAlchemy stores, or one bot token.

slack_sdk's async SQLAlchemy stores need an async driver, and ours is psycopg2; so the sync stores run in a worker
thread, the way our interview store does. The tables come from migration 0002.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from logging import Logger, getLogger
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

STATE_EXPIRATION_S = 600  # an install link is good for ten minutes


class ThreadedInstallationStore(AsyncInstallationStore):
    """slack_sdk's sync SQLAlchemy installation store, run off the event loop."""

    def __init__(self, *, client_id: str, engine: Engine) -> None:
        self.sync = SQLAlchemyInstallationStore(client_id=client_id, engine=engine)

    @property
    def logger(self) -> Logger:
        """The wrapped store's logger."""
        return self.sync.logger

    async def async_save(self, installation: Installation) -> None:
        """Store an installation (and its bot)."""
        await asyncio.to_thread(self.sync.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store a bot installation."""
        await asyncio.to_thread(self.sync.save_bot, bot)

    async def async_find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        """The newest bot installation of a workspace."""
        return await asyncio.to_thread(
            self.sync.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The newest installation of a workspace (or of one user in it)."""
        return await asyncio.to_thread(
            self.sync.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget a workspace's bot (after tokens_revoked or app_uninstalled)."""
        await asyncio.to_thread(self.sync.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Forget a workspace's installations."""
        await asyncio.to_thread(
            self.sync.delete_installation, enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """slack_sdk's sync SQLAlchemy OAuth state store, run off the event loop (shared by every web worker)."""

    def __init__(self, *, engine: Engine, expiration_seconds: int = STATE_EXPIRATION_S) -> None:
        self.sync = SQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine)

    @property
    def logger(self) -> Logger:
        """The wrapped store's logger."""
        return self.sync.logger or getLogger(__name__)

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new one-time state value for an install link."""
        return await asyncio.to_thread(self.sync.issue)

    async def async_consume(self, state: str) -> bool:
        """Whether state was issued and unused (it is used up now)."""
        return await asyncio.to_thread(self.sync.consume, state)


def one_workspace(token: str) -> Callable[[AsyncWebClient], Awaitable[AuthorizeResult]]:
    """bolt's authorize for one bot token: who the app is in its workspace, asked of auth.test once."""
    known: AuthorizeResult | None = None

    async def authorize(client: AsyncWebClient) -> AuthorizeResult:
        nonlocal known
        if known is None:
            auth = await client.auth_test(token=token)
            known = AuthorizeResult.from_auth_test_response(auth_test_response=auth, bot_token=token)
        return known

    return authorize
