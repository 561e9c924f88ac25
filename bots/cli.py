"""`mock-interview`: practice in the terminal, list roles, read history, reports and progress, upgrade the database."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bots.bootstrap import build_runtime, run_event_loop
from bots.logs import setup_logging
from bots.terminal.documents import tailor_request
from bots.terminal.group_demo import add_group_demo_parser, run_group_demo
from bots.terminal.readouts import READ_PLATFORMS, add_readout_parsers, run_progress, run_report
from bots.terminal.render import TerminalStyle, render_history
from bots.terminal.repl import SAVED_NOTE, LineReader, run_practice
from core.domain import messages
from core.domain.commands import Level
from core.domain.models import DeletedData
from core.domain.roles import RolePackError, load_catalog
from core.settings import MAX_PAIRS_LIMIT, Settings
from db.migrate import upgrade_database
from db.problems import database_problem

DEFAULT_ROLE = "data-science"
MAX_HISTORY = 1000  # rows one history listing prints; the database is asked for no more


def _bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, refused in one line otherwise (never a traceback)."""

    def whole_number(text: str) -> int:
        try:
            value = int(text) if len(text) <= 12 else high + 1  # a longer number is out of range whatever it says
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"give a number from {low} to {high}")
        return value

    return whole_number


def _retry_target(text: str) -> tuple[str, int]:
    """`ID:N` (an interview id or prefix, and an answer's number in its report) as (ID, N)."""
    prefix, sep, number = text.rpartition(":")
    if not sep or not prefix or not number.isdigit() or not 1 <= int(number) <= MAX_PAIRS_LIMIT:
        raise argparse.ArgumentTypeError(f"give ID:N, an interview id and an answer number from 1 to {MAX_PAIRS_LIMIT}")
    return prefix, int(number)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "local"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mock-interview", description="Mock job interviews with scores and feedback.")
    sub = parser.add_subparsers(dest="command", required=True)

    practice = sub.add_parser("practice", help="run a practice interview in the terminal")
    practice.add_argument("--role", help=f"role id, alias or title (default: ask, or {DEFAULT_ROLE} when piped)")
    practice.add_argument("--questions", type=int, help="number of main questions (default 5)")
    practice.add_argument("--level", choices=[level.value for level in Level], help="the seniority to interview at")
    practice.add_argument("--language", help="the language you will speak in voice answers (e.g. en, hi, es)")
    practice.add_argument("--user", default=_default_user(), help="whose interview this is (default: you)")
    practice.add_argument("--new", action="store_true", help="abandon an unfinished interview and start afresh")
    practice.add_argument(
        "--review", action="store_true", help="ask the questions due again on your spaced-review schedule"
    )
    practice.add_argument("--jd", type=Path, metavar="FILE", help="tailor it to this job posting (.txt .md .pdf .docx)")
    practice.add_argument("--resume", type=Path, metavar="FILE", help="ask about the projects in this résumé, too")
    practice.add_argument(
        "--retry", type=_retry_target, metavar="ID:N", help="answer again the question of answer N of interview ID"
    )

    add_group_demo_parser(sub)
    sub.add_parser("roles", help="list the interview roles")
    sub.add_parser("check", help="try the database, the model, speech, Slack and Discord as configured, and report")

    history = sub.add_parser("history", help="list past interviews, newest first")
    history.add_argument("--user", help="only this user's interviews")
    history.add_argument(
        "--limit", type=_bounded(1, MAX_HISTORY), default=20, help=f"at most this many (1-{MAX_HISTORY}; default 20)"
    )
    history.add_argument("--platform", choices=READ_PLATFORMS, default="terminal", help="whose (default: terminal)")

    add_readout_parsers(sub, _default_user())

    erase = sub.add_parser("delete-my-data", help="erase a person's interviews, answers and usage records")
    erase.add_argument("--user", default=_default_user(), help="whose data (default: you)")
    erase.add_argument(
        "--platform", choices=READ_PLATFORMS[:-1], help="only this platform's (terminal, slack, discord; default: all)"
    )
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    slack = sub.add_parser("slack", help="run the Slack app (Socket Mode; --http serves the Events API instead)")
    slack.add_argument("--http", action="store_true", help="serve events, commands and interactivity over HTTP")
    slack.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "3000")), help="HTTP port (default $PORT or 3000)"
    )

    slack.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on (default 0.0.0.0: all interfaces)")

    sub.add_parser("discord", help="run the Discord bot")

    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return parser


def _pick_role(settings: Settings) -> str:
    """Ask which role to practise, when a person is at the keyboard."""
    catalog = load_catalog(settings.roles_dir)
    print("Which interview would you like to practise?")
    for number, pack in enumerate(catalog.packs.values(), 1):
        print(f"  {number}. {pack.title}")
    choice = input(f"Number or name [{DEFAULT_ROLE}]: ").strip()
    print()
    if choice.isdigit() and 1 <= int(choice) <= len(catalog.ids):
        return catalog.ids[int(choice) - 1]
    return choice or DEFAULT_ROLE


