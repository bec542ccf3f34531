"""ccc-tui: what happened to an Alibaba Cloud Call Center call, in a terminal."""

__version__ = "0.1.0"
