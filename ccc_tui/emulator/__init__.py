"""A local Alibaba Cloud Call Center (CCC) 2017-07-05 that speaks the real protocol.

`create_app()` is an ASGI app: use it in process through `httpx.ASGITransport` (the `--demo` mode)
or serve it over loopback with `ccc_tui.emulator.server.serve` (`ccc-tui emulator`). It verifies
signature V1 with the public demo key pair below and serves the seed examples verbatim plus
thousands of generated calls. Never imports Textual, nor the client it stands in for.

The constants cost nothing to import; the rest loads on first use, so a command that only needs a
constant (every CLI parser is built at start) does not pay for the emulator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

DEMO_ACCESS_KEY_ID = "demo-access-key-id"
DEMO_ACCESS_KEY_SECRET = "demo-access-key-secret"  # public demo data, not a credential
DEMO_INSTANCE_ID = "9cfad875-6260-4a53-ab6e-b13e3fb31f7d"
DEFAULT_PORT = 8931

if TYPE_CHECKING:
    from ccc_tui.emulator.app import create_app
    from ccc_tui.emulator.dataset import SHOWCASE, Dataset
    from ccc_tui.emulator.faults import Faults

_LAZY = {
    "create_app": "ccc_tui.emulator.app",
    "Dataset": "ccc_tui.emulator.dataset",
    "SHOWCASE": "ccc_tui.emulator.dataset",
    "Faults": "ccc_tui.emulator.faults",
}

__all__ = [
    "DEFAULT_PORT",
    "DEMO_ACCESS_KEY_ID",
    "DEMO_ACCESS_KEY_SECRET",
    "DEMO_INSTANCE_ID",
    "SHOWCASE",
    "Dataset",
    "Faults",
    "create_app",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
