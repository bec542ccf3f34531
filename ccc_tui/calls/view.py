"""One loaded call as the screen shows it: the call, its analysis, the zone and the language.

Built once per loaded call and handed to every widget of the call screen, so the analysis is
computed once and no widget can show a zone or a language the others do not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from ccc_tui.api.models import Call
from ccc_tui.calls.outcome import Outcome, conflict, outcome_of, release_line
from ccc_tui.calls.phases import CallAnalysis, analyse
from ccc_tui.calls.zone import DATE_TIME, format_local, to_local, zone_label

__all__ = ["CallView"]


@dataclass(frozen=True, slots=True, eq=False)
class CallView:
    call: Call
    analysis: CallAnalysis
    outcome: Outcome
    tz: tzinfo | None = None  # None: the machine's zone
    language: str = "en"

    @classmethod
    def of(cls, call: Call, *, tz: tzinfo | None = None, language: str = "en") -> CallView:
        return cls(call, analyse(call), outcome_of(call), tz, language)

    @property
    def release(self) -> str:
        """Who sent the hang-up and the SIP reason: signalling, not the outcome."""
        return release_line(self.call)

    @property
    def conflict(self) -> str | None:
        """Where the release fields and the events disagree, in a sentence (else None)."""
        return conflict(self.call, self.outcome)

    def shown_in(self, *, tz: tzinfo | None, language: str) -> CallView:
        """The same call (and analysis) with other display settings."""
        return replace(self, tz=tz, language=language)

    @property
    def zh(self) -> bool:
        return self.language.startswith("zh")

    def local(self, moment: datetime) -> datetime:
        return to_local(moment, self.tz)

    def zone_label(self, moment: datetime | None = None) -> str:
        """The zone at `moment`, by default at the call's start (its offset then, not today's)."""
        return zone_label(self.tz, moment or self.analysis.origin)

    def time_text(self, moment: datetime | None, fmt: str = DATE_TIME, *, zone: bool = True) -> str:
        return format_local(moment, self.tz, fmt, zone=zone)
