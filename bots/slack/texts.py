"""What the Slack app says in its own words: situations only Slack has, and the core's codes worded for Slack."""

from __future__ import annotations

from dataclasses import replace

from bots.slack.render import defuse, mention
from core.domain.replies import Reply, ReplyCode

DM_NUDGE = (
    "Hi! Start a mock interview with `/mock-interview ROLE` (try `/mock-interview roles`). "
    "During an interview, answer by replying in its thread. Type `daily on` for one question a day, here. "
    "To practise for a job posting, upload it here with the word `tailor`."
)
SLACK_HELP = (
    "*Mock Interview Coach*\n"
    "• `/mock-interview ROLE [questions=N] [level=junior|mid|senior] [language=...]` starts an interview: "
    "I post a message here and ask the questions in its thread.\n"
    "• `/mock-interview review ROLE` asks again the questions you answered worst, when they are due "
    "(after 1 day, then 3, then 7, until you score 8).\n"
    "• `/mock-interview daily on [ROLE] [HH:MM]` sends you one question a day in our messages, at that time in "
    "your time zone; `daily off` stops it.\n"
    "• `/mock-interview tailor [ROLE]` opens a form to paste a job posting into: the questions are aimed at what it "
    "asks for. For a longer posting, a PDF or Word file, or your résumé, upload it in our messages with the word "
    "`tailor` (`tailor resume` for a résumé, `tailor ROLE` to name the role).\n"
    "• Answer by replying in that thread, in text or with an audio clip.\n"
    "• Under each question: *Hint*, *Skip* and *End interview*. In the thread you can also type "
    "`hint`, `skip`, `repeat`, `pause`, `resume`, `retry` or `end`.\n"
    "• `/mock-interview group ROLE [questions=N] [minutes=M]` in a channel opens a study group in a thread: "
    "members join, answer each question privately, see the answers together and rate them.\n"
    "• `/mock-interview roles` lists the roles, `history` your interviews, `progress [ROLE]` your scores over time "
    "and weakest topics, `report ID` one whole, "
    "`end` finishes your open interview in this channel.\n"
    "• `/mock-interview delete-my-data` erases your interviews, answers and model usage records in this workspace "
    "(you confirm first)."
)
NOT_AN_ANSWER = "I can take text or an audio clip as an answer, not other files. Your question is still open."
FINISHED = "This interview has finished. Start a new one with `/mock-interview ROLE`."
STALE_BUTTON = "That button belongs to a question that has already moved on; use the buttons under the latest one."
GONE = "I can't find that interview any more."
FAILED = "Something went wrong on my side. Your answer is kept if it was received: type `retry` to carry on."
COMMAND_FAILED = "Something went wrong on my side. Nothing you typed was lost: please try again in a moment."
CANNOT_POST = (
    "I can't post in this conversation. Add me to the channel first (`/invite @Mock Interview Coach`), "
    "or run `/mock-interview` in a DM with me."
)
STARTING = (
    "You are already starting an interview in this channel: its thread will appear in a moment. "
    "Finish it with `/mock-interview end` if you want a different one."
)
SEND_AGAIN = "Please send it again, or type your answer: your question is still open."
NO_PLACE = (
    "I couldn't tell which workspace, channel or person this command came from, so I did nothing. "
    "Please type `/mock-interview` again in a channel I'm in, or in a DM with me."
)
NOTHING_OPEN = "You have no open interview in this channel."
OPEN_HERE = (
    "You already have an interview open in this channel: answer in its thread, or finish it with "
    "`/mock-interview end` first."
)
TAILORED_TITLE = "Tailored"  # the parent line's role until the posting has named it
TAILOR_HOW = (
    "To tailor an interview to a job posting, upload it here (a PDF, Word or text file) with the word `tailor` in "
    "the same message. Add your résumé as a second file (or send it alone with `tailor resume ROLE`), and name a "
    "role to choose it yourself: `tailor data-science`. Or type `/mock-interview tailor` to paste the posting."
)
TAILOR_FAILED = "Something went wrong on my side while reading your files. Please send them again in a moment."
NO_FORM = "I couldn't open the form just now. Please type `/mock-interview tailor` again."
FOREIGN_FILE = "That file's link points outside Slack, so I didn't open it. Upload the file here in Slack."
ENDED = "Your interview is finished: the scorecard is in its thread."
GROUP_IN_CHANNEL = "A study group runs in a channel's thread: type `/mock-interview group ROLE` in a channel."
GROUP_THREAD = (
    "This thread is a study group: messages here are not answers. Answer with the *Answer* button under the question "
    "(it stays hidden until the round closes), or send me a voice note in our messages. Not a member? Press *Join* "
    "under the next group's lobby."
)
NO_ANSWER_FORM = "I couldn't open the answer form just now. Please press *Answer* again."


def group_parent(host: str, role_title: str) -> str:
    """The channel line a study group's thread hangs from (role_title already defused)."""
    return f":busts_in_silhouette: {mention(host)} opened a *{role_title}* study group · join in the thread"


def outsider_note(owner: str) -> str:
    """Told once to someone who writes in (or clicks under) another person's interview."""
    return (
        f"This thread is {mention(owner)}'s mock interview, so I'm only taking their answers here. "
        "Start your own with `/mock-interview ROLE`."
    )


def clip_too_large(limit: int) -> str:
    """A clip over the download limit; nothing was recorded."""
    return (
        f"That clip is too large for me (the limit is {limit // (1024 * 1024)} MB). "
        "Please send a shorter one: your question is still open."
    )


def already_open(role_title: str) -> str:
    """A start asked for in a channel where the person has an interview open already (role_title is defused)."""
    return (
        f"You already have a *{role_title}* interview open in this channel: answer in its thread, "
        "or finish it with `/mock-interview end` first."
    )


def note_text(note: Reply) -> str:
    """A private note of the core, in Slack's words (already safe to post: it mentions only the candidate)."""
    if note.code is ReplyCode.NOT_YOUR_INTERVIEW and note.owner_id:
        return outsider_note(note.owner_id)
    return {
        ReplyCode.STALE_BUTTON: STALE_BUTTON,
        ReplyCode.INTERVIEW_FINISHED: FINISHED,
        ReplyCode.INTERVIEW_GONE: GONE,
    }.get(note.code or ReplyCode.NO_INTERVIEW, defuse(note.text))


def in_thread(reply: Reply) -> Reply:
    """A reply as it reads in an interview thread: "nothing is open here" means this thread's interview ended."""
    if reply.code is ReplyCode.NO_INTERVIEW:
        return replace(reply, text=FINISHED)
    if reply.code is ReplyCode.NOT_AN_ANSWER:
        return replace(reply, text=NOT_AN_ANSWER)
    return reply


def file_too_large(name: str, size: int | None, limit: int) -> str:
    """A file sent with `tailor` that is far too large to download (name is defused here)."""
    shown = f" is {size / 2**20:.1f} MB" if size else " is over the limit"
    return (
        f"{defuse(name)}{shown}: far too large for a job posting or a résumé (I download files of up to "
        f"{limit // 2**20} MB). Send a PDF, Word or text file of a few pages, or paste the posting with "
        "`/mock-interview tailor`."
    )


def file_unavailable(name: str, why: str) -> str:
    """A file sent with `tailor` that could not be downloaded (why is safe to show; name is defused here)."""
    return f"I couldn't download {defuse(name)}: {why} Please upload it again."
