"""The emulator's fixed values: the public demo key pair, the demo instances and the default port.

Cheap to import on purpose: every CLI parser is built at start and some need one of these.
"""

from __future__ import annotations

from datetime import timedelta, timezone

DEMO_ACCESS_KEY_ID = "demo-access-key-id"
DEMO_ACCESS_KEY_SECRET = "demo-access-key-secret"  # public demo data, not a credential
DEMO_INSTANCE_ID = "9cfad875-6260-4a53-ab6e-b13e3fb31f7d"
# The demo's CCC 2.0 instance (API 2020-07-01): a short name, as 2.0 instance ids are.
DEMO_INSTANCE_ID_2020 = "ccc-demo-2020"
DEFAULT_PORT = 8931
CST = timezone(timedelta(hours=8), "CST")  # the service's own time zone (Asia/Shanghai)
DEFAULT_CALLS = 5000  # ordinary calls over the data set's 30 days
MAX_CALLS = 270_000  # a day holds 10,000 ids and may draw a tenth above its share
