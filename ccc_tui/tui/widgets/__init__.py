"""Widgets of the call screen. Each owns its structural CSS; colours come from the theme.

Imported lazily so that importing one widget does not pull in all of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccc_tui.tui.widgets.event_detail import EventDetail
    from ccc_tui.tui.widgets.phase_bar import PhaseBar
    from ccc_tui.tui.widgets.timeline import EventTimeline

__all__ = ["EventDetail", "EventTimeline", "PhaseBar"]

_HOMES = {
    "EventDetail": "ccc_tui.tui.widgets.event_detail",
    "EventTimeline": "ccc_tui.tui.widgets.timeline",
    "PhaseBar": "ccc_tui.tui.widgets.phase_bar",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)
