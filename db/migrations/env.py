"""Alembic environment: the URL comes from the Config's sqlalchemy.url (see db/migrate.py); no alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from db.engine import SQLITE_BEGIN_IMMEDIATE, create_db_engine
from db.tables import Base

# Any fixed bigint: every process that migrates this database takes the same lock.
MIGRATION_LOCK_KEY = 0x6D69_6D69_6772  # "mimigr"

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    """The URL the caller put in the Config."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url on the alembic Config (db.migrate does)")
    return url


def run_migrations_offline() -> None:
    """Emit the SQL to stdout instead of running it (alembic --sql)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _prepare_sqlite(connection: Connection) -> None:
    """Make a SQLite migration connection safe for batch mode and for concurrent upgrades."""
    # Batch mode rebuilds a table by DROP + RENAME; with foreign keys on, the DROP would
    # cascade-delete child rows. The pragma is ignored inside a transaction, so it goes to the
    # raw connection before ours begins.
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection: migrations run on one
    raw.execute("PRAGMA foreign_keys = OFF")
    connection.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True})


def _serialize_migrations(connection: Connection) -> None:
    """Make a second process upgrading at the same time wait, then find the work done."""
    if connection.dialect.name == "postgresql":
        # Transaction-level: released by the COMMIT or ROLLBACK of this very migration.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    # SQLite: BEGIN IMMEDIATE (see _prepare_sqlite) already holds the database's write lock.


def run_migrations_online() -> None:
    """Run the migrations in one transaction, under a lock, on the Config's database."""
    engine = create_db_engine(_database_url())
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            if is_sqlite:
                _prepare_sqlite(connection)
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=is_sqlite,
                # db.engine makes SQLite emit real BEGINs, so its DDL is transactional too:
                # one transaction for all migrations, the version read included.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                _serialize_migrations(connection)
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
