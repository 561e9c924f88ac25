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
    "`daily on [role] [08:00] [tz=Europe/Berlin]` sends you one question a day here (`daily off` stops it). "
    "To practise for a particular job, attach its posting (PDF, Word or text) to a message saying `tailor`.\n"
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
    "or private with `private: True`; `group: True` opens a study group there instead, whose members answer each "
    "question privately, then see every answer scored and rate each other."
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


# The tailoring form (/mock-interview tailor:True). Discord's limits: a title or a label of 45 characters, a
# description or a placeholder of 100, a typed value of 4,000.
TAILOR_FORM_TITLE = "Interview tailored to a job posting"
POSTING_LABEL = "Job posting"
POSTING_DESCRIPTION = "Up to 4,000 characters. Longer, or a PDF/Word file? DM it to me with the message: tailor"
POSTING_PLACEHOLDER = "Paste the job description: the title, what you'd do, what they ask for"
RESUME_LABEL = "Your résumé (optional)"
RESUME_DESCRIPTION = "For questions on your own projects. As a file: DM it to me with the message: tailor resume"
RESUME_PLACEHOLDER = "Paste your résumé (emails, links, phone numbers and addresses are taken out first)"
QUESTIONS_LABEL = "Number of main questions (optional)"
TAILORED = "Tailored"  # the thread's name and the channel's line for a tailored interview: Tailored interview · Ada

ROLE_NEEDED = (
    "Choose a role (start typing to see them), or set `tailor: True` to paste a job posting and get an interview "
    "tailored to it."
)
NO_REVIEW_WHEN_TAILORED = (
    "`review` asks again the questions you answered worst, and `tailor` asks new ones for a job posting: use one "
    "or the other."
)
QUESTIONS_NOT_A_NUMBER = "The number of questions must be a whole number, like 3, or left empty. Nothing started."
TAILOR_HOW = (
    "To tailor an interview to a job, attach its posting (PDF, Word, .txt or .md) to a message that says `tailor`. "
    "Add your résumé as a second file for questions on your own projects, or send it alone with "
    "`tailor resume ROLE`; `tailor ROLE` picks the role yourself. To paste the posting instead, use "
    f"`{COMMAND} tailor:True`."
)
DOCUMENT_DOWNLOAD_FAILED = "I couldn't download your file from Discord. Please send it again with `tailor`."
DOCUMENT_NOT_FROM_DISCORD = "I only read files stored on Discord: attach the file to your message instead."


def questions_placeholder(default: int, most: int) -> str:
    """The hint in the form's question count box."""
    return f"1 to {most}; {default} if left empty"


def document_too_large(size: int) -> str:
    """A file sent with `tailor` that is far larger than any posting or résumé; it was not downloaded."""
    return (
        f"That file is {size / 1_048_576:.1f} MB: far too large for a job posting or a résumé. Save it without "
        f"images, or paste the text with `{COMMAND} tailor:True`."
    )


# Study groups (/mock-interview group:True). Discord's limits: a modal title or label of 45 characters, a
# placeholder of 100, a thread name of 100.
GROUP_ANSWER_LABEL = "Your answer (hidden until the reveal)"
GROUP_ANSWER_PLACEHOLDER = "Type your answer; or close this and send me a voice message by DM instead"
GROUP_ONLY_IN_SERVER = f"Study groups run in a server: use `{COMMAND} group:True` in a text channel."
GROUP_ONLY_IN_THREAD = "Study group buttons work in the study group's thread."
GROUP_ROLE_NEEDED = "Choose the role whose questions the study group practises (start typing to see them)."
GROUP_NOT_TAILORED = "A study group asks a role's questions: `group` and `tailor` (or `review`) do not go together."


def group_form_title(round_number: int) -> str:
    """The answer form's title."""
    return f"Your answer to question {round_number}"


def rate_placeholder(number: int) -> str:
    """The words in a rating select before anything is chosen: which numbered answer of the reveal it rates."""
    return f"Rate answer {number} from 1 to 5" if number else "Rate this answer from 1 to 5"


def group_thread_name(*, role_title: str, host: str) -> str:
    """A study group's thread title, within Discord's 100 characters."""
    name = f"{role_title} study group · {host}"
    return name if len(name) <= 100 else name[:99] + "…"


def group_started(*, host_mention: str, role_title: str, thread_mention: str) -> str:
    """The answer to /mock-interview group:True: where the study group is."""
    return f"{host_mention} opened a **{role_title}** study group: {thread_mention}. Press **Join** there to take part!"
