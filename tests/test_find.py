"""`ccc-tui find` end to end: formats, the summary, exit codes, and the pipe into `show -` in
separate processes. Expectations come from the emulator's data set."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from ccc_tui.cli.find import bulk_gc
from ccc_tui.cli.main import main
from ccc_tui.emulator.dataset import Dataset


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def yesterday_ids() -> list[str]:
    """Yesterday (Asia/Shanghai) in the demo data set, newest first."""
    from datetime import UTC, datetime, timedelta, timezone

    cst = timezone(timedelta(hours=8))
    today = datetime.now(UTC).astimezone(cst).replace(hour=0, minute=0, second=0, microsecond=0)
    start, stop = today - timedelta(days=1), today
    return [
        s.contact_id
        for s in Dataset().summaries(
            int(start.timestamp() * 1000), int(stop.timestamp() * 1000), descending=True
        )
    ]


def test_json_lines_stream_every_call_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["find", "yesterday", "--demo", "--json"], capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["contact_id"] for r in rows] == yesterday_ids()
    assert {"start_time", "outcome", "outcome_line", "agents", "disposition"} <= set(rows[0])
    assert err.startswith("Searching: yesterday 00:00–24:00 CST")


def test_filters_flags_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        ["find", "yesterday", "--outcome", "abandoned", "--type", "inbound", "--demo", "--csv",
         "--limit", "3"], capsys)  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert 0 < len(rows) <= 3
    assert all(
        r["direction"] == "Inbound" and r["disposition"].startswith("Abandoned") for r in rows
    )
    assert "Inbound · yesterday" in err and "abandoned" in err


def test_summary_as_text_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["find", "yesterday", "--summary", "--demo", "--json"], capsys)
    assert code == 0
    summary = json.loads(out)
    assert summary["total"] == len(yesterday_ids()) == sum(summary["by_outcome"].values())
    assert sum(b["count"] for b in summary["buckets"]) == summary["total"]
    code, out, _ = run_cli(["find", "yesterday", "--summary", "--demo"], capsys)
    assert code == 0 and "By skill group:" in out and "Calls per hour" not in out
    code, out, _ = run_cli(["find", "yesterday", "--summary", "--demo", "--markdown"], capsys)
    assert code == 0 and out.startswith("## Impact:")


def test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["find", "yesterday", "没有这个组", "--demo"], capsys)
    assert code == 5 and "0 calls found" in err
    code, _, err = run_cli(["find", "10:40", "11:00", "--demo"], capsys)
    assert code == 2 and "two times" in err
    code, out, _ = run_cli(["find", "1096645650", "--demo", "--json"], capsys)
    assert code == 0 and json.loads(out)["contact_id"] == "1096645650"
    code, _, _ = run_cli(["find", "1234567890", "--demo"], capsys)
    assert code == 4
    code, _, err = run_cli(["find", "--tz", "Mars/Base", "--demo"], capsys)
    assert code == 2


def test_find_json_piped_into_show_in_separate_processes() -> None:
    """`find --json | jq -r .contact_id | ccc-tui show -`, with Python in jq's place."""
    found = subprocess.run(
        [sys.executable, "-c",
         "import sys\nfrom ccc_tui.cli.main import main\n"
         "rc = main(['find', 'yesterday', 'abandoned', '--limit', '4', '--json', '--demo'])\n"
         "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)\n"
         "sys.exit(rc)\n"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    ids = [json.loads(line)["contact_id"] for line in found.stdout.splitlines()]
    assert ids
    shown = subprocess.run(
        [sys.executable, "-m", "ccc_tui", "show", "-", "--demo", "--json"],
        input="".join(f"{cid}\n" for cid in ids),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    calls = [json.loads(line) for line in shown.stdout.splitlines()]
    assert [c["contact_id"] for c in calls] == ids
    assert all(c["outcome"]["kind"] for c in calls)


def test_json_lines_keep_terminal_attacks_inert(capsys: pytest.CaptureFixture[str]) -> None:
    from ccc_tui.emulator.showcase import SHOWCASE

    code, out, err = run_cli(["find", SHOWCASE["hostile"], "--demo", "--json"], capsys)
    assert code == 0, err
    assert "\\u009b" in out and "\\u202e" in out  # C1 controls and bidi marks escaped
    assert "\x9b" not in out and "\x1b" not in out and "\u202e" not in out
    assert json.loads(out)["contact_id"] == SHOWCASE["hostile"]
    assert "مريم" in out  # other text stays readable


@pytest.mark.parametrize("command", [["find", "yesterday"], ["show", "2020927020"]])
@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--concurrency", "0"], "--concurrency and --rate must be positive"),
        (["--rate", "-1"], "--concurrency and --rate must be positive"),
        (["--tz", "Mars/Base"], "unknown time zone 'Mars/Base'"),
    ],
)
def test_find_and_show_check_their_fetch_flags_alike(
    command: list[str], flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli([*command, "--demo", *flags], capsys)
    assert (code, out) == (2, "") and message in err


# ---- the 2.0 demo instance -------------------------------------------------------------------


def _showcase_day() -> str:
    from ccc_tui.emulator.showcase import showcase_day

    return showcase_day(Dataset().anchor).isoformat()


def _json_rows(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[list[dict], str]:  # type: ignore[type-arg]
    code, out, err = run_cli(["find", *args, "--json"], capsys)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()], err


@pytest.mark.parametrize("words", ["投诉处理组 abandoned", "rec in", "王伟 in"])
def test_find_on_the_2020_demo_instance_finds_what_2017_finds(
    words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same words on the demo's two instances find the same calls (2.0 ids are job-…); the
    2.0 rows have every 2017 key, plus their own; the name is checked on the rows on 2.0."""
    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020
    from ccc_tui.emulator.ids import job_id

    query = f"{_showcase_day()} {words}"
    old, _ = _json_rows([query, "--demo"], capsys)
    new, err = _json_rows([query, "--demo", "--instance-id", DEMO_INSTANCE_ID_2020], capsys)
    assert old and [r["contact_id"] for r in new] == [job_id(r["contact_id"]) for r in old]
    assert set(old[0]) < set(new[0])
    assert {"recording_ready", "release_initiator", "call_ids", "agent_ids"} <= set(new[0])
    if "rec" in words:
        assert all(r["recording_ready"] for r in new) and all(r["recordings"] for r in old)
    else:
        assert "(checked on the rows)" in err


def test_find_summary_on_the_2020_demo_instance(capsys: pytest.CaptureFixture[str]) -> None:
    from ccc_tui.emulator.constants import DEMO_INSTANCE_ID_2020

    query = f"{_showcase_day()} 投诉处理组 abandoned"
    args = ["find", query, "--summary", "--json", "--demo"]
    code, old, _ = run_cli(args, capsys)
    assert code == 0
    code, new, err = run_cli([*args, "--instance-id", DEMO_INSTANCE_ID_2020], capsys)
    assert code == 0, err
    old_summary, new_summary = json.loads(old), json.loads(new)
    assert new_summary["total"] == old_summary["total"] > 0
    assert new_summary["by_skill_group"] == old_summary["by_skill_group"]


def test_find_restores_the_collector_s_policy(capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    before = gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()
    with bulk_gc():
        assert gc.get_threshold()[0] >= 7000 and gc.isenabled()
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
    code, out, _ = run_cli(["find", "--demo", "yesterday", "--json", "--limit", "3"], capsys)
    assert code == 0 and len(out.splitlines()) == 3
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before
