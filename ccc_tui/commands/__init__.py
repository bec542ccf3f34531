"""Headless subcommands. Each module exposes `register(subparsers)`; none imports Textual."""
