"""Usage errors say what is wrong, in the words of the command that was typed (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccc_tui.api.endpoints import CENTRAL_ENDPOINT, endpoint_for_region, region_warning
from ccc_tui.calls.contact_ids import looks_like_contact_id, normalise_contact_id
from ccc_tui.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    return int(info.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "x"])
def test_the_emulator_refuses_a_port_out_of_range(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["emulator", "--port", port], capsys)
    assert code == 2 and "ccc-tui emulator: error: argument --port" in err


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["show", "1096645650", "--bogus"], "usage: ccc-tui show"),
        (["--demo", "show", "1096645650", "--bogus"], "usage: ccc-tui show"),
        (["config", "show", "--bogus"], "usage: ccc-tui config show"),
        (["doctor", "--bogus"], "usage: ccc-tui doctor"),
    ],
)
def test_an_unknown_flag_prints_the_commands_own_usage(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(argv, capsys)
    assert code == 2
    assert err.startswith(usage) and "unrecognized arguments: --bogus" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--demo", "--endpoint", "https://ccc.cn-shanghai.aliyuncs.com"],
        ["show", "1096645650", "--demo", "--region", "cn-beijing"],
        ["doctor", "--demo", "--profile", "prod"],
    ],
)
def test_demo_refuses_target_flags_it_would_ignore(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(argv, capsys)
    assert code == 2 and "--demo uses the built-in emulator; it cannot be combined with" in err


def test_a_region_ccc_does_not_serve_is_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import cli

    monkeypatch.setenv("CCC_TUI_CONFIG", str(tmp_path / "config.toml"))
    assert cli(["config", "set", "region", "mars-1"]) == 0
    assert "Warning: CCC is not known to serve region 'mars-1'" in capsys.readouterr().err
    assert cli(["config", "set", "region", "cn-hangzhou"]) == 0
    assert "Warning" not in capsys.readouterr().err


def test_regions_map_to_the_endpoints_the_official_sdks_use() -> None:
    assert endpoint_for_region("cn-shanghai") == "https://ccc.cn-shanghai.aliyuncs.com"
    assert endpoint_for_region("ap-southeast-1") == CENTRAL_ENDPOINT
    assert region_warning("cn-beijing") is None and region_warning("cn-shangai") is not None


def test_full_width_and_spaced_ids_are_understood() -> None:
    assert normalise_contact_id("１０９６６４５６５０") == "1096645650"
    assert normalise_contact_id(" 1096 645 650\n") == "1096645650"


@pytest.mark.parametrize(
    ("typed", "offered"),
    [("theme", None), ("2504318862", "2504318862"), ("job-8f21", "job-8f21"), ("a b", None)],
)
def test_the_palette_offers_to_open_only_what_can_be_a_contact_id(
    typed: str, offered: str | None
) -> None:
    assert looks_like_contact_id(typed) == offered


def test_the_demos_two_instances_are_one_instance_id_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020

    code = main(["show", "job-10963442504318862", "--demo", "--instance-id", DEMO_INSTANCE_ID_2020, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out)["outcome"]["kind"] == "transferred"
    code, err = run(["show", "1", "--demo", "--instance-id", "some-real-instance"], capsys)
    assert code == 2 and "--demo serves the instances" in err
