"""Reading interviews back: history lists, id-prefix lookup and whole reports."""

from __future__ import annotations

import re
from typing import Any

from core.domain.models import DeletedData, Interview, InterviewSummary
from core.domain.roles import RoleCatalog
from core.interview.report import report_json, report_markdown
from core.ports import InterviewStore

MIN_PREFIX = 4  # shorter prefixes match too much to be useful
_HEXISH = re.compile(r"^[0-9a-fA-F-]+$")


class InterviewNotFound(LookupError):
    """No interview (visible to this user) matches the id or prefix; the message is user-facing."""


class InterviewRecords:
    """History and reports over the store, with unique-prefix ids."""

    def __init__(self, store: InterviewStore, catalog: RoleCatalog) -> None:
        self._store = store
        self._catalog = catalog

    def role_title(self, role_id: str) -> str:
        """A role's title, or its id when the pack is gone."""
        pack = self._catalog.packs.get(role_id)
        return pack.title if pack else role_id

    async def history(
        self,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
        limit: int = 20,
        channel_id: str | None = None,
    ) -> list[InterviewSummary]:
        """Past and open interviews, newest first."""
        return await self._store.list_interviews(
            user_id=user_id, platform=platform, workspace_id=workspace_id, limit=limit, channel_id=channel_id
        )

    async def find(
        self,
        id_or_prefix: str,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> Interview:
        """The one interview whose id starts with id_or_prefix, among those of the user, platform and workspace
        given; raise InterviewNotFound otherwise (the same words whether it is someone else's or does not exist)."""
        prefix = id_or_prefix.strip().lower()
        if len(prefix) < MIN_PREFIX or not _HEXISH.match(prefix):
            raise InterviewNotFound(
                f"“{id_or_prefix}” is not an interview id: give at least {MIN_PREFIX} characters of one."
            )
        ids = await self._store.find_interview_ids(
            prefix, user_id=user_id, platform=platform, workspace_id=workspace_id
        )
        if not ids:
            raise InterviewNotFound(f"No interview has an id starting with `{prefix}`.")
        if len(ids) > 1:
            raise InterviewNotFound(
                f"`{prefix}` matches {len(ids)} interviews ({', '.join(i[:8] for i in ids)}): give more characters."
            )
        interview = await self._store.get_interview(ids[0])
        if interview is None:  # deleted between the two reads
            raise InterviewNotFound(f"No interview has an id starting with `{prefix}`.")
        return interview

    async def delete_user_data(
        self, *, user_id: str, platform: str | None = None, workspace_id: str | None = None
    ) -> DeletedData:
        """Erase a person's interviews, answers and usage records; what was removed."""
        return await self._store.delete_user_data(user_id=user_id, platform=platform, workspace_id=workspace_id)

    async def report(
        self,
        id_or_prefix: str,
        *,
        fmt: str = "json",
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> str | dict[str, Any]:
        """One interview whole, as the JSON document (a dict) or as Markdown (a str); found as find() does."""
        interview = await self.find(id_or_prefix, user_id=user_id, platform=platform, workspace_id=workspace_id)
        usage = await self._store.usage_totals(interview.id)
        title = self.role_title(interview.role)
        if fmt == "md":
            return report_markdown(interview, role_title=title, usage=usage)
        return report_json(interview, role_title=title, usage=usage)
