"""The history of looked-up calls and of saved recordings, in SQLite (stdlib) in the user data dir.

WAL journaling with one transaction per write: a killed process leaves the last committed state,
and the file stays readable. The file, its -wal and -shm are 0600 in a 0700 folder.

What can go wrong at open, and what happens (never a crash; `notice` says it in the app):
- the file is not a database, or its pages are corrupt (a bounded quick_check at open): it is
  moved aside with its -wal, never deleted, and a new history starts;
- another process holds a lock (busy or locked after a short wait): nothing is moved or
  deleted; history is off for this session;
- the folder or file cannot be written (read-only, not a folder, full): history is off.
At run time a lock held by another process is `HistoryBusyError`, after at most `BUSY_WAIT_S`.
The history keeps at most `max_rows` calls per instance (the oldest go on each write), and the
last `MAX_QUERIES` search queries per instance (what `up` brings back on the search screen).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ccc_tui.calls.files import DIR_MODE, FILE_MODE, ensure_private_dir

if TYPE_CHECKING:
    from ccc_tui.api.models import Call

log = logging.getLogger("ccc_tui.calls.history")

DEFAULT_MAX_ROWS = 10_000  # calls kept per instance
BUSY_WAIT_S = 1.0  # how long a statement waits on another process's lock
CHECK_BUDGET_S = 0.5  # the quick_check at open stops here (a huge file is checked in part)
BUSY_WORDS = "history is busy (another ccc-tui?)"

MAX_QUERIES = 100  # search queries kept per instance
SCHEMA_VERSION = 4
# Version 1: the looked-up calls. Each later version is one step in _MIGRATIONS, run once, in order.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS history (
    instance_id     TEXT NOT NULL,
    contact_id      TEXT NOT NULL,
    looked_up_ms    INTEGER NOT NULL,
    start_ms        INTEGER,
    caller          TEXT NOT NULL DEFAULT '',
    callee          TEXT NOT NULL DEFAULT '',
    direction       TEXT NOT NULL DEFAULT '',
    release_agent   TEXT NOT NULL DEFAULT '',
    release_reason  TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    duration_s      INTEGER,
    event_count     INTEGER NOT NULL DEFAULT 0,
    recording_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_id, contact_id)
);
"""
_MIGRATIONS: dict[int, str] = {
    # Where each recording was saved, so "saved" outlives the session.
    2: """
    CREATE TABLE IF NOT EXISTS downloads (
        instance_id TEXT NOT NULL,
        contact_id  TEXT NOT NULL,
        file_name   TEXT NOT NULL,
        path        TEXT NOT NULL,
        saved_ms    INTEGER NOT NULL,
        PRIMARY KEY (instance_id, contact_id, file_name)
    );
    """,
    # Newest first per instance without sorting: the index is read backwards, which gives
    # `looked_up_ms DESC, rowid DESC` (version 1's DESC index could not give the rowid order).
    3: """
    DROP INDEX IF EXISTS history_recent;
    CREATE INDEX IF NOT EXISTS history_by_time ON history (looked_up_ms);
    CREATE INDEX IF NOT EXISTS history_by_instance ON history (instance_id, looked_up_ms);
    """,
    # The search queries typed, so that `up` brings them back in the next session too.
    4: """
    CREATE TABLE IF NOT EXISTS queries (
        instance_id TEXT NOT NULL,
        text        TEXT NOT NULL,
        used_ms     INTEGER NOT NULL,
        PRIMARY KEY (instance_id, text)
    );
    CREATE INDEX IF NOT EXISTS queries_by_instance ON queries (instance_id, used_ms);
    """,
}
_RECENT = "SELECT * FROM history {where} ORDER BY looked_up_ms DESC, rowid DESC LIMIT ?"

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _CORRUPT, _NOTADB = 5, 6, 11, 26


class HistoryBusyError(Exception):
    """Another process held the history's lock past the wait: nothing was read or written."""

    def __init__(self) -> None:
        super().__init__(BUSY_WORDS)


class _Corrupt(Exception):
    """The file is not a database, or quick_check found damage."""


