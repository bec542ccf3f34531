"""The one error route: a worker that raises what it did not expect never ends the session."""

from __future__ import annotations

import time
from pathlib import Path

from textual.worker import WorkerState

from ccc_tui.tui.screens.search import SearchScreen
from tests.apphelpers import build_app

HOSTILE = "[/x] [@click=app.quit]quit[/] [bold]"


async def _boom() -> None:
    raise RuntimeError(HOSTILE)


def _notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_a_failing_screen_worker_is_reported_and_the_app_goes_on(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        worker = screen.run_worker(_boom(), name="lookup", exit_on_error=False)
        deadline = time.monotonic() + 5
        while not any("This is a bug" in n for n in _notices(app)):
            assert time.monotonic() < deadline, "no report of the failure"
            await pilot.pause(0.05)
        assert worker.state is WorkerState.ERROR
        [notice] = [n for n in _notices(app) if "This is a bug" in n]
        # The exception's text is shown literally: markup in it is neither parsed nor acted on.
        assert "RuntimeError in lookup" in notice and HOSTILE in notice
        assert app.is_running and app.screen is screen
        await pilot.press("1")  # still usable
        await pilot.pause()


async def test_a_failing_app_worker_is_reported_too(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.run_worker(_boom(), name="warm-up", exit_on_error=False)
        deadline = time.monotonic() + 5
        while not any("RuntimeError in warm-up" in n for n in _notices(app)):
            assert time.monotonic() < deadline, "no report of the failure"
            await pilot.pause(0.05)
        assert app.is_running


def test_every_worker_of_the_app_opts_out_of_ending_the_session() -> None:
    """`exit_on_error=True` (Textual's default) would end the app on any bug in a worker."""
    import ast

    root = Path(__file__).resolve().parents[1] / "ccc_tui" / "tui"
    missing = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "work":
                flags = {k.arg: k.value for k in node.keywords}
                value = flags.get("exit_on_error")
                if not (isinstance(value, ast.Constant) and value.value is False):
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []
