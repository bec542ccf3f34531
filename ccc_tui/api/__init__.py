"""The CCC API layer: signing, the shared client, the domain model. Never imports Textual."""

import sys

# httpx's package __init__ imports its own command-line tool (click, rich, pygments: ~120 ms)
# inside `try/except ImportError`. We never use that tool, and the headless budget is 300 ms for
# a whole `ccc-tui show`, so mark it unavailable before httpx is first imported.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
