"""Schema migrations with Alembic, for SQLite and PostgreSQL.

Each component (knowledge, conversations, audit, identity, llm, predictions, ingestions) is an
Alembic branch labelled with its name, so a store brings only its own tables up to
date, and several components share one database and one ``alembic_version`` table.
``sqlite/versions`` and ``postgresql/versions`` hold the revisions of each engine.

A store calls :func:`ensure_schema` when it opens: a database behind the code is
upgraded (under an advisory lock on PostgreSQL, so replicas starting together apply
each revision once); a database ahead of the code — migrated by a newer Colonnade —
is refused with a message that says what to do. ``colonnade db upgrade`` applies
every component's revisions at once, as a deployment step.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from colonnade.errors import StoreError

__all__ = ["COMPONENTS", "current", "ensure_schema", "heads", "upgrade_all"]

HERE = Path(__file__).resolve().parent
COMPONENTS = {
    "sqlite": ("knowledge", "conversations", "audit", "identity", "llm", "ingestions"),
    "postgresql": (
        "knowledge",
        "conversations",
        "audit",
        "identity",
        "llm",
        "predictions",
        "ingestions",
    ),
}
# pg_advisory_lock key held while migrating ("colonnade" in ASCII)
_LOCK = 0x636F6C6F6E6E6164
_local = threading.Lock()


def _dialect(target: str | Path) -> str:
    if isinstance(target, Path) or str(target).startswith("sqlite"):
        return "sqlite"
    if str(target).startswith(("postgresql://", "postgres://")):
        return "postgresql"
    raise StoreError(f"unsupported database {target!r}: use sqlite:///PATH or postgresql://…")


@cache
def _scripts(dialect: str) -> ScriptDirectory:
    return ScriptDirectory(str(HERE / dialect))


def heads(dialect: str) -> dict[str, str]:
    """The newest revision of each component this Colonnade knows."""
    script = _scripts(dialect)
    found: dict[str, str] = {}
    for head in script.get_revisions("heads"):
        assert head is not None
        for label in _branches(script, head.revision):
            found[label] = head.revision
    return found


def _branches(script: ScriptDirectory, revision: str) -> set[str]:
    labels: set[str] = set()
    for rev in script.iterate_revisions(revision, "base"):
        assert rev is not None
        labels |= set(rev.branch_labels)
    return labels


def _engine(target: str | Path) -> Engine:
    if _dialect(target) == "sqlite":
        path = Path(str(target).removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit: the baseline's statements manage their own transactions
        engine = create_engine(
            f"sqlite:///{path}",
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"timeout": 30},  # wait for readers and writers, as connect() does
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    url = str(target).replace("postgres://", "postgresql://", 1)
    return create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=NullPool
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """As every Colonnade connection to the file: WAL, and waiting for other writers."""
    for pragma in ("busy_timeout=30000", "journal_mode=WAL", "synchronous=NORMAL"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _current(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def _check_not_newer(dialect: str, present: set[str]) -> None:
    script = _scripts(dialect)
    unknown = sorted(r for r in present if r not in {s.revision for s in script.walk_revisions()})
    if unknown:
        raise StoreError(
            f"the database's schema is at revision {', '.join(unknown)}, newer than this "
            "Colonnade knows: run the Colonnade version that migrated it (or newer), or restore "
            "a backup made before that upgrade"
        )


def _upgrade(conn: Connection, dialect: str, components: tuple[str, ...]) -> list[str]:
    applied: list[str] = []
    config = Config()
    config.set_main_option("script_location", str(HERE / dialect))
    config.attributes["connection"] = conn
    for component in components:
        present = _current(conn)
        _check_not_newer(dialect, present)
        command.upgrade(config, f"{component}@head")
        applied.extend(sorted(_current(conn) - present))
    return applied


def _file_lock(target: str | Path) -> AbstractContextManager[object]:
    """Across processes on one SQLite file (the workers of one ``serve``, a CLI beside a
    server): one migrates while the others wait, then find the schema current. PostgreSQL
    takes an advisory lock instead; an in-memory database has no one to race."""
    if isinstance(target, Path):
        path = str(target)
    else:
        path = str(target).removeprefix("sqlite:///")
        if path in ("", ":memory:") or path.startswith("sqlite:"):
            return nullcontext()
    return FileLock(f"{path}.migrate.lock", timeout=300)


def ensure_schema(target: str | Path, component: str) -> None:
    """Bring ``component``'s tables up to date, or refuse a schema newer than the code."""
    dialect = _dialect(target)
    want = heads(dialect)[component]
    engine = _engine(target)
    across = _file_lock(target) if dialect == "sqlite" else nullcontext()
    try:
        with _local, across, engine.connect() as conn:
            present = _current(conn)
            _check_not_newer(dialect, present)
            if want in present:
                return
            if dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK})")
            try:
                _upgrade(conn, dialect, (component,))
                if conn.in_transaction():  # committed before another replica may look
                    conn.commit()
            finally:
                if dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK})")
                    conn.commit()
    except StoreError:
        raise
    except OperationalError as exc:
        if dialect == "postgresql":
            from colonnade.storage.postgres import redact

            raise StoreError(
                f"cannot connect to PostgreSQL at {redact(str(target))}: "
                f"{str(exc.orig).strip()}; check COLONNADE_STORAGE__DATABASE_URL and that the "
                "server is running"
            ) from exc
        raise StoreError(f"cannot prepare the {component} schema: {exc.orig}") from exc
    except Exception as exc:  # the driver's and SQLAlchemy's other errors
        raise StoreError(f"cannot prepare the {component} schema: {exc}") from exc
    finally:
        engine.dispose()


def upgrade_all(target: str | Path) -> list[str]:
    """Every component's revisions (``colonnade db upgrade``); the revisions applied."""
    dialect = _dialect(target)
    engine = _engine(target)
    across = _file_lock(target) if dialect == "sqlite" else nullcontext()
    try:
        with across, engine.connect() as conn:
            if dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK})")
            applied = _upgrade(conn, dialect, COMPONENTS[dialect])
            if conn.in_transaction():  # committed before another replica may look
                conn.commit()
            if dialect == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK})")
                conn.commit()
            return applied
    finally:
        engine.dispose()


def current(target: str | Path) -> dict[str, str | None]:
    """Each component's revision in the database (None: not created yet)."""
    dialect = _dialect(target)
    script = _scripts(dialect)
    engine = _engine(target)
    try:
        with engine.connect() as conn:
            present = _current(conn)
    finally:
        engine.dispose()
    known = {s.revision for s in script.walk_revisions()}
    out: dict[str, str | None] = dict.fromkeys(COMPONENTS[dialect])
    for rev in present:
        if rev in known:
            for label in _branches(script, rev):
                out[label] = rev
        else:
            out[f"unknown:{rev}"] = rev
    return out
