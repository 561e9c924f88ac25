"""What one part of the configuration was found to do, and the screen that lists every part."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class State(Enum):
    """How a part fared: working, not configured (not a failure: the app does without it), or failing."""

    WORKS = "ok"
    UNSET = "--"
    FAILS = "!!"


@dataclass(frozen=True)
class Finding:
    """One line of the report: the part, what it does (or what failed), and what to change when it failed."""

    part: str
    state: State
    detail: str
    fix: str = ""


def works(part: str, detail: str) -> Finding:
    """A part that is configured and answered as it should."""
    return Finding(part, State.WORKS, detail)


def unset(part: str, detail: str) -> Finding:
    """A part left unconfigured: the app runs without it, and detail says what that means."""
    return Finding(part, State.UNSET, detail)


def fails(part: str, detail: str, fix: str) -> Finding:
    """A configured part that does not work, with what to change."""
    return Finding(part, State.FAILS, detail, fix)


def render(findings: list[Finding]) -> str:
    """The report: one line per part (and its fix under a failing one), then the verdict."""
    width = max(len(f.part) for f in findings)
    lines = ["Mock Interview Coach: what this configuration will do", ""]
    for finding in findings:
        lines.append(f"  [{finding.state.value}] {finding.part:<{width}}  {finding.detail}")
        if finding.fix:
            lines.append(f"       {'':<{width}}  -> {finding.fix}")
    failed = sum(f.state is State.FAILS for f in findings)
    lines.append("")
    if failed:
        problems = "1 problem" if failed == 1 else f"{failed} problems"
        lines.append(f"{problems}: change what the arrow says, then run `mock-interview check` again.")
    else:
        lines.append("Everything configured works.")
    return "\n".join(lines)


def exit_code(findings: list[Finding]) -> int:
    """0 when everything configured works, 1 otherwise."""
    return 1 if any(f.state is State.FAILS for f in findings) else 0
