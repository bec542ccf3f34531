"""Work that waits for the first frame: start-up draws first, then does the rest.

Textual writes each frame to the terminal from its own thread. Worker threads started the moment
the frame is composed (imports, the keyring, the history file) compete with that thread for the
interpreter and hold the frame back from the terminal by tens of milliseconds; so they start a
little after it. A headless app (tests) writes no frame and waits for nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump

FRAME_GRACE_S = 0.03  # long enough for the frame's bytes to leave; far below what a user notices


def after_first_frame(node: MessagePump, callback: Callable[[], object]) -> None:
    """Run `callback` on `node` once the frame now being composed has reached the terminal."""
    if node.app.is_headless:
        node.call_after_refresh(callback)
    else:
        node.call_after_refresh(node.set_timer, FRAME_GRACE_S, callback)
