"""The embedded default: a CccClient wired to the in-process emulator (no socket, no setup)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ccc_tui.api import versions
from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.client import CccClient
from ccc_tui.emulator import constants
from ccc_tui.emulator.app import create_app
from ccc_tui.emulator.constants import (
    DEFAULT_PORT,
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
)
from ccc_tui.emulator.dataset import Dataset
from ccc_tui.emulator.faults import Faults

# The in-process transport answers every request itself; this URL only names the emulator.
DEMO_ENDPOINT = f"http://127.0.0.1:{DEFAULT_PORT}"


def demo_api_version(instance_id: str = DEMO_INSTANCE_ID) -> str:
    """The API version of a demo instance: the default one speaks 2017-07-05, `ccc-demo-2020`
    2020-07-01. Explicit, so the demo never spends a request deciding."""
    if instance_id == constants.DEMO_INSTANCE_ID_2020:
        return versions.V2020
    return versions.V2017


def demo_credentials() -> AccessKey:
    return AccessKey(DEMO_ACCESS_KEY_ID, Secret(DEMO_ACCESS_KEY_SECRET), source="demo")


def demo_client(
    *,
    faults: Faults | None = None,
    anchor: datetime | None = None,
    dataset: Dataset | None = None,
    request_ids: Callable[[], str] | None = None,
    instance_id: str = DEMO_INSTANCE_ID,
    **client_options: Any,
) -> CccClient:
    """A client against a fresh in-process emulator, on `instance_id` (default: the 2017 one) in
    that instance's API version. `client_options` go to CccClient."""
    app = create_app(
        dataset=dataset or Dataset(anchor=anchor), faults=faults, request_ids=request_ids
    )
    return CccClient(
        demo_credentials(),
        endpoint=DEMO_ENDPOINT,
        instance_id=instance_id,
        transport=lambda: _asgi_transport(app),
        **{"api_version": demo_api_version(instance_id), **client_options},
    )


def _asgi_transport(app: Any) -> Any:
    import httpx

    return httpx.ASGITransport(app=app)
