"""The API versions `auto` decided, remembered between runs: `api-versions.json` in the data dir.

    {"https://ccc.cn-shanghai.aliyuncs.com": {"ccc-test": "2020-07-01", "9cfad875-…": "2017-07-05"}}

A small file of its own rather than a table in the history store: the history holds calls (and
may be capped or deleted), while a version belongs to an endpoint and an instance and is needed
before the first call is opened; the file is read once per client and rewritten (0600, atomically)
only when an instance is decided. A missing, unreadable or malformed file only means asking again.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ccc_tui.api.versions import VERSIONS
from ccc_tui.calls.files import (
    UnreadableFileError,
    ensure_private_dir,
    read_settings_text,
    write_text_atomic,
)
from ccc_tui.profiles.config import data_dir

log = logging.getLogger(__name__)

FILE_NAME = "api-versions.json"
MAX_INSTANCES = 1000  # per file: far more than anyone has; bounds what a bad file can hold


def api_versions_path() -> Path:
    return data_dir() / FILE_NAME


class FileVersionStore:
    """A `VersionStore` (api/versions.py) over `api-versions.json`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or api_versions_path()
        self._known: dict[str, dict[str, str]] | None = None

    def get(self, endpoint: str, instance_id: str) -> str | None:
        return self._load().get(endpoint, {}).get(instance_id)

    def put(self, endpoint: str, instance_id: str, version: str) -> None:
        if version not in VERSIONS:
            raise ValueError(f"not an API version: {version!r}")
        known = self._load()
        if known.get(endpoint, {}).get(instance_id) == version:
            return
        if sum(len(v) for v in known.values()) >= MAX_INSTANCES:
            known.clear()  # a runaway file starts over; each instance is asked again once
        known.setdefault(endpoint, {})[instance_id] = version
        ensure_private_dir(self.path.parent)
        write_text_atomic(self.path, json.dumps(known, indent=1, sort_keys=True) + "\n")

    def _load(self) -> dict[str, dict[str, str]]:
        if self._known is None:
            self._known = _read(self.path)
        return self._known


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(read_settings_text(path))
    except FileNotFoundError:
        return {}
    except (UnreadableFileError, ValueError) as exc:
        log.debug("ignoring %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(endpoint): {
            str(instance): version for instance, version in instances.items() if version in VERSIONS
        }
        for endpoint, instances in data.items()
        if isinstance(instances, dict)
    }
