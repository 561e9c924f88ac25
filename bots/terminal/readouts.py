"""`mock-interview report` and `progress`: one interview or a person's progress as text, JSON or a PNG chart,
printed or written to a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bots.bootstrap import build_runtime
from bots.terminal.render import TerminalStyle
from core.domain import messages
from core.domain.roles import UnknownRole
from core.interview.progress import progress_markdown
from core.interview.reading import InterviewNotFound
from core.settings import Settings

# report and progress read the terminal's own interviews unless told otherwise: where DATABASE_URL is shared with the
# Slack or Discord bot, a practice session at the terminal is no way to read chat users' interviews by accident.
READ_PLATFORMS = ("terminal", "slack", "discord", "all")
PROGRESS_PLATFORMS = READ_PLATFORMS[:-1]  # progress is one person's, and a person is someone on one platform


def add_readout_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser], default_user: str) -> None:
    """The `report` and `progress` subcommands' arguments."""
    report = sub.add_parser("report", help="print one interview whole, or its scorecard as a PNG chart")
    report.add_argument("id", help="interview id, or a unique prefix of at least 4 characters")
    report.add_argument("--format", choices=["md", "json", "png"], default="md")
    report.add_argument("--user", help="only among this user's interviews")
    report.add_argument("--platform", choices=READ_PLATFORMS, default="terminal", help="whose (default: terminal)")
    report.add_argument("--output", type=Path, help="write to this file instead of printing (needed for png)")

    progress = sub.add_parser("progress", help="your scores over time, weakest topics, best and worst questions")
    progress.add_argument("--role", help="only this role (id, alias or title)")
    progress.add_argument("--user", default=default_user, help=f"whose progress (default: {default_user})")
    progress.add_argument(
        "--platform", choices=PROGRESS_PLATFORMS, default="terminal", help="where they practised (default: terminal)"
    )
    progress.add_argument("--format", choices=["text", "json", "png"], default="text")
    progress.add_argument("--output", type=Path, help="write to this file instead of printing (needed for png)")


async def run_report(settings: Settings, args: argparse.Namespace) -> int:
    """Print or write one interview whole; 1 when it is not found."""
    if (refused := _needs_a_file(args)) is not None:
        return refused
    runtime = build_runtime(settings)
    platform = None if args.platform == "all" else args.platform
    try:
        report = await runtime.service.report(args.id, fmt=args.format, user_id=args.user, platform=platform)
    except InterviewNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        await runtime.close()
    document = report.document
    if isinstance(document, dict):
        return _emit(json.dumps(document, indent=2, ensure_ascii=False) + "\n", args.output, what="Report")
    return _emit(document, args.output, what="Report")


async def run_progress(settings: Settings, args: argparse.Namespace) -> int:
    """Print or write the progress; 2 for an unknown role."""
    if (refused := _needs_a_file(args)) is not None:
        return refused
    runtime = build_runtime(settings)
    try:
        service = runtime.service
        progress = await service.progress(user_id=args.user, platform=args.platform, role=args.role)
        titles = service.catalog.titles
        if args.format == "png":
            return _emit(await service.progress_png(progress), args.output, what="Progress chart")
    except UnknownRole as exc:
        print(messages.unknown_role(exc.name, runtime.service.catalog), file=sys.stderr)
        return 2
    finally:
        await runtime.close()
    if args.format == "json":
        return _emit(json.dumps(progress.to_dict(), indent=2, ensure_ascii=False) + "\n", args.output, what="Progress")
    color = args.output is None and sys.stdout.isatty()
    text = TerminalStyle(color=color).markdown(progress_markdown(progress, titles)) + "\n"
    return _emit(text, args.output, what="Progress")


def _needs_a_file(args: argparse.Namespace) -> int | None:
    """2 when a PNG would be printed on the terminal: it needs --output."""
    if args.format == "png" and args.output is None:
        print("A PNG is written to a file: add --output FILE.png", file=sys.stderr)
        return 2
    return None


def _emit(data: str | bytes, output: Path | None, *, what: str) -> int:
    """Print data, or write it to output (0), saying so on stderr; 1 when the file cannot be written."""
    if output is None:
        assert isinstance(data, str)
        print(data, end="")
        return 0
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8")
    except OSError as exc:
        print(f"Cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{what} written to {output}.", file=sys.stderr)
    return 0
