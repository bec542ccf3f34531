"""Play a downloaded recording with whatever command-line audio player the machine has.

No Textual here. The player runs detached from the terminal: its stdin, stdout and stderr are
/dev/null and it is started with setsid (so it has no controlling terminal), because anything it
printed or read would corrupt the TUI's screen or steal its keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ccc_tui.api.errors import CccError

__all__ = [
    "ENV_VAR",
    "KNOWN_PLAYERS",
    "Player",
    "PlayerError",
    "describe_playing",
    "explain_no_player",
    "find_player",
    "is_over_ssh",
    "play",
    "stop",
]

ENV_VAR = "CCC_TUI_PLAYER"

# Tried in this order. General decoders that exit on their own come first (any format); then
# clients of the sound server that owns the device (PulseAudio, PipeWire), before raw ALSA, which
# may find the device busy and plays only WAV; macOS's built-in afplay; sox; VLC last, as it is
# the slowest to start.
KNOWN_PLAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ffplay", ("-nodisp", "-autoexit", "-loglevel", "error")),
    ("mpv", ("--no-video", "--no-terminal", "--really-quiet")),
    ("paplay", ()),
    ("pw-play", ()),
    ("aplay", ("-q",)),
    ("afplay", ()),
    ("play", ("-q",)),  # sox
    ("cvlc", ("--play-and-exit", "--quiet")),
)

# What to install, in words a package manager understands.
_INSTALL_HINT = "ffmpeg (ffplay), mpv, sox (play) or alsa-utils (aplay)"


class PlayerError(CccError):
    """The player could not be started."""

    default_code = "Player.Start"


@dataclass(frozen=True, slots=True)
class Player:
    """A local audio player: a display name and the command the file path is appended to."""

    name: str
    command: tuple[str, ...]

    def argv(self, path: Path | str) -> list[str]:
        return [*self.command, str(path)]


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def _search_path(env: Mapping[str, str]) -> str:
    return env.get("PATH", os.defpath)


def _override(env: Mapping[str, str]) -> str:
    return env.get(ENV_VAR, "").strip()


def _from_override(value: str, search_path: str) -> Player | None:
    try:
        words = shlex.split(value)
    except ValueError:  # unbalanced quotes
        return None
    if not words:
        return None
    executable = shutil.which(words[0], path=search_path)
    if executable is None:
        return None
    return Player(Path(words[0]).name, (executable, *words[1:]))


def find_player(env: Mapping[str, str] | None = None) -> Player | None:
    """The first player found on PATH, or the `CCC_TUI_PLAYER` command line when that is set.

    A set but unusable override gives None rather than a silent fallback: the user asked for that
    program, and `explain_no_player` says what is wrong with it.
    """
    env = _env(env)
    search_path = _search_path(env)
    override = _override(env)
    if override:
        return _from_override(override, search_path)
    for name, options in KNOWN_PLAYERS:
        executable = shutil.which(name, path=search_path)
        if executable is not None:
            return Player(name, (executable, *options))
    return None


def is_over_ssh(env: Mapping[str, str] | None = None) -> bool:
    """True over SSH, where a player here sounds on the remote host and not at the user's desk."""
    env = _env(env)
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_CLIENT"))


def explain_no_player(env: Mapping[str, str] | None = None, *, saved_to: Path | None = None) -> str:
    """One plain sentence for when `find_player` found nothing: what to install, and the fallback."""
    env = _env(env)
    override = _override(env)
    if override:
        problem = f"{ENV_VAR} is set to {override!r} but that command cannot be run"
        remedy = f"fix or unset {ENV_VAR} (to use {_INSTALL_HINT})"
    else:
        problem = "No audio player was found on PATH"
        remedy = f"install {_INSTALL_HINT}, or set {ENV_VAR} to a player command"
    if is_over_ssh(env):
        if saved_to is not None:
            fetch = f"the recording was saved to {saved_to}, so copy it to your machine"
        else:
            fetch = "download the recording (d) and copy it to your machine"
        return (
            f"{problem}, and over SSH a player would sound on the remote host rather than at "
            f"your desk anyway: {fetch} or copy its signed URL (c); {remedy} only if this host "
            "has speakers."
        )
    if saved_to is not None:
        return f"{problem}: {remedy}; the recording was saved to {saved_to} instead."
    return f"{problem}: {remedy}; meanwhile, download the recording (d) and play it elsewhere."


def describe_playing(player: Player, path: Path, env: Mapping[str, str] | None = None) -> str:
    """A status line such as "Playing x.wav with ffplay", warning when the sound is remote."""
    text = f"Playing {path.name} with {player.name}"
    if is_over_ssh(env):
        text += " on the remote host (you are connected over SSH)"
    return text


async def play(player: Player, path: Path | str) -> asyncio.subprocess.Process:
    """Start `player` on `path`, detached from the terminal; the caller may `stop` it later."""
    # An absolute path can never be mistaken for an option ("-x.wav").
    argv = player.argv(Path(path).absolute())
    try:
        return await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        raise PlayerError(
            f"Could not start {player.name}: {exc.strerror or type(exc).__name__}.",
            hint=f"Check the player command, or set {ENV_VAR} to another one.",
        ) from None


async def stop(process: asyncio.subprocess.Process, *, timeout: float = 2.0) -> int | None:
    """Stop a player started by `play` (and anything it started); returns its exit status."""
    if process.returncode is not None:
        return process.returncode
    _signal(process, signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        _signal(process, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)
        return await process.wait()


def _signal(process: asyncio.subprocess.Process, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if sys.platform != "win32":
            # `play` made the player a process group leader (setsid): this reaches its children too.
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
