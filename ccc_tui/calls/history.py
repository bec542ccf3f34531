"""The history of looked-up calls and of saved recordings, in SQLite (stdlib) in the user data dir.

WAL journaling with one transaction per write: a killed process leaves the last committed state,
and the file stays readable. A file that is not a database is moved aside, never deleted.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ccc_tui.api.models import Call
from ccc_tui.calls.outcome import outcome_of

log = logging.getLogger("ccc_tui.calls.history")

SCHEMA_VERSION = 2
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
CREATE INDEX IF NOT EXISTS history_recent ON history (looked_up_ms DESC);
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
}


def _ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def _dt(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms is not None else None


def outcome_text(call: Call) -> str:
    """The history's "how it ended": the outcome's one line (the same words as everywhere)."""
    return "not found" if call.is_empty else outcome_of(call).line()


@dataclass(frozen=True, slots=True)
class HistoryEntry:
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
    transaction; the app calls it from worker threads (one lock keeps their transactions apart)."""

    def __init__(self, path: Path, *, now_ms: Callable[[], int] | None = None) -> None:
        self.path = path
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        # Something the user should hear about at start (the app shows it), e.g. a file moved aside.
        self.notice: str | None = None
        self._lock = threading.RLock()
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            log.warning("history database unreadable (%s); moved aside to %s", exc, aside)
            self.path.replace(aside)
            self.notice = (
                f"The history file could not be read and was moved aside to {aside.name} "
                "(kept, not deleted); a new history starts now."
            )
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                log.warning("history database is from a newer ccc-tui (schema %s)", version)
            # Idempotent DDL; executescript commits on its own, so it stays outside a transaction.
            conn.executescript(_SCHEMA)
            for step in range(max(version, 1) + 1, SCHEMA_VERSION + 1):
                _migrate(conn, step)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("SELECT count(*) FROM history").fetchone()
            conn.execute("SELECT count(*) FROM downloads").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        self.path.chmod(0o600)
        return conn

    def close(self) -> None:
        self._conn.close()

    def record(self, call: Call, instance_id: str) -> HistoryEntry:
        """Remember a looked-up call (again): it moves to the top of the history."""
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
        with self._lock, _transaction(self._conn):
            self._conn.execute(
                "INSERT OR REPLACE INTO history VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", row
            )
        return _entry(row)

    def record_download(
        self, instance_id: str, contact_id: str, file_name: str, path: Path
    ) -> None:
        """Remember that recording `file_name` of the call is saved at `path` (the last place)."""
        row = (instance_id, contact_id, file_name, str(path), self._now_ms())
        with self._lock, _transaction(self._conn):
            self._conn.execute("INSERT OR REPLACE INTO downloads VALUES (?,?,?,?,?)", row)

    def downloads(self, contact_id: str, instance_id: str) -> dict[str, Path]:
        """The recordings of the call saved before: file name → where (the file may be gone)."""
        with self._lock, closing(
            self._conn.execute(
                "SELECT file_name, path FROM downloads WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        ) as cursor:
            return {str(name): Path(str(path)) for name, path in cursor.fetchall()}

    def recent(self, limit: int = 200, *, instance_id: str | None = None) -> list[HistoryEntry]:
        query = "SELECT * FROM history"
        args: tuple[object, ...] = ()
        if instance_id is not None:
            query += " WHERE instance_id = ?"
            args = (instance_id,)
        query += " ORDER BY looked_up_ms DESC, rowid DESC LIMIT ?"
        with self._lock, closing(self._conn.execute(query, (*args, limit))) as cursor:
            return [_entry(row) for row in cursor.fetchall()]

    def get(self, contact_id: str, instance_id: str) -> HistoryEntry | None:
        with self._lock, closing(
            self._conn.execute(
                "SELECT * FROM history WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        ) as cursor:
            row = cursor.fetchone()
        return _entry(row) if row else None

    def remove(self, contact_id: str, instance_id: str) -> bool:
        with self._lock, _transaction(self._conn):
            cursor = self._conn.execute(
                "DELETE FROM history WHERE instance_id = ? AND contact_id = ?",
                (instance_id, contact_id),
            )
        return cursor.rowcount > 0

    def clear(self) -> None:
        with self._lock, _transaction(self._conn):
            self._conn.execute("DELETE FROM history")
            self._conn.execute("DELETE FROM downloads")


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
