"""What the Discord bot says in situations only Discord has, worded in one place."""

from __future__ import annotations

from core.domain.roles import RoleCatalog

COMMAND = "/mock-interview"

DM_HELP = (
    "**Mock Interview Coach**\n"
    "Start an interview here with `start <role>`, for example `start data-science`, `start pm 3` or "
    "`start swe 5 senior`, or use `/mock-interview`. Type `roles` to see the roles, `history` for your past "
    "interviews, `progress` for your scores over time and weakest topics, and `report <id>` for one of them whole. "
    "`review <role>` asks again the questions you answered worst, when they are due; "
    "`daily on [role] [08:00] [tz=Europe/Berlin]` sends you one question a day here (`daily off` stops it).\n"
    "Answer each question by typing, or record a **voice message**: I transcribe it and show you what I heard.\n"
    "Instead of answering you can type or press:\n"
    "• `hint`: a nudge (counts as a question–response pair)\n"
    "• `skip`: move on to the next main question (counts as 1/10)\n"
    "• `repeat`: show the current question again\n"
    "• `pause` / `resume`: take a break; nothing is lost\n"
    "• `end`: finish now and get your scorecard\n"
    "Type `delete my data` (or use `/mock-interview delete-my-data`) to erase your interviews for good; "
    "I ask you to confirm first.\n"
    f"In a server, `{COMMAND}` opens a thread for the interview, public so a study group can follow along, "
    "or private with `private: True`."
)

NO_INTERVIEW_DM = (
    "No interview is running here yet. Type `start <role>` (for example `start data-science`) or use "
    f"`{COMMAND}`; `roles` lists the roles and `help` explains the rest."
)

CONFIRM_DELETE = (
    "**Delete my data?** This erases, for good, every interview, answer and model usage record of this Discord "
    "account: in DMs and in every server, finished or still open. It cannot be undone."
)
DELETE_CANCELLED = "Cancelled: nothing was deleted."
NOT_YOUR_DATA = (
    "These buttons belong to the person who asked to delete their data. To delete yours, type `delete my data` "
    f"in a DM with me or use `{COMMAND} delete-my-data`."
)
ONLY_CANDIDATE = "Only the candidate can use these buttons. Start your own interview with `/mock-interview`."
THREAD_ONLY_IN_TEXT_CHANNEL = (
    f"Run `{COMMAND}` in a text channel (not in a thread or a forum): I open a thread there for the interview."
)
DOWNLOAD_FAILED = "I couldn't download that voice message. Please send it again: your question is still open."
NOT_FROM_DISCORD = (
    "I only take voice messages stored on Discord, and that file is somewhere else. Record your answer in Discord "
    "or type it: your question is still open."
)
VOICE_UNAVAILABLE = "Voice answers are not available right now. Please type your answer: your question is still open."
SOMETHING_WENT_WRONG = (
    "Something went wrong on my side. Your interview is saved; type `repeat` to see the current question."
)


def roles_list(catalog: RoleCatalog) -> str:
    """The roles with their ids and aliases, for `roles` in a DM."""
    lines = ["**Roles** (use the id or an alias, for example `start ds 3`):"]
    for pack in catalog.packs.values():
        aliases = f" (also {', '.join(f'`{a}`' for a in pack.aliases)})" if pack.aliases else ""
        lines.append(f"• `{pack.id}`: {pack.title}{aliases}")
    return "\n".join(lines)


def too_large(size: int, limit: int) -> str:
    """A voice message over the download limit; nothing was recorded."""
    return (
        f"That recording is {size / 1_048_576:.1f} MB; the most I take is {limit / 1_048_576:.0f} MB. "
        "Please send a shorter one: your question is still open."
    )


def missing_permissions(names: list[str]) -> str:
    """The bot lacks channel permissions it needs to run an interview thread here."""
    return (
        f"I can't open an interview thread in this channel: I need the {', '.join(names)} permission"
        f"{'s' if len(names) > 1 else ''} here. Ask a server admin, or try another channel."
    )


def thread_started(*, candidate_mention: str, role_title: str, thread_mention: str, private: bool) -> str:
    """The answer to /mock-interview in a server: where the interview is."""
    if private:
        return f"Your private **{role_title}** interview is ready: {thread_mention}"
    return f"{candidate_mention} started a **{role_title}** mock interview: {thread_mention}. Follow along there!"


PROGRESS_SENT = "I sent your progress to you by DM."
NOT_YOUR_SCORECARD = "That is someone else's scorecard: only they can try its questions again."
