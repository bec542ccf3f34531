"""Entry points: the `ccc-tui` command, launching the app, and one module per headless command."""
