"""The daily question's words and clock: `daily on [ROLE] [HH:MM] [tz=ZONE]`, `daily off`, `daily`, and when the
next one is due in the person's own time zone.

Both chat platforms read the same words (typed in a DM, or after `/mock-interview`), so they are parsed here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_AT = time(9, 0)  # "daily on" with no time: nine in the morning, the person's time
# A question due while no worker ran (a restart, an outage) still goes out this late, and not later: past that, a
# ping in the middle of the person's night helps nobody, and tomorrow's comes on time.
LATE_LIMIT = timedelta(hours=6)

USAGE = (
    "`daily on [ROLE] [HH:MM] [tz=Europe/Berlin]` sends you one question a day here, `daily off` stops it, "
    "`daily` shows when the next one comes."
)

_TIME = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$", re.IGNORECASE)
_DAILY = re.compile(r"^\s*[/!]?daily\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)


class DailyAction(StrEnum):
    """What a `daily` command asks for."""

    ON = "on"
    OFF = "off"
    STATUS = "status"


@dataclass(frozen=True)
class DailyRequest:
    """A parsed `daily` command; at, zone and role are None where the person gave none."""

    action: DailyAction
    at: time | None = None
    zone: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class DailyProblem:
    """A `daily` command we cannot use; message says why and what to type."""

    message: str


@dataclass(frozen=True)
class DailySchedule:
    """One person's daily question: where it goes (their DM), when (local time and zone), from which role (None:
    the roles they practise), and when the next one is due."""

    platform: str
    workspace_id: str
    user_id: str
    channel_id: str  # the person's DM with the bot
    at: time
    zone: str
    role: str | None
    next_due_at: datetime  # UTC

    def local_date(self) -> date:
        """The day, in the person's zone, the next question is due on (one question per such day)."""
        return self.next_due_at.astimezone(ZoneInfo(self.zone)).date()

    @property
    def event_id(self) -> str:
        """The claim that makes the next question go out once, whichever worker sends it and however often."""
        return f"daily:{self.workspace_id}:{self.user_id}:{self.local_date().isoformat()}"


def parse_daily(text: str) -> DailyRequest | DailyProblem | None:
    """The `daily` command text is, or None when it is not one (the first word is not `daily`)."""
    match = _DAILY.match(text)
    if match is None:
        return None
    tokens = match.group("rest").split()
    if not tokens:
        return DailyRequest(DailyAction.STATUS)
    head, rest = tokens[0].lower(), tokens[1:]
    if head in ("off", "stop"):
        return DailyRequest(DailyAction.OFF) if not rest else DailyProblem(f"`daily off` takes nothing more. {USAGE}")
    if head != "on":
        return DailyProblem(USAGE)
    at: time | None = None
    zone: str | None = None
    role_words: list[str] = []
    for token in rest:
        key, sep, value = token.partition("=")
        if sep and key.lower() in ("tz", "zone", "timezone"):
            zone = value
        elif sep:
            return DailyProblem(f"Unknown option `{key}`. {USAGE}")
        elif (parsed := parse_time(token)) is not None:
            at = parsed
        else:
            role_words.append(token)
    if zone is not None and not is_zone(zone):
        return DailyProblem(f"I don't know the time zone “{zone[:40]}”: give one like `tz=Europe/Berlin` or `tz=UTC`.")
    return DailyRequest(DailyAction.ON, at=at, zone=zone, role=" ".join(role_words) or None)


def parse_time(token: str) -> time | None:
    """`8`, `08:30`, `7pm` or `7:30pm` as a time of day; None when token is not one."""
    match = _TIME.match(token.strip())
    if match is None:
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = (match.group("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match.group("m") is None:
        return None  # a bare number is more likely part of a role's name than a time
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def is_zone(name: str) -> bool:
    """Whether name is an IANA time zone this machine knows (`Europe/Berlin`, `UTC`)."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def next_due(at: time, zone: str, *, after: datetime) -> datetime:
    """The first moment strictly after `after` when the clock in zone shows at, in UTC."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    day = local.date()
    for _ in range(3):  # today, tomorrow, or the day after when a clock change skips the time
        candidate = datetime.combine(day, at, tzinfo=tz)
        if candidate > after:
            return candidate.astimezone(after.tzinfo)
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=tz).astimezone(after.tzinfo)


def clock(at: time) -> str:
    """A time of day as the person reads it back: 08:30."""
    return at.strftime("%H:%M")
