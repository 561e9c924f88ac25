"""Interviews tailored to a job posting or a résumé: the brief read and checked first (nothing starts on a problem),
questions written for the posting by the model (checked by our code) mixed with the pack's best matches and with
questions on the résumé's claims, then a start like any other."""

from __future__ import annotations

import asyncio
import logging

from core.domain.models import TAILORED, ConversationRef
from core.domain.replies import Reply, ReplyCode, error
from core.domain.tailoring import TailorRequest
from core.interview.parts import Parts
from core.interview.starting import Starts, new_interview
from core.ports import ModelOutputInvalid, ModelUnavailable
from core.tailoring.brief import Brief, TailorProblem, read_brief
from core.tailoring.generated import Checked
from core.tailoring.tailored import tailor_plan

log = logging.getLogger(__name__)

_BEST_MATCHES = "so these are the role's own questions that match it best."
WRITER_FAILED = f"The AI could not write questions for this posting just now, {_BEST_MATCHES}"
WRITER_REFUSED = f"The questions the AI wrote for this posting did not pass my checks, {_BEST_MATCHES}"


class Tailors:
    """Starts tailored interviews."""

    def __init__(self, parts: Parts, starts: Starts) -> None:
        self._parts = parts
        self._starts = starts

    async def brief(self, request: TailorRequest) -> Brief | str:
        """The checked brief of a tailored start, or what stops it. Files are read in a worker thread."""
        try:
            brief = await asyncio.to_thread(read_brief, request, self._parts.catalog)
        except TailorProblem as exc:
            return exc.message
        if problem := self._starts.problem(brief.pack.id, request.questions):
            return problem
        return brief

    async def start(
        self, conv: ConversationRef, request: TailorRequest, *, event_id: str | None, replace: bool = False
    ) -> list[Reply]:
        """Start a tailored interview in conv (replace abandons one open there), or say what stops it; nothing is
        stored on a problem but the event's claim."""
        parts = self._parts
        brief = await self.brief(request)
        if isinstance(brief, str):
            return await parts.reply_once(conv, [error(brief)], event_id)
        if (blocked := await self._starts.clear_way(conv, replace=replace, event_id=event_id)) is not None:
            return blocked
        pack = brief.pack
        count = request.questions or min(parts.settings.default_questions, len(pack.questions))
        level = brief.level.value if brief.level else None
        interview = new_interview(conv, pack, count, level=level, lang=None, state={})
        coach, _ = await parts.coach_for(interview)  # the budget notice, if any, comes with the first question
        about = list(brief.about)
        written, usage = Checked(), None
        if brief.requirements:
            try:
                written, usage = await asyncio.wait_for(
                    coach.writer.write(
                        pack, requirements=brief.requirements, seniority=brief.seniority, count=(count + 1) // 2
                    ),
                    timeout=parts.settings.turn_deadline_s,
                )
            except (ModelUnavailable, ModelOutputInvalid, TimeoutError) as exc:
                log.warning("tailoring: the model wrote no questions (%s)", type(exc).__name__)
                about.append(WRITER_FAILED)
        for rejected in written.rejected:
            log.info("tailoring: generated question %s rejected: %s", rejected.index, rejected.reason)
        if written.rejected and not written.accepted:
            about.append(WRITER_REFUSED)
        asked = await parts.store.asked_questions(platform=conv.platform, user_id=conv.user_id, role=pack.id)
        plan = tailor_plan(
            pack, count, requirements=brief.requirements, generated=written.accepted, claims=brief.claims, asked=asked
        )
        interview.planned_questions = len(plan.plan)
        sources = ("posting" if brief.has_posting else "", "resume" if brief.claims else "")
        interview.state = {
            "plan": plan.plan,
            "notes": {},
            TAILORED: {**plan.state(), "about": about, "from": [s for s in sources if s]},
        }
        replies = await self._starts.begin(pack, interview, event_id)
        if any(r.code is ReplyCode.STARTED for r in replies):
            await parts.steps.record_usage(interview.id, usage)
        return replies
