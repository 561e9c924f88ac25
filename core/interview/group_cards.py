"""The end of a study group's session: the group scorecard in the thread, and each member's part stored as a finished
interview of their own (in their history, report and progress, with nobody else's answers) whose scorecard goes to
them privately. Stored idempotently, so a worker finishing what a stopped one began stores nothing twice."""

from __future__ import annotations

import uuid

from core.coaching.flow import GradeRequest
from core.coaching.group_scorecard import build_group_card, counted_rounds, group_card_markdown
from core.coaching.scorecard import build_scorecard, offline_summary, overall_score
from core.domain import group_messages as say
from core.domain.groups import GroupSession, Round, direct
from core.domain.models import GROUP, AnswerSource, ConversationRef, Interview, InterviewStatus, Turn, TurnKind, utcnow
from core.domain.replies import Reply, ReplyCode, ReplyKind, info, keyed
from core.domain.roles import Question, RolePack
from core.interview.parts import Parts
from core.interview.report import scorecard_markdown
from core.ports import DuplicateEvent
from core.ports.groups import Addressed

_MEMBER_INTERVIEWS = uuid.UUID("7b1c1f3e-4d52-4a8e-9a43-6f0d2c1b9e77")  # namespace of members' interview ids


class GroupCards:
    """Scorecards of finished group sessions."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def question_of(self, session: GroupSession, played: Round) -> Question:
        """The pack question a round asked."""
        pack = self._parts.catalog.resolve(session.role)
        return next(q for q in pack.questions if q.id == played.question_id)

    def grade_request(self, session: GroupSession, played: Round, answer: str) -> GradeRequest:
        """What an answer to a round is graded against: its question's key points, as in a solo interview."""
        question = self.question_of(session, played)
        return GradeRequest(
            pack=self._parts.catalog.resolve(session.role),
            kind=TurnKind.QUESTION,
            asked=question.text,
            answer=answer,
            key_points=question.key_points,
            main_question=question.text,
        )

    async def finish(self, place: ConversationRef, session: GroupSession) -> list[Addressed]:
        """The group scorecard for the thread; the members' own interviews are stored by settle, after it."""
        questions = {r.question_id: self.question_of(session, r).text for r in session.rounds}
        card = build_group_card(session, questions)
        reply = Reply(
            ReplyKind.INFO, group_card_markdown(card, say.member), code=ReplyCode.GROUP_SCORECARD, group_id=session.id
        )
        return [(place, keyed(reply, f"group:{session.id}:card"))]

    async def settle(self, place: ConversationRef, session: GroupSession) -> list[Addressed]:
        """Store each member's part as a finished interview, with their scorecard for them privately; the replies
        stored now, to send (a member stored before, by a worker that stopped, is not stored again)."""
        pack = self._parts.catalog.resolve(session.role)
        rounds = counted_rounds(session)
        stored: list[Addressed] = []
        for user in dict.fromkeys(u for r in rounds for u in r.expected):
            interview = self.member_interview(place, session, pack, user, [r for r in rounds if user in r.expected])
            card = build_scorecard(
                interview, role_title=pack.title, summary=offline_summary(interview, interview.overall_score)
            )
            note = info(say.PERSONAL_NOTE, interview_id=interview.id)
            scorecard = Reply(ReplyKind.SCORECARD, scorecard_markdown(card), interview_id=interview.id, scorecard=card)
            replies = [keyed(note, f"{interview.id}:group-note"), keyed(scorecard, f"{interview.id}:scorecard")]
            try:
                await self._parts.store.create_interview(
                    interview, replies=replies, lease_s=self._parts.settings.recover_after_s,
                    event_id=f"group:{session.id}:member:{user}",
                )  # fmt: skip
            except DuplicateEvent:
                continue
            for played in rounds:  # the grades' model calls count in the day's budget from now on
                answer = played.answers.get(user)
                if answer is not None and answer.usage is not None:
                    await self._parts.store.record_usage(interview.id, answer.usage)
            stored += [(interview.conv, reply) for reply in replies]
        return stored

    @staticmethod
    def member_interview(
        place: ConversationRef, session: GroupSession, pack: RolePack, user: str, rounds: list[Round]
    ) -> Interview:
        """One member's part of a session, as a finished interview of their own."""
        turns = []
        for seq, played in enumerate(rounds, 1):
            answer = played.answers.get(user)
            question = next(q for q in pack.questions if q.id == played.question_id)
            turns.append(
                Turn(
                    seq=seq,
                    kind=TurnKind.QUESTION,
                    question=question.text,
                    question_index=seq - 1,
                    asked_at=played.opened_at,
                    answer=answer.text if answer else None,
                    source=(AnswerSource.VOICE if answer.source == "voice" else AnswerSource.TEXT) if answer else None,
                    answered_at=answer.at if answer else None,
                    skipped=answer is None,  # "no answer" counts 1, as a skipped question does
                    grade=answer.grade if answer else None,
                )
            )
        now = utcnow()
        return Interview(
            id=str(uuid.uuid5(_MEMBER_INTERVIEWS, f"{session.id}:{user}")),
            conv=direct(place, user),
            role=pack.id,
            status=InterviewStatus.COMPLETED,
            planned_questions=len(rounds),
            created_at=session.created_at,
            updated_at=now,
            ended_at=now,
            overall_score=overall_score(turns),
            state={"plan": [r.question_id for r in rounds], "notes": {}, GROUP: session.id},
            turns=turns,
        )
