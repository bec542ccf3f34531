"""The search form: the query line's fields to tab through (time, number, name, direction,
outcome, recorded). It opens with ctrl+f; the screen keeps it and the line in step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select

from ccc_tui.calls.query import Query
from ccc_tui.calls.results import DIRECTIONS, OUTCOMES, QueryFields

__all__ = ["QueryForm"]


class QueryForm(Vertical):
    DEFAULT_CSS = """
    QueryForm { height: auto; padding: 0 1; display: none; }
    QueryForm.-open { display: block; }
    QueryForm Horizontal { height: auto; }
    QueryForm Input { width: 1fr; }
    QueryForm Select { width: 1fr; }
    QueryForm Checkbox { width: auto; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="Time: 10:40, last 2h, yesterday", id="form-time")
            yield Input(placeholder="Customer number", id="form-number")
            yield Input(placeholder="Agent or skill group", id="form-name")
        with Horizontal():
            yield Select(
                [(label, word) for word, label in DIRECTIONS],
                prompt="Any direction",
                id="form-direction",
            )
            yield Select(
                [(label, word) for word, label in OUTCOMES],
                prompt="Any outcome",
                id="form-outcome",
            )
            yield Checkbox("Recorded", id="form-recording")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def fields(self) -> QueryFields:
        direction = self.query_one("#form-direction", Select).value
        outcome = self.query_one("#form-outcome", Select).value
        return QueryFields(
            time=self.query_one("#form-time", Input).value,
            number=self.query_one("#form-number", Input).value,
            name=self.query_one("#form-name", Input).value,
            direction=direction if isinstance(direction, str) else "",
            outcome=outcome if isinstance(outcome, str) else "",
            recording=self.query_one("#form-recording", Checkbox).value,
        )

    def fill(self, query: Query) -> None:
        """Follow the query line (only fields that differ, and not the one being typed in: no
        echo back). A closed form is left alone."""
        if not self.is_open:
            return
        fields = QueryFields.of(query)
        if fields == self.fields():
            return
        for name in ("time", "number", "name"):
            widget = self.query_one(f"#form-{name}", Input)
            value = getattr(fields, name)
            if widget.value != value and not widget.has_focus:
                widget.value = value
        for name in ("direction", "outcome"):
            select: Select[str] = self.query_one(f"#form-{name}", Select)
            value = getattr(fields, name)
            if (select.value if isinstance(select.value, str) else "") != value:
                if value:
                    select.value = value
                else:
                    select.clear()
        box = self.query_one("#form-recording", Checkbox)
        if box.value != fields.recording:
            box.value = fields.recording
