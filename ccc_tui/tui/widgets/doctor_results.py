"""The doctor's checks as rows: a coloured mark, the check's name, its summary and details."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.diagnostics import FAIL, PASS, SKIP, WARN, Check
from ccc_tui.profiles.session import shorten_home

MARKS = {PASS: "✓", WARN: "!", FAIL: "✗", SKIP: "·"}


class DoctorResults(Widget):
    """Rows appear one by one as the checks finish; details sit under their summary."""

    COMPONENT_CLASSES = {
        "doctor-results--pass",
        "doctor-results--warn",
        "doctor-results--fail",
        "doctor-results--skip",
        "doctor-results--detail",
        "doctor-results--note",
    }

    DEFAULT_CSS = """
    DoctorResults {
        height: auto;
        padding: 0 1;
    }
    DoctorResults > .doctor-results--pass { color: $success; text-style: bold; }
    DoctorResults > .doctor-results--warn { color: $warning; text-style: bold; }
    DoctorResults > .doctor-results--fail { color: $error; text-style: bold; }
    DoctorResults > .doctor-results--skip { color: $foreground-muted; }
    DoctorResults > .doctor-results--detail { color: $foreground-muted; }
    DoctorResults > .doctor-results--note { color: $foreground-muted; text-style: italic; }
    """

    def __init__(
        self,
        note: str = "",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._checks: list[Check] = []
        self._note = note

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(self._checks)

    def start(self, note: str) -> None:
        """Forget the previous rows and say what is running."""
        self._checks.clear()
        self._note = note
        self.refresh(layout=True)

    def add_check(self, check: Check) -> None:
        self._checks.append(check)
        self.refresh(layout=True)

    def set_checks(self, checks: Iterable[Check], note: str = "") -> None:
        self._checks = list(checks)
        self._note = note
        self.refresh(layout=True)

    def set_note(self, note: str) -> None:
        self._note = note
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        detail_style = self.get_component_rich_style("doctor-results--detail")
        for check in self._checks:
            mark_style = self.get_component_rich_style(f"doctor-results--{check.status}")
            # Summaries carry paths, names and server text: plain Text, control characters out.
            body = Text(shorten_home(safe_text(check.summary, 400)))
            for line in check.details:
                body.append("\n")
                body.append(shorten_home(safe_text(line, 400)), style=detail_style)
            grid.add_row(
                Text(MARKS.get(check.status, "?"), style=mark_style),
                Text(check.name, style="bold"),
                body,
            )
        if self._note:
            note = Text(self._note, style=self.get_component_rich_style("doctor-results--note"))
            if not self._checks:
                return note
            grid.add_row(Text(""), Text(""), note)
        return grid
