"""The embedded default: a CccClient wired to the in-process emulator (no socket, no setup), and
the demo's context.

Cheap to import: the app draws the demo's first frame from `demo_context` alone, and the client
(the API layer, httpx and the emulator with its data set) is built afterwards, off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ccc_tui.api import versions
from ccc_tui.api.endpoints import region_time_zone
from ccc_tui.emulator import constants
from ccc_tui.emulator.constants import (
    DEFAULT_PORT,
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_INSTANCE_ID,
)
from ccc_tui.profiles.context import AppContext, zone_from_name
from ccc_tui.profiles.fields import DEFAULT_REGION
from ccc_tui.profiles.paths import default_downloads_dir

if TYPE_CHECKING:
    from ccc_tui.api.auth import AccessKey
    from ccc_tui.api.client import CccClient
    from ccc_tui.emulator.dataset import Dataset
    from ccc_tui.emulator.faults import Faults

# The in-process transport answers every request itself; this URL only names the emulator.
DEMO_ENDPOINT = f"http://127.0.0.1:{DEFAULT_PORT}"
# The demo instance lives in cn-shanghai: its calls read in Beijing time, as a real one's would.
DEMO_REGION = DEFAULT_REGION


def demo_api_version(instance_id: str = DEMO_INSTANCE_ID) -> str:
    """The API version of a demo instance: the default one speaks 2017-07-05, `ccc-demo-2020`
    2020-07-01. Explicit, so the demo never spends a request deciding."""
    if instance_id == constants.DEMO_INSTANCE_ID_2020:
        return versions.V2020
    return versions.V2017


def demo_zone_name() -> str:
    return region_time_zone(DEMO_REGION) or "Asia/Shanghai"


def demo_context(instance_id: str | None = None) -> AppContext:
    """The demo's context: its default (2017-07-05) instance, or the one named (the 2.0 one)."""
    instance = instance_id or DEMO_INSTANCE_ID
    return AppContext(
        instance_id=instance,
        label="demo instance" if instance == DEMO_INSTANCE_ID else f"demo instance {instance}",
        demo=True,
        tz=zone_from_name(demo_zone_name()),
        download_dir=default_downloads_dir(),
        api_version=demo_api_version(instance),
    )


def demo_credentials() -> AccessKey:
    from ccc_tui.api.auth import AccessKey, Secret

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
    from ccc_tui.api.client import CccClient
    from ccc_tui.emulator.app import create_app
    from ccc_tui.emulator.dataset import Dataset

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
