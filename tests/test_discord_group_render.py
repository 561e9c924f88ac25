"""A study group's replies as Discord messages: member mentions kept but mass mentions broken, the reveal numbered,
and a big group's rating selects spread over messages within Discord's five rows."""

from __future__ import annotations

from bots.discord.delivery import message_kwargs
from bots.discord.render import MORE_RATINGS, render_reply
from core.domain.replies import Reply, ReplyCode, ReplyKind

GROUP = "0b6f4d52-7a0e-4f7c-9a51-3c2b8e9d1f00"
MEMBERS = [str(1578420000000000000 + i) for i in range(7)]


def _reveal(members: list[str]) -> Reply:
    lines = ["**Answers to question 2**"]
    for user in members:
        lines.append(f"\n<@{user}>: **6/10**\n> I would ask @everyone and <@&{MEMBERS[0]}> first.\n_Clear._")
    return Reply(ReplyKind.INFO, "\n".join(lines), code=ReplyCode.GROUP_REVEAL, group_id=GROUP, seq=2)


def test_a_reveal_numbers_its_members_keeps_their_mentions_and_breaks_mass_ones() -> None:
    [message] = render_reply(_reveal(MEMBERS[:2]))
    assert f"**1.** <@{MEMBERS[0]}>: **6/10**" in message.content and f"**2.** <@{MEMBERS[1]}>" in message.content
    assert "@everyone" not in message.content and "<@&" not in message.content
    assert message.group is not None and message.group.round == 2
    assert message.group.rate == ((1, MEMBERS[0]), (2, MEMBERS[1])) and message.group.actions == ("next", "end")


def test_seven_members_take_two_messages_of_at_most_five_rows() -> None:
    first, more = render_reply(_reveal(MEMBERS))
    assert first.group is not None and more.group is not None and more.content == MORE_RATINGS
    assert [n for n, _ in first.group.rate] == [1, 2, 3, 4] and [n for n, _ in more.group.rate] == [5, 6, 7]
    for out in (first, more):
        rows = message_kwargs(out, candidate_id=0)["view"].to_components()
        assert len(rows) <= 5
    view = message_kwargs(first, candidate_id=0)["view"].to_components()
    assert [c["custom_id"] for c in view[-1]["components"]] == [f"mig:next:{GROUP}:2", f"mig:end:{GROUP}:2"]
    assert view[0]["components"][0]["custom_id"] == f"mig-rate:{GROUP}:2:{MEMBERS[0]}"


def test_a_note_without_a_session_has_no_controls_and_a_lobby_has_its_four() -> None:
    [left] = render_reply(Reply(ReplyKind.INFO, f"<@{MEMBERS[0]}> left the study group.", code=ReplyCode.GROUP_LOBBY))
    assert left.group is None and left.content.startswith(f"<@{MEMBERS[0]}>")
    lobby = Reply(ReplyKind.INFO, "**Study group: Data Science**", code=ReplyCode.GROUP_LOBBY, group_id=GROUP)
    [shown] = render_reply(lobby)
    assert shown.group is not None and shown.group.actions == ("join", "leave", "start", "end")
    assert shown.group.round == 0
