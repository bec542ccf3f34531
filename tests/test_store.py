"""The history store: newest first, survives reopening and a killed writer, recovers from junk."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest

from ccc_tui.api.catalogue import parse_release_reason
from ccc_tui.api.models import Call, CallEvent, Lane
from ccc_tui.calls.history import SCHEMA_VERSION, HistoryStore, outcome_text

START = datetime(2019, 4, 17, 9, 10, 46, tzinfo=UTC)


def make_call(contact_id: str, **kw: object) -> Call:
    fields: dict[str, object] = {
        "caller": "80315543",
        "callee": "13501215646",
        "direction": "Outbound",
        "start": START,
        "release_agent": "agent",
        "release_reason": parse_release_reason("487-Request Terminated"),
        "events": (CallEvent(time=START, event="Dial", lane=Lane.AGENT, duration=9),),
    }
    fields.update(kw)
    return Call(contact_id=contact_id, **fields)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> count[int]:
    return count(1_700_000_000_000, 1000)


def test_newest_first_and_relookup_moves_to_top(tmp_path: Path, clock: count[int]) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3", now_ms=lambda: next(clock))
    for cid in ("1", "2", "3"):
        store.record(make_call(cid), "inst")
    assert [e.contact_id for e in store.recent()] == ["3", "2", "1"]
    store.record(make_call("1"), "inst")
    assert [e.contact_id for e in store.recent()] == ["1", "3", "2"]
    assert len(store.recent(limit=2)) == 2


def test_entry_summarises_the_call(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    entry = store.record(make_call("1096645650"), "inst")
    again = store.get("1096645650", "inst")
    assert again == entry
    assert entry.caller == "80315543"
    assert entry.start == START
    assert entry.duration_s == 9
    assert entry.event_count == 1
    assert entry.outcome.startswith("Not answered")


def test_history_is_per_instance(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.record(make_call("1"), "a")
    store.record(make_call("1"), "b")
    assert len(store.recent()) == 2
    assert [e.instance_id for e in store.recent(instance_id="b")] == ["b"]
    assert store.remove("1", "a")
    assert not store.remove("1", "a")
    store.clear()
    assert store.recent() == []


def test_survives_reopening_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "h.sqlite3"
    store = HistoryStore(path)
    store.record(make_call("42"), "inst")
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [e.contact_id for e in HistoryStore(path).recent()] == ["42"]


def test_killed_writer_leaves_a_readable_store(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).record(make_call("before"), "inst")
    script = textwrap.dedent(
        f"""
        import os, sys, itertools
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from tests.test_store import make_call
        from ccc_tui.calls.history import HistoryStore
        store = HistoryStore(__import__('pathlib').Path({str(path)!r}))
        for i in itertools.count():
            store.record(make_call(f"k{{i}}"), "inst")
            if i == 50:
                print("ready", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    entries = HistoryStore(path).recent(limit=10_000)
    ids = {e.contact_id for e in entries}
    assert "before" in ids
    assert len(ids) >= 52


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    store = HistoryStore(path)
    store.record(make_call("1"), "inst")
    assert [e.contact_id for e in store.recent()] == ["1"]
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not sqlite")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_history_says_how_the_call_ended_from_its_events() -> None:
    """Not who hung up: an IVR answers every call, so "customer hung up · 200" hid abandons."""
    from ccc_tui.api import v2017
    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID
    from ccc_tui.emulator.dataset import Dataset
    from ccc_tui.emulator.showcase import SHOWCASE
    from tests.apphelpers import ANCHOR

    dataset = Dataset(anchor=ANCHOR)
    contact = SHOWCASE["abandoned_in_queue"]
    body = {"Data": dataset.call_data(DEMO_INSTANCE_ID, contact)}
    call = v2017.parse_call(body, contact)
    assert outcome_text(call).startswith("Abandoned in queue ")
    assert "hung up" not in outcome_text(call)


def test_unknown_contact_outcome() -> None:
    assert outcome_text(Call(contact_id="nope")) == "not found"


def test_a_file_moved_aside_is_told_to_the_app(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = HistoryStore(path)
    try:
        assert store.notice is not None and "moved aside to history.sqlite3.corrupt-" in store.notice
    finally:
        store.close()
    again = HistoryStore(path)
    try:
        assert again.notice is None
    finally:
        again.close()


def test_saved_recordings_are_remembered_per_call(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore(path)
    assert store.downloads("42", "inst") == {}
    store.record_download("inst", "42", "a.wav", tmp_path / "a.wav")
    store.record_download("inst", "42", "a.wav", tmp_path / "a (2).wav")  # the last place wins
    store.record_download("inst", "43", "b.wav", tmp_path / "b.wav")
    store.record_download("other", "42", "c.wav", tmp_path / "c.wav")
    store.close()
    again = HistoryStore(path)
    assert again.downloads("42", "inst") == {"a.wav": tmp_path / "a (2).wav"}
    assert again.downloads("43", "inst") == {"b.wav": tmp_path / "b.wav"}


V1_SCHEMA = """
CREATE TABLE history (
    instance_id TEXT NOT NULL, contact_id TEXT NOT NULL, looked_up_ms INTEGER NOT NULL,
    start_ms INTEGER, caller TEXT NOT NULL DEFAULT '', callee TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT '', release_agent TEXT NOT NULL DEFAULT '',
    release_reason TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL DEFAULT '',
    duration_s INTEGER, event_count INTEGER NOT NULL DEFAULT 0,
    recording_count INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (instance_id, contact_id)
);
INSERT INTO history VALUES ('inst', 'old', 1, NULL, '', '', '', '', '', 'answered', 5, 2, 1);
PRAGMA user_version = 1;
"""


def test_a_version_1_store_is_migrated_and_keeps_its_history(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_SCHEMA)
    store = HistoryStore(path)
    assert [e.contact_id for e in store.recent()] == ["old"]
    store.record_download("inst", "old", "a.wav", tmp_path / "a.wav")
    assert store.downloads("old", "inst") == {"a.wav": tmp_path / "a.wav"}
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert HistoryStore(path).downloads("old", "inst") == {"a.wav": tmp_path / "a.wav"}


def test_a_version_2_store_gets_the_newest_first_indexes_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_SCHEMA)
        conn.execute("CREATE INDEX history_recent ON history (looked_up_ms DESC)")
        conn.execute(
            "CREATE TABLE downloads (instance_id TEXT NOT NULL, contact_id TEXT NOT NULL,"
            " file_name TEXT NOT NULL, path TEXT NOT NULL, saved_ms INTEGER NOT NULL,"
            " PRIMARY KEY (instance_id, contact_id, file_name))"
        )
        conn.execute("PRAGMA user_version = 2")
    store = HistoryStore(path)
    assert [e.contact_id for e in store.recent(instance_id="inst")] == ["old"]
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        indexes = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"history_by_time", "history_by_instance"} <= indexes
        assert "history_recent" not in indexes
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_version_3_store_gets_the_queries_table_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE queries")
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO history VALUES ('inst', 'old', 1, NULL, '', '', '', '', '', 'a', 5, 2, 1)"
        )
        conn.commit()
    store = HistoryStore(path)
    assert [e.contact_id for e in store.recent(instance_id="inst")] == ["old"]
    assert store.queries("inst") == []
    store.remember_query("yesterday abandoned", "inst")
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert HistoryStore(path).queries("inst") == ["yesterday abandoned"]


