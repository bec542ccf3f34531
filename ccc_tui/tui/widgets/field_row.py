"""The profile's settings as form rows: one labelled row per declared field, its error line under
it, validated as typed, and the state the rows share across the panels that show them.

The settings form shows most fields in the `ProfileForm` and the AccessKey id in the
`CredentialsPanel`, yet they are one profile: validated, counted as unsaved and saved together.
Both panels compose a `FieldRows` over the same `FieldState`, which knows what was loaded, reads
what every panel holds now, and keeps one list of problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from ccc_tui.calls.text import safe_text
from ccc_tui.profiles.config import default_downloads_dir
from ccc_tui.profiles.fields import FIELDS_BY_KEY, PROFILE_FIELDS, ProfileField
from ccc_tui.profiles.session import shorten_home


def field_row(field: ProfileField) -> ComposeResult:
    """`#row-KEY` holding the label and `#field-KEY` (a Select when the field lists choices),
    then `#error-KEY`, hidden while the value is valid."""
    key = field.key
    with Horizontal(classes="field-row", id=f"row-{key}"):
        yield Label(field.label)
        if field.choices:
            # Only these values are allowed: a list, its prompt says what empty means.
            yield Select(
                [(label, value) for value, label in field.choices],
                prompt=field.placeholder,
                id=f"field-{key}",
                compact=True,
            )
        else:
            placeholder = field.placeholder
            if key == "download_dir":
                # The declared placeholder is generic; here the real folder can be shown.
                placeholder = f"{shorten_home(str(default_downloads_dir()))} (default)"
            yield Input(placeholder=placeholder, id=f"field-{key}", compact=True, max_length=300)
    yield Static("", id=f"error-{key}", classes="field-error -ok")


def problem_with(field: ProfileField, value: str) -> str:
    """The field's own check on a typed value: "" when valid (an empty field always is)."""
    if not value:
        return ""
    try:
        field.check(value)
    except ValueError as exc:
        return str(exc)
    return ""


class FieldState:
    """The profile's fields as loaded, as held now (read from every panel's rows) and their
    problems, in the order they were found."""

    def __init__(self) -> None:
        self.loaded: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self._readers: list[Callable[[], Mapping[str, str]]] = []

    def add_reader(self, reader: Callable[[], Mapping[str, str]]) -> None:
        """`reader` gives one panel's current values; together they are the form."""
        self._readers.append(reader)

    def load(self, values: Mapping[str, str]) -> None:
        self.loaded = {field.key: values.get(field.key, "") for field in PROFILE_FIELDS}
        self.errors.clear()

    def values(self) -> dict[str, str]:
        """What the rows hold now, stripped, in the declared order; "" for an empty field."""
        held: dict[str, str] = {}
        for reader in self._readers:
            held.update(reader())
        return {field.key: held[field.key] for field in PROFILE_FIELDS if field.key in held}

    def changed(self) -> dict[str, str | None]:
        """Only what differs from the file (None: remove the key): unchanged keys keep their
        place and comments."""
        return {
            key: value or None
            for key, value in self.values().items()
            if value != self.loaded.get(key, "")
        }

    @property
    def dirty(self) -> bool:
        return bool(self.changed())

    def set_problem(self, key: str, problem: str) -> None:
        if problem:
            self.errors[key] = problem
        else:
            self.errors.pop(key, None)


class FieldRows(Vertical):
    """The rows of `fields`, validated as typed into the shared `state`; posts `Updated` when a
    value or a problem changes."""

    DEFAULT_CSS = """
    FieldRows { height: auto; }
    """

    @dataclass
    class Updated(Message):
        key: str

    def __init__(self, fields: Iterable[ProfileField], state: FieldState) -> None:
        super().__init__()
        self.fields = tuple(fields)
        self.state = state
        state.add_reader(self.values)

    def compose(self) -> ComposeResult:
        for field in self.fields:
            yield from field_row(field)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for field in self.fields:
            if field.choices:
                value = self.query_one(f"#field-{field.key}", Select).value
                out[field.key] = value if isinstance(value, str) else ""
            else:
                out[field.key] = self.query_one(f"#field-{field.key}", Input).value.strip()
        return out

    def show_loaded(self) -> None:
        """Put the state's loaded values into the rows, with no problem shown."""
        for field in self.fields:
            self.set_value(field.key, self.state.loaded.get(field.key, ""))
            self.mark(field.key, "")

    def set_value(self, key: str, value: str) -> None:
        choices = FIELDS_BY_KEY[key].choices
        if choices:
            select: Select[str] = self.query_one(f"#field-{key}", Select)
            select.value = value if value in (v for v, _ in choices) else Select.NULL
        else:
            self.query_one(f"#field-{key}", Input).value = value

    def mark(self, key: str, problem: str) -> None:
        """Show `problem` under the field ("" clears it) and record it in the state."""
        self.state.set_problem(key, problem)
        box = self.query_one(f"#error-{key}", Static)
        # The message may quote what was typed: plain Text, control characters out.
        box.update(Text(f"✗ {safe_text(problem, 200)}") if problem else "")
        box.set_class(not problem, "-ok")
        if not FIELDS_BY_KEY[key].choices:
            self.query_one(f"#field-{key}", Input).set_class(bool(problem), "-invalid")
        self.post_message(self.Updated(key))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        if key in FIELDS_BY_KEY:
            # The field's value now, not the event's: a newer load may have replaced it.
            self.mark(key, problem_with(FIELDS_BY_KEY[key], event.input.value.strip()))

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        key = (event.select.id or "").removeprefix("field-")
        if key in FIELDS_BY_KEY:
            self.post_message(self.Updated(key))