async def _practice(settings: Settings, args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        # Line editing and history for input(); without it arrow keys type escape sequences.
        with contextlib.suppress(ImportError):  # not available on every platform
            import readline  # noqa: F401
    tailor = tailor_request(args.jd, args.resume, role=args.role, questions=args.questions)
    if isinstance(tailor, str):
        print(tailor, file=sys.stderr)
        return 2
    if args.role or (tailor is not None and (tailor.posting is not None or not interactive)):
        role = args.role  # a posting names its own role; a résumé alone needs one, and the core says so
    else:
        role = _pick_role(settings) if interactive else DEFAULT_ROLE
        tailor = replace(tailor, role=role) if tailor else None
    if args.questions is not None and not 1 <= args.questions <= MAX_PAIRS_LIMIT:
        print(f"--questions must be between 1 and {MAX_PAIRS_LIMIT}.", file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    style = TerminalStyle(
        color=sys.stdout.isatty() and "NO_COLOR" not in os.environ, width=shutil.get_terminal_size().columns
    )
    try:
        return await run_practice(
            runtime.service,
            user_id=args.user,
            role=role or DEFAULT_ROLE,  # unused by a tailored start, which reads its role from the request
            questions=args.questions,
            level=args.level,
            language=args.language,
            new=args.new,
            review=args.review,
            retry=args.retry,
            tailor=tailor,
            reader=LineReader(sys.stdin, interactive=interactive, out=sys.stdout),
            style=style,
            out=sys.stdout,  # the current one (run_practice's default is the one at import)
            # A model turn takes seconds: show that something is happening.
            on_wait=(lambda: print(style.dim("…"), flush=True)) if interactive and settings.uses_model else None,
        )
    finally:
        await runtime.close()


def _platform(args: argparse.Namespace) -> str | None:
    """The platform filter of history: None for all."""
    return None if args.platform == "all" else args.platform


async def _history(settings: Settings, args: argparse.Namespace) -> int:
    runtime = build_runtime(settings)
    try:
        service = runtime.service
        rows = await service.history(user_id=args.user, platform=_platform(args), limit=args.limit)
        print(render_history(rows, service.catalog.titles))
    finally:
        await runtime.close()
    return 0


def _refuse_erasing(args: argparse.Namespace) -> int | None:
    """An exit status when the person did not confirm erasing their data; None to go ahead."""
    if args.yes:
        return None
    if not sys.stdin.isatty():
        print("delete-my-data erases for good: add --yes to run it without a prompt.", file=sys.stderr)
        return 2
    where = f" on {args.platform}" if args.platform else ""
    typed = input(f"Erase every interview, answer and usage record of {args.user}{where}? Type yes: ")
    if typed.strip().lower() != "yes":
        print("Nothing was deleted.")
        return 1
    return None


async def _delete_my_data(settings: Settings, args: argparse.Namespace) -> int:
    runtime = build_runtime(settings)
    try:
        erased = await runtime.service.delete_user_data(user_id=args.user, platform=args.platform)
    finally:
        await runtime.close()
    print(messages.deleted(erased or DeletedData()))
    return 0


async def _group_demo(settings: Settings, args: argparse.Namespace) -> int:
    runtime = build_runtime(settings)
    style = TerminalStyle(
        color=sys.stdout.isatty() and "NO_COLOR" not in os.environ, width=shutil.get_terminal_size().columns
    )
    try:
        return await run_group_demo(runtime.service, args, style)
    finally:
        await runtime.close()


def _roles(settings: Settings) -> int:
    catalog = load_catalog(settings.roles_dir)
    for pack in catalog.packs.values():
        aliases = f" (also: {', '.join(pack.aliases)})" if pack.aliases else ""
        print(f"{pack.id:<22} {pack.title}{aliases}")
        print(f"{'':<22} {pack.description}  [{len(pack.questions)} questions]")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `mock-interview` console script."""
    args = _parser().parse_args(argv)
    setup_logging()
    try:
        settings = Settings()
        if args.command == "roles":
            return _roles(settings)
        if args.command == "check":
            from bots.check.run import run_check  # imported here: it loads every client library

            return run_check(settings)
        if args.command == "db":
            upgrade_database(settings.database_url)
            print("Database is up to date.")
            return 0
        if args.command == "delete-my-data" and (refused := _refuse_erasing(args)) is not None:
            return refused
        if args.command == "slack":
            from bots.slack.runner import run_slack  # imported here: slack_bolt is only needed by this command

            return run_slack(settings, http=args.http, port=args.port, host=args.host)
        if args.command == "discord":
            from bots.discord.runner import run_discord  # imported here: discord.py is only needed by this command

            return run_discord(settings)
        runner = {
            "practice": _practice,
            "group-demo": _group_demo,
            "history": _history,
            "report": run_report,
            "progress": run_progress,
            "delete-my-data": _delete_my_data,
        }[args.command]
        return run_event_loop(runner(settings, args), uvloop=settings.uvloop)
    except RolePackError as exc:
        print(f"Broken role pack: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in exc.errors())
        print(f"Configuration error: {problems}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        # One line saying what to change; it shows the URL's host, port, database, user or file, never its password.
        # Settings are read again (they were read without error before the database was touched).
        print(database_problem(exc, Settings().database_url), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n" + SAVED_NOTE, file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