def test_queries_are_newest_first_once_each_per_instance_and_bounded(tmp_path: Path) -> None:
    from ccc_tui.calls.history import MAX_QUERIES

    clock = iter(range(1, 10_000))
    store = HistoryStore(tmp_path / "h.sqlite3", now_ms=lambda: next(clock))
    store.remember_query("today", "a")
    store.remember_query("  last 2h ", "a")
    store.remember_query("today", "a")  # again: the newest, once
    store.remember_query("", "a")  # nothing to remember
    store.remember_query("other", "b")
    assert store.queries("a") == ["today", "last 2h"]
    assert store.queries("b") == ["other"]
    for n in range(MAX_QUERIES + 5):
        store.remember_query(f"q{n}", "a")
    kept = store.queries("a", limit=1000)
    assert len(kept) == MAX_QUERIES and kept[0] == f"q{MAX_QUERIES + 4}"
    assert store.queries("b") == ["other"]
    store.clear()
    assert store.queries("a") == [] == store.queries("b")


def test_an_off_store_has_no_queries_and_ignores_new_ones(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-folder"
    folder.write_text("")
    store = HistoryStore(folder / "h.sqlite3")
    assert not store.enabled
    store.remember_query("today", "a")
    assert store.queries("a") == []


def test_history_limit_is_a_top_level_setting(tmp_path: Path) -> None:
    from ccc_tui.api.errors import ConfigurationError
    from ccc_tui.profiles.config import parse_config

    assert parse_config("history_limit = 500\n", tmp_path / "c.toml").history_limit == 500
    assert parse_config("", tmp_path / "c.toml").history_limit is None
    for bad in ("0", "true", '"many"', "2000000"):
        with pytest.raises(ConfigurationError, match="history_limit"):
            parse_config(f"history_limit = {bad}\n", tmp_path / "c.toml")


def test_the_app_keeps_the_configured_number_of_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccc_tui.calls.history import DEFAULT_MAX_ROWS
    from ccc_tui.cli.launch import history_limit

    conf = tmp_path / "config.toml"
    monkeypatch.setenv("CCC_TUI_CONFIG", str(conf))
    assert history_limit() == DEFAULT_MAX_ROWS == 10_000
    conf.write_text("history_limit = 3\n")
    assert history_limit() == 3
    conf.write_text("history_limit = [\n")  # unusable: the default, not a stop
    assert history_limit() == DEFAULT_MAX_ROWS
    store = HistoryStore(tmp_path / "h.sqlite3", max_rows=history_limit())
    assert store.max_rows == DEFAULT_MAX_ROWS
