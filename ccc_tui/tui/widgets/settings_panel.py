"""The look the settings screen's panels share: section titles, field rows, buttons, status lines."""

from __future__ import annotations

from textual.containers import Vertical


class SettingsPanel(Vertical):
    """A part of the settings screen; its subclasses add their own rules."""

    DEFAULT_CSS = """
    SettingsPanel { height: auto; }
    SettingsPanel .section-title { text-style: bold; color: $accent; margin-top: 1; }
    SettingsPanel .field-row { height: 1; }
    SettingsPanel .field-row Label { width: 14; color: $foreground-muted; }
    /* The row rule also lets Textual restyle the Label when the Input in its row is focused. */
    SettingsPanel .field-row:focus-within { background: $boost; }
    SettingsPanel .field-row:focus-within Label { color: $accent; text-style: bold; }
    SettingsPanel .field-row Input, SettingsPanel .field-row Select { width: 1fr; }
    SettingsPanel .field-row Input { background: $boost; }
    SettingsPanel .field-error { color: $error; padding-left: 14; height: auto; }
    SettingsPanel .field-error.-ok { display: none; }
    SettingsPanel .buttons { height: 1; margin-top: 1; }
    SettingsPanel .buttons Button { margin-right: 2; }
    SettingsPanel .status { height: auto; color: $foreground-muted; }
    SettingsPanel .status.-error { color: $error; }
    SettingsPanel .status.-done { color: $success; }
    SettingsPanel .-hidden { display: none; }
    """
