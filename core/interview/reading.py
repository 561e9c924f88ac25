"""What adapters read through the service: history, whole reports by id prefix, erasure, who is interviewed where,
and the kept events a dead worker left."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from core.coaching.scorecard import SummaryText, build_scorecard
from core.domain.models import ConversationRef, DeletedData, Interview, InterviewSummary, utcnow
from core.interview.charts import progress_png, scorecard_png
from core.interview.parts import Parts
from core.interview.progress import Progress, measure_progress
from core.interview.report import report_json, report_markdown
from core.interview.retry import attempts
from core.ports import DuplicateEvent

KEEP_DELIVERED_S = 24 * 3600  # handled events and sent replies are forgotten after a day (they hold answers)
MIN_PREFIX = 4  # shorter id prefixes match too much to be useful
MAX_ID = 36  # a whole id (a UUID with its hyphens); anything longer is no id, and is not echoed back either
_HEXISH = re.compile(r"^[0-9a-fA-F-]+$")
_STALLED_EVENT_ATTEMPTS = 3  # an event whose handling kills its worker every time is given up after this


class InterviewNotFound(LookupError):
    """No interview (visible to this user) matches the id or prefix; the message is user-facing."""


@dataclass(frozen=True)
class Report:
    """One interview whole: its id, and the document (a dict for JSON, a str for Markdown, PNG bytes for a chart)."""

    interview_id: str
    document: str | dict[str, Any] | bytes


class Reading:
    """The service's reads (InterviewService extends it)."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    async def history(
        self,
        *,
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
        limit: int = 20,
        channel_id: str | None = None,
    ) -> list[InterviewSummary]:
        """Past and open interviews, newest first, filtered by whichever of these are given."""
        return await self._parts.store.list_interviews(
            user_id=user_id, platform=platform, workspace_id=workspace_id, limit=limit, channel_id=channel_id
        )

    async def progress(self, *, user_id: str, platform: str, role: str | None = None) -> Progress:
        """A person's progress on a platform (every workspace), in one role when given (an id, alias or title)."""
        role_id = self._parts.catalog.resolve(role).id if role else None  # UnknownRole for the adapter to word
        interviews = await self._parts.store.interviews_of(platform=platform, user_id=user_id, role=role_id)
        return measure_progress(interviews, self._parts.catalog, today=utcnow().date())

    async def progress_png(self, progress: Progress) -> bytes:
        """The progress as a PNG chart (rendered off the event loop)."""
        titles = self._parts.catalog.titles
        return await asyncio.to_thread(progress_png, progress, titles)

    async def report(
        self,
        id_or_prefix: str,
        *,
        fmt: str = "json",
        user_id: str | None = None,
        platform: str | None = None,
        workspace_id: str | None = None,
    ) -> Report:
        """One interview whole (JSON or Markdown, or its scorecard as a PNG chart), found by a unique id prefix among
        those of the user, platform and workspace given; InterviewNotFound otherwise, in the same words whether it is
        someone else's or does not exist."""
        interview = await self._find(id_or_prefix, user_id=user_id, platform=platform, workspace_id=workspace_id)
        title = self._parts.title_of(interview.role)
        if fmt == "png":
            card = build_scorecard(interview, role_title=title, summary=SummaryText(interview.summary or ""))
            day = (interview.ended_at or interview.created_at).date()
            return Report(interview.id, await asyncio.to_thread(scorecard_png, card, day=day))
        store = self._parts.store
        usage = await store.usage_totals(interview.id)
        conv = interview.conv  # the later tries at its questions are the person's retries that name it
        tries = attempts(
            interview, await store.interviews_of(platform=conv.platform, user_id=conv.user_id, role=interview.role)
        )
        if fmt == "md":
            return Report(interview.id, report_markdown(interview, role_title=title, usage=usage, tries=tries))
        return Report(interview.id, report_json(interview, role_title=title, usage=usage, tries=tries))

    async def _find(
        self, id_or_prefix: str, *, user_id: str | None, platform: str | None, workspace_id: str | None
    ) -> Interview:
        prefix = id_or_prefix.strip().lower()
        if len(prefix) > MAX_ID:
            raise InterviewNotFound(f"That is not an interview id: an id has at most {MAX_ID} characters.")
        if len(prefix) < MIN_PREFIX or not _HEXISH.match(prefix):
            raise InterviewNotFound(
                f"“{id_or_prefix}” is not an interview id: give at least {MIN_PREFIX} characters of one."
            )
        store = self._parts.store
        ids = await store.find_interview_ids(prefix, user_id=user_id, platform=platform, workspace_id=workspace_id)
        if not ids:
            raise InterviewNotFound(f"No interview has an id starting with `{prefix}`.")
        if len(ids) > 1:
            raise InterviewNotFound(
                f"`{prefix}` matches {len(ids)} interviews ({', '.join(i[:8] for i in ids)}): give more characters."
            )
        interview = await store.get_interview(ids[0])
        if interview is None:  # deleted between the two reads
            raise InterviewNotFound(f"No interview has an id starting with `{prefix}`.")
        return interview

    async def delete_user_data(
        self,
        *,
        user_id: str,
        platform: str | None = None,
        workspace_id: str | None = None,
        event_id: str | None = None,
    ) -> DeletedData | None:
        """Erase a person's interviews, answers, usage records and daily question (on one platform and workspace when
        given), with the event asking for it claimed in the same transaction; what was removed, or None for a copy
        of an event that erased already."""
        if event_id is not None and platform is None:
            raise ValueError("an erasure asked for by a platform event names that platform")
        try:
            return await self._parts.store.delete_user_data(
                user_id=user_id, platform=platform, workspace_id=workspace_id, event_id=event_id
            )
        except DuplicateEvent:
            return None

    async def is_open(self, conv: ConversationRef) -> bool:
        """Whether the conversation has an open interview for its person."""
        return await self._parts.store.get_open_interview(conv) is not None

    async def open_in_channel(self, place: ConversationRef) -> ConversationRef | None:
        """Where the person of place has an interview open in any thread of place's channel, or None."""
        found = await self._parts.store.open_in_channel(
            platform=place.platform, workspace_id=place.workspace_id, channel_id=place.channel_id, user_id=place.user_id
        )
        return found.conv if found else None

    async def role_title(self, interview_id: str) -> str | None:
        """The title of an interview's role, or None when the interview is gone."""
        interview = await self._parts.store.get_interview(interview_id)
        return self._parts.title_of(interview.role) if interview else None

    async def stalled_events(self, platform: str) -> list[dict[str, Any]]:
        """Kept events whose worker stopped before handling them, taken over to be handled here (each at most a
        few times: an event that kills its worker every time is given up)."""
        return await self._parts.store.inbox_stalled(
            platform,
            older_than_s=self._parts.settings.recover_after_s,
            max_attempts=_STALLED_EVENT_ATTEMPTS,
            limit=50,
        )

    async def purge_delivered(self) -> None:
        """Forget handled events and sent replies older than a day (they hold what people wrote)."""
        await self._parts.store.purge_delivered(older_than_s=KEEP_DELIVERED_S)
