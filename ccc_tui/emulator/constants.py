"""The emulator's fixed values: the public demo key pair, the demo instance and the default port.

Cheap to import on purpose: every CLI parser is built at start and some need one of these.
"""

from __future__ import annotations

DEMO_ACCESS_KEY_ID = "demo-access-key-id"
DEMO_ACCESS_KEY_SECRET = "demo-access-key-secret"  # public demo data, not a credential
DEMO_INSTANCE_ID = "9cfad875-6260-4a53-ab6e-b13e3fb31f7d"
DEFAULT_PORT = 8931
