"""Which gateway shards this process opens: DISCORD_SHARD_COUNT (older name DISCORD_SHARDS) and DISCORD_SHARD_IDS.

Discord routes a server's events to shard (guild_id >> 22) % count and every DM to shard 0. Several processes of one
token each open their own DISCORD_SHARD_IDS of the same DISCORD_SHARD_COUNT; together they must cover 0..count-1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.settings import Settings

COUNT, OLD_COUNT, IDS = "DISCORD_SHARD_COUNT", "DISCORD_SHARDS", "DISCORD_SHARD_IDS"
_ID_OR_RANGE = re.compile(r"(\d{1,9})(?:-(\d{1,9}))?")


class ShardSettingsError(ValueError):
    """A shard setting that cannot work; its text is the one line to show."""


@dataclass(frozen=True)
class ShardPlan:
    """The connections of this process: one plain connection, or shards of a count (None: Discord's advice)."""

    sharded: bool = False
    count: int | None = None
    ids: tuple[int, ...] | None = None  # None: every shard of count, in this process

    @property
    def holds_shard_0(self) -> bool:
        """Whether this process receives DMs and shard 0's servers (it also publishes the slash command)."""
        return self.ids is None or 0 in self.ids


def shard_plan(settings: Settings) -> ShardPlan:
    """The plan the settings ask for; ShardSettingsError naming the setting when they cannot work."""
    name, count_text = _count_setting(settings)
    count = _count(name, count_text) if count_text is not None else None
    ids_text = settings.discord_shard_ids
    if ids_text is None:
        return ShardPlan(sharded=count_text is not None, count=count)
    if count is None:
        # Every process must agree on the count, or a server's events go to a shard nobody opened: `auto` can
        # change between two processes' starts, so ids need the number itself.
        raise ShardSettingsError(
            f"{IDS} needs {COUNT} set to the number of shards over all processes (a number, not `auto`)."
        )
    return ShardPlan(sharded=True, count=count, ids=parse_ids(ids_text, count))


def parse_ids(text: str, count: int) -> tuple[int, ...]:
    """Shard ids from `0,1`, `2-3` or a mix (`0,2-3`), each in 0..count-1 and listed once."""
    ids: list[int] = []
    seen: set[int] = set()
    for part in text.split(","):
        match = _ID_OR_RANGE.fullmatch(part.strip())
        if match is None or (match[2] is not None and int(match[2]) < int(match[1])):
            raise ShardSettingsError(f"{IDS} must list shard ids such as `0,1` or `0-3`, not “{text.strip()}”.")
        low, high = int(match[1]), int(match[2] or match[1])
        if high >= count:
            raise ShardSettingsError(f"{IDS} must be shard ids from 0 to {count - 1} ({COUNT} is {count}), not {high}.")
        for shard_id in range(low, high + 1):
            if shard_id in seen:
                raise ShardSettingsError(f"{IDS} lists shard {shard_id} more than once.")
            seen.add(shard_id)
            ids.append(shard_id)
    return tuple(ids)


def _count_setting(settings: Settings) -> tuple[str, str | None]:
    """The count's setting name and value: DISCORD_SHARD_COUNT, else its older name DISCORD_SHARDS."""
    new, old = settings.discord_shard_count, settings.discord_shards
    if new is not None and old is not None and new.strip().lower() != old.strip().lower():
        raise ShardSettingsError(f"{OLD_COUNT} is the older name of {COUNT}: set only {COUNT}.")
    return (COUNT, new) if new is not None else (OLD_COUNT, old)


def _count(name: str, text: str) -> int | None:
    value = text.strip()
    if value.lower() == "auto":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ShardSettingsError(f"{name} must be a number of shards (1 or more) or `auto`, not “{text}”.")
    return int(value)
