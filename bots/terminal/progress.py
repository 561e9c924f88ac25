"""`mock-interview progress`: a person's progress as text or JSON, on the terminal or into a file."""

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
from core.settings import Settings

PROGRESS_PLATFORMS = ("terminal", "slack", "discord")


def add_progress_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], default_user: str) -> None:
    """The `progress` subcommand's arguments."""
    progress = sub.add_parser("progress", help="your scores over time, weakest topics, best and worst questions")
    progress.add_argument("--role", help="only this role (id, alias or title)")
    progress.add_argument("--user", default=default_user, help=f"whose progress (default: {default_user})")
    progress.add_argument(
        "--platform", choices=PROGRESS_PLATFORMS, default="terminal", help="where they practised (default: terminal)"
    )
    progress.add_argument("--format", choices=["text", "json"], default="text")
    progress.add_argument("--output", type=Path, help="write to this file instead of printing")


async def run_progress(settings: Settings, args: argparse.Namespace) -> int:
    """Print (or write) the progress; 2 for an unknown role."""
    runtime = build_runtime(settings)
    try:
        service = runtime.service
        progress = await service.progress(user_id=args.user, platform=args.platform, role=args.role)
        titles = {rid: pack.title for rid, pack in service.catalog.packs.items()}
    except UnknownRole as exc:
        print(messages.unknown_role(exc.name, runtime.service.catalog), file=sys.stderr)
        return 2
    finally:
        await runtime.close()
    if args.format == "json":
        text = json.dumps(progress.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        color = args.output is None and sys.stdout.isatty()
        text = TerminalStyle(color=color).markdown(progress_markdown(progress, titles)) + "\n"
    if args.output is None:
        print(text, end="")
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"Cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Progress written to {args.output}.", file=sys.stderr)
    return 0
