"""The settings screen's checks: a button and the doctor's rows, run in a thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from ccc_tui.profiles import diagnostics as doctor
from ccc_tui.profiles.session import LaunchTarget
from ccc_tui.tui.widgets.doctor_results import DoctorResults
from ccc_tui.tui.widgets.settings_panel import SettingsPanel
from ccc_tui.tui.worker_errors import RoutesWorkerFailures


class DoctorPanel(RoutesWorkerFailures, SettingsPanel):
    """`#checks-title`, the Run checks button and `#doctor`; `run` starts the checks.

    The button only asks (`RunRequested`): what to check (the demo, which profile, which flags)
    is the settings screen's to say. `Finished` is posted once the last row is in.
    """

    @dataclass
    class RunRequested(Message):
        """The Run checks button was pressed."""

    @dataclass
    class Finished(Message):
        passed: int
        warnings: int
        failed: int

    # The worker's messages carry the run they belong to: rows of an older run are dropped.
    @dataclass
    class _Row(Message):
        run: int
        check: doctor.Check

    @dataclass
    class _Done(Message):
        run: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._run = 0

    def compose(self) -> ComposeResult:
        yield Static("Checks", id="checks-title", classes="section-title")
        with Horizontal(classes="buttons"):
            yield Button("Run checks  c", id="run-checks", compact=True)
        yield DoctorResults(
            "The doctor checks config, credentials, keyring, endpoint, clock and instance.",
            id="doctor",
        )

    @on(Button.Pressed, "#run-checks")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RunRequested())

    def run(self, subject: str, *, demo: bool, flags: LaunchTarget) -> None:
        """Check the demo, or `flags.profile` with these flags; `subject` names it for the note."""
        self._run += 1
        self.query_one("#doctor", DoctorResults).start(f"Checking {subject} …")
        self.query_one("#run-checks", Button).disabled = True
        self._run_doctor(self._run, demo, flags)

    @work(thread=True, exclusive=True, group="doctor", exit_on_error=False)
    def _run_doctor(self, run: int, demo: bool, flags: LaunchTarget) -> None:
        try:
            for check in doctor.iter_checks(
                demo=demo,
                profile=flags.profile,
                instance_id=flags.instance_id,
                region=flags.region,
                endpoint=flags.endpoint,
            ):
                self.post_message(self._Row(run, check))
        except Exception as exc:  # a bug in a check must not take the screen down
            failed = doctor.Check("doctor", doctor.FAIL, f"stopped ({type(exc).__name__})")
            self.post_message(self._Row(run, failed))
        self.post_message(self._Done(run))

    @on(_Row)
    def _row(self, message: _Row) -> None:
        message.stop()
        if message.run == self._run:
            self.query_one("#doctor", DoctorResults).add_check(message.check)

    @on(_Done)
    def _done(self, message: _Done) -> None:
        message.stop()
        if message.run != self._run:
            return
        checks = self.query_one("#doctor", DoctorResults).checks
        counts = {
            s: sum(c.status == s for c in checks) for s in (doctor.PASS, doctor.WARN, doctor.FAIL)
        }
        results = self.query_one("#doctor", DoctorResults)
        results.set_note(
            f"{counts[doctor.PASS]} passed, {counts[doctor.WARN]} warning(s), "
            f"{counts[doctor.FAIL]} failed."
        )
        self.query_one("#run-checks", Button).disabled = False
        self.post_message(
            self.Finished(counts[doctor.PASS], counts[doctor.WARN], counts[doctor.FAIL])
        )
