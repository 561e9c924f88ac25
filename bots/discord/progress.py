"""A person's progress on Discord: the text and, once an interview is finished, its chart as an attachment."""

from __future__ import annotations

from bots.discord.inbound import PLATFORM
from bots.discord.render import CONTENT_LIMIT, OutMessage, defuse, split_text
from core.interview.progress import progress_markdown
from core.interview.service import InterviewService

CHART_NAME = "progress.png"


async def progress_messages(service: InterviewService, user_id: str) -> list[OutMessage]:
    """The messages that show a person's Discord progress; the chart rides on the last one."""
    progress = await service.progress(user_id=user_id, platform=PLATFORM)
    titles = service.catalog.titles
    pieces = split_text(defuse(progress_markdown(progress, titles)), CONTENT_LIMIT)
    messages = [OutMessage(content=piece) for piece in pieces]
    if progress.roles:  # a chart of nothing says less than the sentence saying so
        png = await service.progress_png(progress)
        messages[-1] = OutMessage(content=messages[-1].content, file=(CHART_NAME, png))
    return messages
