"""What the bot says to users in fixed situations, in one place so the wording stays consistent."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.domain.models import DeletedData, Interview
from core.domain.roles import RoleCatalog, RolePack
from core.domain.text import counted

HELP = (
    "**Mock Interview Coach**\n"
    "Answer each question as you would in a real interview. Instead of answering you can type:\n"
    "• `hint`: a nudge (counts as a question–response pair)\n"
    "• `skip`: move on to the next main question (counts as 1/10)\n"
    "• `repeat`: show the current question again\n"
    "• `pause` / `resume`: take a break; nothing is lost\n"
    "• `retry`: carry on after the AI interviewer had a problem\n"
    "• `end`: finish now and get your scorecard"
)

NO_INTERVIEW = "No interview is running here. Start one first (for example with role `data-science`)."
PAUSED = "Your interview is paused. Type `resume` to carry on."
PAUSED_NOW = "Paused. Your answers so far are saved; type `resume` when you are ready."
OWED_QUESTION = "Your last answer is saved, but I still owe you the next question. Type `retry` to continue."
NOTHING_TO_RETRY = "Nothing to retry: here is your current question."
NOT_YOUR_INTERVIEW = "This is someone else's mock interview, so only they can answer here. Start your own any time."
INTERVIEW_GONE = "I can't find that interview any more."
INTERVIEW_FINISHED = "This interview has finished. Start a new one whenever you like."
NOT_AN_ANSWER = "I can take a typed answer or a recording, not other files. Your question is still open."
STALE_BUTTON = "That button belongs to a question that has already moved on; use the buttons under the latest one."


def intro(pack: RolePack, interview: Interview) -> str:
    """The opening message of a new interview."""
    level = f" at {interview.level} level" if interview.level else ""
    count = counted(interview.planned_questions, "main question")
    retry = interview.retry_of
    if retry:
        before = retry.get("score")
        scored = f"you scored {before} the first time" if before is not None else "it had no score the first time"
        heading = f"**{pack.title}: answer {retry.get('seq')} again**{level} ({scored}): one question, no follow-ups"
        return f"{heading}.\nAnswer as you would in a real interview. Type `hint`, `skip` or `end` at any time."
    if interview.is_daily:
        why = " (it is due for review)" if interview.state.get("review") else ""
        return (
            f"**Your daily {pack.title} question**{level}{why}: one question, no follow-ups.\n"
            "Answer here, typed or as a voice note. Type `hint`, `skip` or `end` at any time; `daily off` stops these."
        )
    if interview.tailoring:
        return tailored_intro(pack, interview, f"{level}: {count}")
    if interview.state.get("review"):
        heading = f"**{pack.title} review**{level}: {count} you answered below 8 before, due again now"
    else:
        heading = f"**{pack.title} mock interview**{level}: {count}"
    return (
        f"{heading}, with follow-ups.\n"
        f"{pack.description}\n"
        "Answer as you would in a real interview. Type `hint`, `skip`, `repeat` or `end` at any time."
    )


def already_running(pack: RolePack, interview: Interview) -> str:
    """Shown when a start is asked for where an interview is already open."""
    answered = sum(1 for t in interview.turns if t.answer is not None)
    answers = f"{answered} answer{'' if answered == 1 else 's'}"
    return (
        f"You already have a {pack.title} interview open here ({answers} so far). "
        "Here is where you left off; type `end` to finish it first if you want a new one."
    )


def tailored_intro(pack: RolePack, interview: Interview, level_and_count: str) -> str:
    """The opening message of an interview tailored to a posting or a résumé: what it was tailored to, what was
    read or guessed, and the requirements it will probe."""
    tailored = interview.tailoring
    sources = tailored.get("from") or []
    what = " and ".join(
        {"posting": "the job posting", "resume": "your résumé"}[s] for s in sources if s in ("posting", "resume")
    )
    lines = [f"**{pack.title} mock interview, tailored to {what or 'you'}**{level_and_count}, with follow-ups."]
    lines += [str(line) for line in tailored.get("about") or []]
    requirements = [str(r) for r in tailored.get("requirements") or []]
    if requirements:
        lines.append("What the posting asks for: " + "; ".join(requirements) + ".")
    lines.append("Answer as you would in a real interview. Type `hint`, `skip`, `repeat` or `end` at any time.")
    return "\n".join(lines)


def unknown_role(name: str, catalog: RoleCatalog) -> str:
    """Shown for a role name that matches no pack."""
    listing = ", ".join(f"`{rid}`" for rid in catalog.ids)
    return f"I don't know the role “{name}”. Choose one of: {listing}."


def nothing_due(role_title: str, upcoming: datetime | None) -> str:
    """Said to a review asked for when no question is due: when the next one is, or how questions get there."""
    if upcoming is None:
        return (
            f"No {role_title} question is on your review schedule: an answer scoring 5 or less puts its question "
            "there, and it comes back a day later."
        )
    when = f"{upcoming:%Y-%m-%d %H:%M} UTC"
    return f"Nothing in {role_title} is due for review yet: the next question comes back on {when}."


def bad_question_count(count: int, most: int, title: str) -> str:
    """Shown when the number of questions asked for is out of range."""
    return f"A {title} interview can have 1 to {most} main questions; you asked for {count}."


def too_long(length: int, limit: int) -> str:
    """Shown for an answer over the length limit; the question stays open."""
    return (
        f"That answer is {length:,} characters; the limit is {limit:,} (about {limit // 6:,} words). "
        "Please send a shorter version: your question is still open and nothing was recorded."
    )


def model_down(reason: str) -> str:
    """Shown when the model could not serve a turn; the answer is already stored."""
    return f"{reason} Your answer is saved. Type `retry` to continue."


def cap_reached(max_pairs: int) -> str:
    """Shown when the interview reaches its question–response cap."""
    return f"That's {max_pairs} question–response pairs, the most one interview holds. Here is your scorecard."


def unknown_command(name: str) -> str:
    """Shown for a command the core does not know."""
    return f"Unknown command `{name}`. Type `help` to see what you can do."


# --- voice answers -------------------------------------------------------------------------------------------

_TYPE_INSTEAD = "Your question is still open: record it again, or type your answer."
VOICE_EMPTY = f"That voice note is empty: nothing was recorded. {_TYPE_INSTEAD}"
VOICE_TOO_SHORT = f"That voice note is too short to hold an answer. {_TYPE_INSTEAD}"
VOICE_DAMAGED = f"I couldn't read that recording: it looks damaged or incomplete. {_TYPE_INSTEAD}"
VOICE_NOISE = (
    "I couldn't hear an answer in that recording (only silence or noise). "
    "Try again closer to the microphone, or type your answer. Your question is still open."
)
VOICE_UNAVAILABLE = (
    "Voice answers need a speech-to-text service, and none is configured here (set OPENAI_API_KEY, or "
    "MOCK_INTERVIEW_STT_BASE_URL and MOCK_INTERVIEW_STT_API_KEY for a speech server of its own, or run "
    "`make local-voice` to transcribe on this machine). Please type your answer: your question is still open."
)


def voice_not_audio(what: str, supported: str) -> str:
    """A file that is not a recording we can read."""
    return f"{what} I can transcribe {supported} recordings. {_TYPE_INSTEAD}"


def voice_too_long(seconds: float, limit: float) -> str:
    """A recording over the length limit."""
    return (
        f"That recording is {clock(seconds)} long; answers can be at most {clock(limit)}. "
        f"Please record a shorter answer, or type it. Your question is still open."
    )


def voice_too_large(size: int, limit: int) -> str:
    """A recording too large to transcribe, with no way to shrink it here."""
    return (
        f"That recording is {size / 1_048_576:.0f} MB; I can take at most {limit / 1_048_576:.0f} MB. "
        f"Please send a compressed voice note (ogg, m4a or mp3) or type your answer. Your question is still open."
    )


def voice_failed(reason: str) -> str:
    """The transcription service is down or slow; the user records again later."""
    return f"{reason} I couldn't transcribe your voice note. Please send it again in a moment, or type your answer."


def heard(transcript: str, seconds: float | None, delivery_line: str) -> str:
    """The transcript of a voice answer, shown before anything else."""
    length = f" ({clock(seconds)})" if seconds else ""
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in transcript.splitlines())
    return f"🎙️ **I heard**{length}:\n{quoted}\n_{delivery_line}_"


def clock(seconds: float) -> str:
    """Seconds as m:ss."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def deleted(what: DeletedData) -> str:
    """What erasing a person's data removed, in words."""
    if not what.interviews:
        return "There was nothing to delete: no interviews are stored for you here."
    return (
        f"Deleted {_count(what.interviews, 'interview')}, {_count(what.answers, 'answer')} and "
        f"{_count(what.usage_records, 'model usage record')}. Nothing of them is kept."
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- limits --------------------------------------------------------------------------------------------------


def too_many_open(limit: int) -> str:
    """Shown when a person with `limit` open interviews asks for one more."""
    return (
        f"You already have {_count(limit, 'interview')} open, the most you can have at once. "
        "To start a new one, finish one first: type `end` in its thread or DM (you get its scorecard)."
    )


def answering_too_fast(limit: int, wait_s: int) -> str:
    """Shown for an answer over the answers-per-minute limit; it was not recorded."""
    return (
        f"That's more than {_count(limit, 'answer')} in a minute, so I didn't record this one. "
        f"Please wait {_count(wait_s, 'second')}, then send the same answer again: your question is still open."
    )


def budget_spent(until_reset: timedelta) -> str:
    """Shown once per interview when today's AI budget is used up and the built-in coach takes over."""
    return (
        "Today's AI budget here is used up, so the built-in coach carries on with your interview: questions from "
        f"the role pack, answers scored by the key points they cover. The AI interviewer is back at 00:00 UTC "
        f"(in {_span(until_reset)}). Nothing you've said is lost."
    )


def voice_budget_spent(until_reset: timedelta) -> str:
    """Shown for a voice note while today's AI budget is used up: transcribing it would cost more."""
    return (
        "Today's AI budget here is used up, so I can't transcribe voice notes until 00:00 UTC "
        f"(in {_span(until_reset)}). Please type your answer: your question is still open."
    )


def _span(delta: timedelta) -> str:
    """A wait in words: hours and minutes, rounded up to the minute."""
    minutes = max(1, -(-int(delta.total_seconds()) // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else _count(minutes, "minute")
