"""What went wrong with the database, in one line that says what to change: never the URL's password.

The drivers say it in their messages (psycopg2 sets no SQLSTATE on a failed connection), so the words are matched:
libpq's and PostgreSQL's English, and SQLite's. Anything else keeps the bare "Cannot use the database (<kind>)".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

SUPPORTED = "use sqlite:///path/to/interviews.db or postgresql://user@host:5432/name"
DISK_FULL = (
    "Cannot write to the database: the disk is full (or failing). Your answers are safe up to the last one stored. "
    "Free some space, then run the command again to carry on."
)

# SQLITE_FULL, SQLITE_IOERR (a write past a quota or a file-size limit fails so), PostgreSQL's disk_full (53100).
_FULL = ("database or disk is full", "disk i/o error", "no space left on device", "disk quota exceeded")
_READ_ONLY = ("attempt to write a readonly database", "read-only transaction", "read-only file system")
_AUTH = (
    "password authentication failed",
    "authentication failed",
    "no password supplied",
    "no pg_hba.conf entry",
)
_CONNECT = (
    "connection refused",
    "could not translate host name",
    "timeout expired",
    "could not connect",
    "no route to host",
    "network is unreachable",
    "connection timed out",
    "server closed the connection unexpectedly",
    "is the server running",
)


@dataclass(frozen=True)
class _Where:
    """The parts of DATABASE_URL a message may show: never the password."""

    sqlite: bool
    path: str
    server: str
    database: str
    user: str | None


def database_problem(exc: BaseException, url: str) -> str:
    """One line naming what failed and what to change in DATABASE_URL (or on the disk)."""
    if isinstance(exc, NoSuchModuleError | ModuleNotFoundError) or (
        isinstance(exc, ArgumentError) and "url" in str(exc).lower()
    ):
        return f"DATABASE_URL is not a database this app can use: {SUPPORTED}."
    said = str(getattr(exc, "orig", None) or exc).lower()
    where = _where(url)
    if getattr(getattr(exc, "orig", None), "pgcode", None) == "53100" or _says(said, _FULL):
        return DISK_FULL
    if _says(said, _READ_ONLY):
        if where.sqlite:
            return (
                f"The SQLite file {where.path} is read-only. "
                "Make it writable for this user, or point DATABASE_URL at one that is."
            )
        return f"The database server at {where.server} is read-only (a standby?). Point DATABASE_URL at the primary."
    if where.sqlite and "unable to open database file" in said:
        return (
            f"Cannot open the SQLite file {where.path}. "
            "Check that its folder exists and that you may write there, or point DATABASE_URL at another file."
        )
    if where.sqlite and "file is not a database" in said:
        return f"{where.path} is not a SQLite database. Point DATABASE_URL at another file."
    if f'database "{where.database.lower()}" does not exist' in said:
        return (
            f'The database "{where.database}" does not exist on the server at {where.server}. '
            f"Create it (createdb {where.database}) or fix its name in DATABASE_URL."
        )
    if _says(said, _AUTH) or ('role "' in said and "does not exist" in said):
        who = f'user "{where.user}"' if where.user else "the login"
        return f"The database server at {where.server} refused {who}. Check the user name and password in DATABASE_URL."
    if _says(said, _CONNECT):
        return (
            f"Cannot connect to the database server at {where.server}. "
            "Check DATABASE_URL's host and port, and that PostgreSQL is running there."
        )
    return f"Cannot use the database ({type(exc).__name__}). Check DATABASE_URL."


def _says(said: str, words: tuple[str, ...]) -> bool:
    return any(word in said for word in words)


def _where(url: str) -> _Where:
    """The file, or the server's host:port, the database and the user of url."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        return _Where(sqlite=False, path="", server="the configured host", database="", user=None)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        # A URI filename (sqlite:///file:/path?mode=ro&uri=true) names the file after "file:".
        path = database.removeprefix("file:") if parsed.query.get("uri") else database
        return _Where(sqlite=True, path=path or ":memory:", server="", database=database, user=None)
    host = parsed.host or "localhost"
    return _Where(
        sqlite=False, path="", server=f"{host}:{parsed.port or 5432}", database=database, user=parsed.username
    )
