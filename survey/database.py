"""Engines and transactions. SQLite: WAL, synchronous=FULL, foreign keys, a busy timeout and BEGIN IMMEDIATE for
every write transaction (deferred transactions that read then write deadlock into "database is locked").

SQLite has one writer at a time. Writers also queue on an OS file lock before BEGIN IMMEDIATE: the kernel wakes the
next writer the moment the lock is free, where SQLite's busy handler would poll with growing sleeps. A write
transaction is as durable as under synchronous=FULL, but its sync happens after the lock is released (`_group_commit`),
so the lock is held only while SQLite works, not while the disk does."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
WAL_PATH = "consult_wal_path"  # in a pooled connection's info: its WAL file, as SQLite names it (None: no WAL)
WAL_INODE = "consult_wal_inode"  # the WAL file whose directory entry this connection last synced


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_db_engine(url)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(consult_write=True)
        database = make_url(url).database if self.is_sqlite else None
        on_disk = bool(database) and database != ":memory:"
        self._lock = _WriterQueue(Path(f"{database}.write-lock")) if on_disk else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (Core: writes are few statements, and the ORM's per-call work would dominate),
        committed when the block ends; only then may the caller acknowledge."""
        # the connection is taken from the pool before queueing and returned after: less time holding the lock
        with self._write_engine.connect() as connection:
            durable = _group_commit(connection) if self.is_sqlite else nullcontext()
            with durable, self._lock or nullcontext(), connection.begin():
                yield connection

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _group_commit(connection: Connection) -> Iterator[None]:
    """Durability of synchronous=FULL with the fsync outside the writers' lock: the transaction commits without
    syncing (synchronous=NORMAL, which in WAL mode still syncs the WAL before each checkpoint and the database after
    it), then the WAL, which holds the commit, is synced before the caller may acknowledge. The next writer commits
    while this one waits on the disk, and one sync covers every commit written before it (group commit).
    The connection is back to FULL for anything else that uses it."""
    wal = connection.connection.info.get(WAL_PATH)
    if wal is None:  # a rollback journal (or a database in memory): FULL, synced inside the transaction
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
        _sync_wal(connection.connection.info, wal)  # our connection is open: the WAL cannot be deleted meanwhile
    finally:
        try:
            driver.execute("PRAGMA synchronous=FULL")
        except Exception:  # a connection left at NORMAL must never be reused
            connection.invalidate()


def _sync_wal(info: dict[Any, Any], wal: str) -> None:
    descriptor = os.open(wal, os.O_RDONLY)
    try:
        os.fsync(descriptor)
        inode = os.fstat(descriptor).st_ino
    finally:
        os.close(descriptor)
    if info.get(WAL_INODE) != inode:  # a WAL created since (SQLite deletes it when the last connection closes): its
        # directory entry must reach the disk too, as SQLite syncs the directory of a new journal under FULL
        directory = os.open(Path(wal).parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        info[WAL_INODE] = inode


class _WriterQueue:
    """An exclusive lock across threads (threading.Lock) and processes (flock on a file beside the database)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._fd is None or self._pid != os.getpid():  # a forked child must not share the parent's lock
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._threads.release()


@contextmanager
def driver_errors(connection: Connection) -> Iterator[None]:
    """Work done on the driver's own connection raises what SQLAlchemy would (IntegrityError, OperationalError, ...),
    so that every caller's `except SQLAlchemyError` still holds."""
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as error:
        raise DBAPIError.instance(None, None, error, driver_error) from error


@contextmanager
def driver_cursor(connection: Connection) -> Iterator[Any]:
    """The driver's own cursor in this connection's transaction, for the write path, where SQLAlchemy's per-statement
    work would double the time SQLite's single writer holds the lock; its errors are raised as SQLAlchemy's."""
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with driver_errors(connection):
            yield cursor
    finally:
        cursor.close()


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    pool: dict[str, Any] = {}
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # No cap on connections: a writer holds its connection while it queues for the lock (write()), so a cap
        # would make readers wait behind writers; SQLite's connections are cheap.
        pool["max_overflow"] = -1
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        wal = False
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={BUSY_TIMEOUT_MS}"):
            row = cursor.execute(f"PRAGMA {pragma}").fetchone()
            if pragma.startswith("journal_mode"):
                wal = row is not None and row[0] == "wal"
        # The file SQLite opened (symlinks and relative paths resolved), so the WAL synced is the one it writes.
        main = next((r[2] for r in cursor.execute("PRAGMA database_list") if r[1] == "main"), "")
        record.info[WAL_PATH] = f"{main}-wal" if wal and main else None
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        write = connection.get_execution_options().get("consult_write", False)
        # on the driver itself: SQLAlchemy's statement handling would run inside the writers' queue
        with driver_errors(connection):  # SQLAlchemy runs this event outside its own error handling
            connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def upgrade_schema(url: str) -> None:
    """Bring the database schema up to date (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
