"""Where the call's time went, in two lines: "IVR 0:12  Queue 0:40  Talk 3:02" over a bar."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from ccc_tui.calls.phases import Phase, PhaseSummary, phase_label
from ccc_tui.calls.text import format_clock
from ccc_tui.calls.view import CallView

__all__ = ["PhaseBar", "allocate_cells"]


def allocate_cells(amounts: list[int], width: int) -> list[int]:
    """Split `width` cells in proportion to `amounts` (largest remainder).

    Every non-zero amount gets at least one cell while there are cells enough, so a short phase
    never vanishes from the bar; the result always sums to `width` (or 0 when all are zero).
    """
    total = sum(amounts)
    if width <= 0 or total <= 0:
        return [0] * len(amounts)
    exact = [a * width / total for a in amounts]
    cells = [int(x) for x in exact]
    order = sorted(range(len(amounts)), key=lambda i: exact[i] - cells[i], reverse=True)
    for i in order[: width - sum(cells)]:
        cells[i] += 1
    nonzero = [i for i, a in enumerate(amounts) if a > 0]
    if len(nonzero) <= width:
        for i in nonzero:
            if cells[i] == 0:
                donor = max(range(len(cells)), key=cells.__getitem__)
                cells[donor] -= 1
                cells[i] = 1
    return cells


class PhaseBar(Widget):
    """A compact summary of a call's phases: a legend line (time per phase, as badges) over a
    bar whose stretches are proportional to the time spent, in the order they happened.

    The bar carries the phase name where it fits, so it still reads without colour.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "phase-bar--label",
        "phase-bar--ivr",
        "phase-bar--queue",
        "phase-bar--dial",
        "phase-bar--ring",
        "phase-bar--talk",
        "phase-bar--wrap_up",
        "phase-bar--other",
    }

    DEFAULT_CSS = """
    PhaseBar {
        height: 2;
        & > .phase-bar--label { color: $foreground-muted; }
        & > .phase-bar--ivr { background: $secondary; color: $text; }
        & > .phase-bar--queue { background: $warning; color: $text; }
        & > .phase-bar--dial { background: $primary; color: $text; }
        & > .phase-bar--ring { background: $primary; color: $text; }
        & > .phase-bar--talk { background: $success; color: $text; }
        & > .phase-bar--wrap_up { background: $foreground-muted; color: $text; }
        & > .phase-bar--other { background: $panel; color: $foreground-muted; }
        /* 16 colours: no "auto" text contrast, so let the terminal swap them. */
        &:ansi > .phase-bar--ivr { background: $surface; color: $secondary; }
        &:ansi > .phase-bar--queue { background: $surface; color: $warning; }
        &:ansi > .phase-bar--dial, &:ansi > .phase-bar--ring {
            background: $surface; color: $primary;
        }
        &:ansi > .phase-bar--talk { background: $surface; color: $success; }
        &:ansi > .phase-bar--wrap_up { background: $surface; color: $foreground; }
        &:ansi > .phase-bar--ivr, &:ansi > .phase-bar--queue, &:ansi > .phase-bar--dial,
        &:ansi > .phase-bar--ring, &:ansi > .phase-bar--talk, &:ansi > .phase-bar--wrap_up {
            text-style: reverse;
        }
    }
    """

    def __init__(
        self, view: CallView | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._view = view

    @property
    def summary(self) -> PhaseSummary | None:
        return self._view.analysis.summary if self._view is not None else None

    @property
    def _language(self) -> str:
        # The legend speaks the view's language, like the timeline beside it.
        return self._view.language if self._view is not None else "en"

    def set_view(self, view: CallView | None) -> None:
        self._view = view
        self.refresh()

    def legend(self) -> str:
        """The first line as plain text (also handy for headless output and tests)."""
        summary = self.summary
        if summary is None or summary.total.total_seconds() <= 0:
            return "No timed events"
        parts = [
            f"{phase_label(phase, self._language)} {format_clock(time)}"
            for phase, time in summary.items()
        ]
        parts.append(f"Total {format_clock(summary.total)}")
        return " · ".join(parts)

    _styles: tuple[Style, dict[Phase, Style]] | None = None

    def notify_style_update(self) -> None:
        self._styles = None  # a theme change recolours the badges
        super().notify_style_update()

    def _phase_styles(self) -> tuple[Style, dict[Phase, Style]]:
        """The label's style and each phase's, looked up once: the bar is drawn for every call."""
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = (
                get("phase-bar--label"),
                {phase: get(f"phase-bar--{phase.value}") for phase in Phase},
            )
        return self._styles

    def render(self) -> Text:
        width = self.content_region.width
        summary = self.summary
        label_style, styles = self._phase_styles()
        if summary is None or summary.total.total_seconds() <= 0:
            return Text(self.legend(), style=label_style, no_wrap=True, overflow="ellipsis")
        items = summary.items()
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        # Each name is a small badge in its phase's colours: legible on any background, and it
        # ties the legend to the bar below.
        for phase, time in items:
            text.append(f" {phase_label(phase, self._language)} ", styles[phase])
            text.append(f" {format_clock(time)}  ")
        text.append(f"Total {format_clock(summary.total)}", label_style)
        text.truncate(width, overflow="ellipsis")
        text.append("\n")
        # The bar follows the call in time (IVR → queue → ring → talk → …), so a transfer
        # shows as a second ring and talk, and a gap sits where it happened.
        segments = summary.segments
        cells = allocate_cells([round((s.end - s.start) * 1000) for s in segments], width)
        for segment, size in zip(segments, cells, strict=True):
            if size <= 0:
                continue
            name = phase_label(segment.phase, self._language)
            fits = cell_len(name) + 2 <= size
            body = name.center(size - cell_len(name) + len(name)) if fits else " " * size
            text.append(body, styles[segment.phase])
        return text
