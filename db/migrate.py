"""Run the Alembic migrations shipped inside the package, with no alembic.ini on disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db.engine import create_db_engine, normalize_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An alembic Config for url, pointing at db/migrations (for upgrade, downgrade, revision)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Config values go through ConfigParser interpolation: a percent-encoded password needs %%.
    cfg.set_main_option("sqlalchemy.url", normalize_database_url(url).replace("%", "%%"))
    return cfg


def upgrade_database(url: str) -> None:
    """Bring the database at url to the newest schema; safe to run from several processes at once."""
    command.upgrade(alembic_config(url), "head")


def head_revision() -> str | None:
    """The newest revision the package ships."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database at url is at, or None if it was never migrated."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
