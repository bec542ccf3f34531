"""An app that ends on an unhandled exception exits non-zero and says where to report it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ccc_tui.cli.launch import EXIT_CRASH, exit_status
from tests.apphelpers import build_app


class Boom(Exception):
    pass


async def test_a_crash_leaves_a_non_zero_exit_and_a_report_line(tmp_path: Path) -> None:
    app = build_app(tmp_path)

    def explode() -> None:
        raise Boom("not a worker: the app itself")

    with pytest.raises(Boom):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.call_later(explode)
            await pilot.pause()
    assert app.return_code == 1
    err = io.StringIO()
    assert exit_status(app.return_code, app.return_value, err) == EXIT_CRASH
    assert "This is a bug: please report it" in err.getvalue()


def test_a_clean_quit_still_exits_zero() -> None:
    err = io.StringIO()
    assert exit_status(0, None, err) == 0 and exit_status(None, 3, err) == 3
    assert err.getvalue() == ""