def _code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = _code(exc)
    if code:
        return code in (_BUSY, _LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = _code(exc)
    if code:
        return code in (_CORRUPT, _NOTADB)
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def _ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def _dt(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms is not None else None


def outcome_text(call: Call) -> str:
    """The history's "how it ended": the outcome's one line (the same words as everywhere)."""
    from ccc_tui.calls.outcome import outcome_of  # not on the start-up path: only writes need it

    return "not found" if call.is_empty else outcome_of(call).line()


class HistoryEntry(NamedTuple):
    """One looked-up call, a row of the history (a NamedTuple: see profiles.context.AppContext)."""

    instance_id: str
    contact_id: str
    looked_up: datetime
    start: datetime | None
    caller: str
    callee: str
    direction: str
    release_agent: str
    release_reason: str
    outcome: str
    duration_s: int | None
    event_count: int
    recording_count: int


class HistoryStore:
    """Looked-up calls, newest first, and saved recordings. Each call is one query or one
    transaction; the app calls it from worker threads (one lock keeps their transactions apart).

    When the history cannot be used (see the module's doc) the store is off for the session:
    `enabled` is False, `notice` says why, reads are empty and writes do nothing.

    With `deferred`, the file is opened (and checked) on first use rather than here: the app
    builds its store before the first frame and opens it from a worker thread after it.
    `max_rows` may then be a function, called at that moment (it may read the config file)."""

    def __init__(
        self,
        path: Path,
        *,
        now_ms: Callable[[], int] | None = None,
        max_rows: int | Callable[[], int] = DEFAULT_MAX_ROWS,
        busy_wait_s: float = BUSY_WAIT_S,
        deferred: bool = False,
    ) -> None:
        self.path = path
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._max_rows = max_rows
        self._busy_wait_s = busy_wait_s
        # Something the user should hear about at start (the app shows it), e.g. a file moved aside.
        self.notice: str | None = None
        self._lock = threading.RLock()
        self._opened = False
        self._conn: sqlite3.Connection | None = None
        if not deferred:
            self.open()

    def open(self) -> bool:
        """Open and check the file, once (later calls return at once); whether history is on.
        Blocking: a worker thread's job, never the UI thread's."""
        with self._lock:
            if not self._opened:
                if callable(self._max_rows):
                    self._max_rows = self._max_rows()
                self._conn = self._open()
                self._opened = True
            return self._conn is not None

    @property
    def opened(self) -> bool:
        """Whether the file has been opened (or found unusable): `enabled` answers at once."""
        return self._opened

    @property
    def max_rows(self) -> int:
        rows = self._max_rows
        return max(1, rows if isinstance(rows, int) else DEFAULT_MAX_ROWS)

    @max_rows.setter
    def max_rows(self, rows: int) -> None:
        self._max_rows = rows

    @property
    def enabled(self) -> bool:
        """Whether history is on; opens the file first when it has not been (see `open`)."""
        return self.open()

    # ---- opening ----------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        try:
            self._prepare_files()
            return self._connect()
        except _Corrupt as exc:
            problem = str(exc)
        except sqlite3.Error as exc:
            if not _is_corrupt(exc):
                return self._off(exc)
            problem = str(exc)
        except OSError as exc:
            return self._off(exc)
        try:
            aside = self._move_aside()
        except OSError as exc:
            log.warning("history database unreadable (%s) and could not be moved aside", problem)
            return self._off(exc)
        log.warning("history database unreadable (%s); moved aside to %s", problem, aside)
        self.notice = (
            f"The history file could not be read and was moved aside to {aside.name} "
            "(kept, not deleted); a new history starts now."
        )
        try:
            self._prepare_files()
            return self._connect()
        except (sqlite3.Error, OSError, _Corrupt) as exc:
            moved, conn = self.notice, self._off(exc)
            self.notice = f"{moved} {self.notice}"
            return conn

    def _off(self, exc: BaseException) -> sqlite3.Connection | None:
        """History off for this session, and why in plain words."""
        if isinstance(exc, sqlite3.Error) and is_busy(exc):
            why = (
                "another program holds the history file (another ccc-tui?); it was left as it is"
            )
        elif isinstance(exc, OSError):
            why = f"{self.path.parent} cannot be written ({exc.strerror or exc})"
        else:
            why = f"the history file cannot be used ({exc})"
        log.warning("history off for this session: %s", why)
        self.notice = f"History is off for this session: {why}. Calls you open are not remembered."
        return None  # no connection: typed so that callers can return it

    def _prepare_files(self) -> None:
        """The folder 0700 and the file 0600 before SQLite opens it: SQLite gives the -wal and
        -shm it creates the database file's mode (whatever the umask)."""
        folder = self.path.parent
        ensure_private_dir(folder)
        _tighten(folder, DIR_MODE)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        else:
            os.close(fd)
        for path in self._files():
            _tighten(path, FILE_MODE)  # an older version's files were 0644

    def _files(self) -> tuple[Path, Path, Path]:
        return (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._busy_wait_s, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            _quick_check(conn)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                log.warning("history database is from a newer ccc-tui (schema %s)", version)
            if version <= 1:  # new, or version 1: idempotent DDL (executescript commits itself)
                conn.executescript(_SCHEMA)
            for step in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
                _migrate(conn, step)
            conn.execute("SELECT count(*) FROM downloads").fetchone()
            conn.execute("SELECT count(*) FROM queries").fetchone()
        except BaseException:
            conn.close()
            raise
        for path in self._files():
            _tighten(path, FILE_MODE)
        return conn

    def _move_aside(self) -> Path:
        """Rename the file (and its -wal, which may hold the last writes) aside; never delete."""
        stamp = int(time.time())
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        self.path.replace(aside)
        wal = Path(f"{self.path}-wal")
        if wal.exists():
            wal.replace(Path(f"{aside}-wal"))
        Path(f"{self.path}-shm").unlink(missing_ok=True)  # an index of the -wal, no data of its own
        return aside

    def close(self) -> None:
        with self._lock:
            self._opened = True  # closed: not opened again by a late reader
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """The connection, for one statement or transaction; a lock held elsewhere becomes
        HistoryBusyError. Callers check `enabled` (or `_conn`) first."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise RuntimeError("history is off")
            try:
                yield conn
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise HistoryBusyError() from None
                raise

    # ---- reading and writing ----------------------------------------------------------------

    def record(self, call: Call, instance_id: str) -> HistoryEntry:
        """Remember a looked-up call (again): it moves to the top of the history; the oldest
        beyond `max_rows` of the instance go."""
        duration = call.duration
        row = (
            instance_id,
            call.contact_id,
            self._now_ms(),
            _ms(call.start),
            call.caller,
            call.callee,
            call.direction,
            call.release_agent,
            call.release_reason.raw if call.release_reason else "",
            outcome_text(call),
            int(duration.total_seconds()) if duration is not None else None,
            len(call.events),
            len(call.recordings),
        )
        if self.enabled:
            with self._connection() as conn, _transaction(conn):
                conn.execute("INSERT OR REPLACE INTO history VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
                conn.execute(
                    "DELETE FROM history WHERE instance_id = ?1 AND rowid IN ("
                    " SELECT rowid FROM history WHERE instance_id = ?1"
                    " ORDER BY looked_up_ms DESC, rowid DESC LIMIT -1 OFFSET ?2)",
                    (instance_id, self.max_rows),
                )
        return _entry(row)

    def record_download(
        self, instance_id: str, contact_id: str, file_name: str, path: Path
    ) -> None:
        """Remember that recording `file_name` of the call is saved at `path` (the last place)."""
        row = (instance_id, contact_id, file_name, str(path), self._now_ms())
        if self.enabled:
            with self._connection() as conn, _transaction(conn):
                conn.execute("INSERT OR REPLACE INTO downloads VALUES (?,?,?,?,?)", row)

    def downloads(self, contact_id: str, instance_id: str) -> dict[str, Path]:
        """The recordings of the call saved before: file name → where (the file may be gone)."""
        if not self.enabled:
            return {}
        with self._connection() as conn, closing(
            conn.execute(
                "SELECT file_name, path FROM downloads WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        ) as cursor:
            return {str(name): Path(str(path)) for name, path in cursor.fetchall()}

    def remember_query(self, text: str, instance_id: str) -> None:
        """Remember a search query (again: it becomes the newest); the oldest beyond
        `MAX_QUERIES` of the instance go."""
        text = text.strip()
        if not text or not self.enabled:
            return
        with self._connection() as conn, _transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO queries VALUES (?,?,?)",
                (instance_id, text, self._now_ms()),
            )
            conn.execute(
                "DELETE FROM queries WHERE instance_id = ?1 AND rowid IN ("
                " SELECT rowid FROM queries WHERE instance_id = ?1"
                " ORDER BY used_ms DESC, rowid DESC LIMIT -1 OFFSET ?2)",
                (instance_id, MAX_QUERIES),
            )

    def queries(self, instance_id: str, limit: int = MAX_QUERIES) -> list[str]:
        """The instance's search queries, newest first."""
        if not self.enabled:
            return []
        with self._connection() as conn, closing(
            conn.execute(
                "SELECT text FROM queries WHERE instance_id = ?"
                " ORDER BY used_ms DESC, rowid DESC LIMIT ?",
                (instance_id, limit),
            )
        ) as cursor:
            return [str(text) for (text,) in cursor.fetchall()]

    def recent(self, limit: int = 200, *, instance_id: str | None = None) -> list[HistoryEntry]:
        if not self.enabled:
            return []
        query, args = recent_query(instance_id)
        with self._connection() as conn, closing(conn.execute(query, (*args, limit))) as cursor:
            return [_entry(row) for row in cursor.fetchall()]

    def get(self, contact_id: str, instance_id: str) -> HistoryEntry | None:
        if not self.enabled:
            return None
        with self._connection() as conn, closing(
            conn.execute(
                "SELECT * FROM history WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        ) as cursor:
            row = cursor.fetchone()
        return _entry(row) if row else None

    def remove(self, contact_id: str, instance_id: str) -> bool:
        if not self.enabled:
            return False
        with self._connection() as conn, _transaction(conn):
            cursor = conn.execute(
                "DELETE FROM history WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        return cursor.rowcount > 0

    def clear(self) -> None:
        if self.enabled:
            with self._connection() as conn, _transaction(conn):
                conn.execute("DELETE FROM history")
                conn.execute("DELETE FROM downloads")
                conn.execute("DELETE FROM queries")


def recent_query(instance_id: str | None) -> tuple[str, tuple[object, ...]]:
    """The newest-first query (its plan is tested: an index, no sort)."""
    if instance_id is None:
        return _RECENT.format(where=""), ()
    return _RECENT.format(where="WHERE instance_id = ?"), (instance_id,)


def _tighten(path: Path, mode: int) -> None:
    """Make an existing file or folder exactly `mode` (best effort: one that is not ours, or is
    gone, is left as it is)."""
    try:
        if os.stat(path).st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def _quick_check(conn: sqlite3.Connection) -> None:
    """Damaged pages raise _Corrupt. Bounded in time: past CHECK_BUDGET_S the check stops and the
    file is used (a later damaged read is an error message, not a crash)."""
    deadline = time.monotonic() + CHECK_BUDGET_S
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        log.info("history quick_check stopped after %.1f s (a large file)", CHECK_BUDGET_S)
        return
    finally:
        conn.set_progress_handler(None, 0)
    if rows != [("ok",)]:
        raise _Corrupt(f"quick_check: {rows[0][0] if rows else 'no answer'}")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """One schema step, whole or not at all (the version moves with it)."""
    with _transaction(conn):
        for statement in _MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version={version}")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _entry(row: tuple[object, ...] | sqlite3.Row) -> HistoryEntry:
    (
        inst,
        cid,
        looked,
        start,
        caller,
        callee,
        direction,
        ragent,
        rreason,
        outcome,
        dur,
        ev,
        rec,
    ) = tuple(row)
    return HistoryEntry(
        instance_id=str(inst),
        contact_id=str(cid),
        looked_up=_dt(int(looked)) or datetime.now(UTC),
        start=_dt(start),
        caller=str(caller),
        callee=str(callee),
        direction=str(direction),
        release_agent=str(ragent),
        release_reason=str(rreason),
        outcome=str(outcome),
        duration_s=dur,
        event_count=int(ev),
        recording_count=int(rec),
    )
