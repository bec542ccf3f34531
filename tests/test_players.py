"""Finding a local audio player on PATH, the override, the no-player sentence, and starting one."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from ccc_tui.calls.players import (
    ENV_VAR,
    KNOWN_PLAYERS,
    Player,
    PlayerError,
    describe_playing,
    explain_no_player,
    find_player,
    is_over_ssh,
    play,
    stop,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stub players are shell scripts")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    return path


def stub(directory: Path, name: str, body: str = "exit 0\n", *, executable: bool = True) -> Path:
    script = directory / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755 if executable else 0o644)
    return script


def only(path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": str(path), **extra}


# ---- find_player --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        (["ffplay", "mpv", "aplay", "paplay", "afplay", "play", "cvlc"], "ffplay"),
        (["cvlc", "play", "aplay", "mpv"], "mpv"),
        (["aplay", "paplay"], "paplay"),
        (["cvlc", "aplay"], "aplay"),
        (["cvlc", "play"], "play"),
        (["cvlc"], "cvlc"),
    ],
)
def test_find_player_picks_by_order(bin_dir: Path, present: list[str], expected: str) -> None:
    for name in present:
        stub(bin_dir, name)
    player = find_player(only(bin_dir))
    assert player is not None
    assert player.name == expected
    assert player.command[0] == str(bin_dir / expected)


def test_find_player_uses_the_process_path_by_default(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub(bin_dir, "mpv")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv(ENV_VAR, raising=False)
    player = find_player()
    assert player is not None and player.name == "mpv"


def test_find_player_skips_files_that_are_not_executable(bin_dir: Path, tmp_path: Path) -> None:
    stub(bin_dir, "ffplay", executable=False)
    later = tmp_path / "later"
    later.mkdir()
    stub(later, "aplay")
    player = find_player({"PATH": f"{bin_dir}{os.pathsep}{later}"})
    assert player is not None and player.name == "aplay"


def test_players_get_quiet_non_interactive_options(bin_dir: Path) -> None:
    stub(bin_dir, "ffplay")
    player = find_player(only(bin_dir))
    assert player is not None
    assert player.argv(Path("/r/x.wav")) == [
        str(bin_dir / "ffplay"),
        "-nodisp",
        "-autoexit",
        "-loglevel",
        "error",
        "/r/x.wav",
    ]
    options = dict(KNOWN_PLAYERS)
    assert "--no-video" in options["mpv"]
    assert "--play-and-exit" in options["cvlc"]


def test_no_player_found(bin_dir: Path) -> None:
    assert find_player(only(bin_dir)) is None
    assert find_player({"PATH": ""}) is None


def test_override_is_split_like_a_shell_and_wins(bin_dir: Path) -> None:
    stub(bin_dir, "ffplay")
    stub(bin_dir, "myplayer")
    env = only(bin_dir, **{ENV_VAR: "myplayer --volume 50 --title 'a call'"})
    player = find_player(env)
    assert player == Player(
        "myplayer", (str(bin_dir / "myplayer"), "--volume", "50", "--title", "a call")
    )
    assert player.argv("/r/x.wav")[-1] == "/r/x.wav"


def test_override_by_absolute_path(tmp_path: Path, bin_dir: Path) -> None:
    elsewhere = tmp_path / "opt"
    elsewhere.mkdir()
    script = stub(elsewhere, "player.sh")
    player = find_player(only(bin_dir, **{ENV_VAR: f"{script} -q"}))
    assert player is not None
    assert player.name == "player.sh"
    assert player.command == (str(script), "-q")


@pytest.mark.parametrize("value", ["nosuchplayer", "myplayer 'unbalanced"])
def test_unusable_override_gives_none_rather_than_a_surprise(bin_dir: Path, value: str) -> None:
    stub(bin_dir, "ffplay")
    stub(bin_dir, "myplayer")
    env = only(bin_dir, **{ENV_VAR: value})
    assert find_player(env) is None
    text = explain_no_player(env)
    assert ENV_VAR in text and value in text


def test_blank_override_is_ignored(bin_dir: Path) -> None:
    stub(bin_dir, "aplay")
    player = find_player(only(bin_dir, **{ENV_VAR: "   "}))
    assert player is not None and player.name == "aplay"


# ---- explain_no_player ----------------------------------------------------------------------------


def _one_sentence(text: str) -> None:
    assert "\n" not in text
    assert text.endswith(".")
    assert text[0].isupper()
    # Only the final full stop ends a sentence (file names and versions may hold dots).
    assert ". " not in text


def test_explain_no_player_locally() -> None:
    text = explain_no_player({"PATH": "/nowhere"})
    _one_sentence(text)
    for name in ("ffmpeg", "mpv", "sox", "aplay", ENV_VAR):
        assert name in text
    assert "download" in text
    assert "SSH" not in text and "remote" not in text


def test_explain_no_player_says_where_the_file_went() -> None:
    text = explain_no_player({"PATH": "/nowhere"}, saved_to=Path("/home/u/Downloads/x.wav"))
    _one_sentence(text)
    assert "saved to /home/u/Downloads/x.wav" in text


def test_explain_no_player_over_ssh_warns_the_sound_is_remote() -> None:
    env = {"PATH": "/nowhere", "SSH_CONNECTION": "10.0.0.2 51514 10.0.0.9 22"}
    text = explain_no_player(env, saved_to=Path("/tmp/x.wav"))
    _one_sentence(text)
    assert "SSH" in text and "remote host" in text
    assert "/tmp/x.wav" in text
    assert "ffmpeg" in text


def test_ssh_detection() -> None:
    assert is_over_ssh({"SSH_CONNECTION": "1 2 3 4"})
    assert is_over_ssh({"SSH_CLIENT": "1 2 3"})
    assert not is_over_ssh({"PATH": "/bin"})


def test_describe_playing() -> None:
    player = Player("mpv", ("/usr/bin/mpv",))
    assert describe_playing(player, Path("/r/x.wav"), {}) == "Playing x.wav with mpv"
    remote = describe_playing(player, Path("/r/x.wav"), {"SSH_CONNECTION": "a b c d"})
    assert "remote host" in remote


# ---- play -----------------------------------------------------------------------------------------


RECORDER = """\
import json, os, sys
out = os.environ.get("STUB_OUT") or sys.argv[0] + ".json"
json.dump({
    "argv": sys.argv[1:],
    "stdin": os.readlink("/proc/self/fd/0") if os.path.exists("/proc/self/fd/0") else None,
    "stdin_tty": os.isatty(0),
    "stdout_tty": os.isatty(1),
    "setsid": os.getsid(0) == os.getpid(),
}, open(out + ".tmp", "w"))
os.replace(out + ".tmp", out)
"""


def recorder(directory: Path, name: str) -> tuple[Path, Path]:
    """A stub player written in Python that records how it was started."""
    script = directory / name
    script.write_text(f"#!{sys.executable}\n{RECORDER}")
    script.chmod(0o755)
    return script, directory / f"{name}.json"


async def test_play_runs_the_player_detached_with_the_path(
    bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _script, out = recorder(bin_dir, "ffplay")
    player = find_player(only(bin_dir))
    assert player is not None
    recording = tmp_path / "rec" / "-x.wav"
    recording.parent.mkdir()
    recording.write_bytes(b"RIFF")
    monkeypatch.chdir(recording.parent)
    process = await play(player, Path("-x.wav"))  # relative, and it looks like an option
    assert await asyncio.wait_for(process.wait(), 10) == 0
    seen = json.loads(out.read_text())
    assert seen["argv"] == ["-nodisp", "-autoexit", "-loglevel", "error", str(recording)]
    assert not seen["stdin_tty"] and not seen["stdout_tty"]
    if seen["stdin"] is not None:
        assert seen["stdin"] == os.devnull
    assert seen["setsid"]  # setsid: no controlling terminal to scribble on


async def test_play_with_an_override_command(bin_dir: Path, tmp_path: Path) -> None:
    _script, out = recorder(bin_dir, "myplayer")
    player = find_player(only(bin_dir, **{ENV_VAR: "myplayer --gain 3"}))
    assert player is not None
    process = await play(player, tmp_path / "x.wav")
    await asyncio.wait_for(process.wait(), 10)
    assert json.loads(out.read_text())["argv"] == ["--gain", "3", str(tmp_path / "x.wav")]


async def test_play_with_a_vanished_player_is_a_clear_error(tmp_path: Path) -> None:
    player = Player("ghost", (str(tmp_path / "ghost"),))
    with pytest.raises(PlayerError) as caught:
        await play(player, tmp_path / "x.wav")
    assert caught.value.code == "Player.Start"
    assert ENV_VAR in (caught.value.hint or "")


def _alive(pid: int) -> bool:
    """Running, not merely an unreaped zombie (an orphan waits for init to reap it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_stop_ends_a_playing_player_and_its_children(bin_dir: Path, tmp_path: Path) -> None:
    child_pid = tmp_path / "child.pid"
    # A child of its own, as real players have (decoders, output helpers).
    stub(bin_dir, "mpv", f"sleep 30 &\necho $! > {child_pid}\nwait\n")
    player = find_player(only(bin_dir))
    assert player is not None
    process = await play(player, tmp_path / "x.wav")
    for _ in range(100):
        if child_pid.exists() and child_pid.read_text().strip():
            break
        await asyncio.sleep(0.02)
    child = int(child_pid.read_text())
    assert _alive(child)
    status = await asyncio.wait_for(stop(process, timeout=5), 10)
    assert status == -signal.SIGTERM
    for _ in range(100):
        if not _alive(child):
            break
        await asyncio.sleep(0.02)
    assert not _alive(child)
    assert await stop(process) == status  # stopping twice is harmless
