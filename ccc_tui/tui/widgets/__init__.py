"""Widgets of the app's screens. Each owns its structural CSS; colours come from the theme.

Import a widget from its module (`ccc_tui.tui.widgets.timeline`), so that using one does not pull
in all of them.
"""
