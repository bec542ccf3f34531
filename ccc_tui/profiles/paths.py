"""Where ccc-tui keeps its files (platformdirs only): cheap to import, so the start of the app and
of `--demo` can find the history and the log without reading the configuration."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "ccc-tui"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def history_db_path() -> Path:
    return data_dir() / "history.sqlite3"


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def default_downloads_dir() -> Path:
    return platformdirs.user_downloads_path() / APP_NAME
