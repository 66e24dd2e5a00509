"""Progress of an experiment's runs, drawn with ``tqdm.auto``: a widget in Jupyter, a bar on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def _clock(seconds: float) -> str:
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished runs and shows a progress bar.

    The bar is ``tqdm.auto``'s: a widget in Jupyter, redrawn in place on a terminal. When
    the stream is not a terminal (a log file, CI) it is redrawn at most every
    ``interval_s`` seconds, so a log gets a line now and then rather than a line per run.

    Args:
        total: Runs in the experiment.
        label: What runs (e.g. ``"sweep conciliation_capacity"``).
        already_done: Runs finished before this session (resumed), counted as done.
        stream: Where to write (default stderr).
        enabled: Whether to show anything.
        interval_s: Seconds between redraws when the stream is not a terminal.
    """

    def __init__(
        self,
        total: int,
        label: str = "runs",
        already_done: int = 0,
        stream: TextIO | None = None,
        enabled: bool = True,
        interval_s: float = 10.0,
    ):
        self.total = total
        self.label = label
        self.done = already_done
        self.skipped = already_done
        self.failed = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and total > 0
        self.t0 = time.monotonic()
        self._bar: Any = None
        if self.enabled:
            from tqdm.auto import tqdm  # imported on use: `courtsim run` never needs it

            tty = bool(getattr(self.stream, "isatty", lambda: False)())
            self._bar = tqdm(
                total=total,
                initial=already_done,
                desc=label,
                unit="run",
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} runs"
                "{postfix} [{elapsed} elapsed, {remaining} left]",
                file=self.stream,
                mininterval=0.1 if tty else interval_s,
                dynamic_ncols=True,
            )

    def line(self) -> str:
        """Return the current progress as one line of text (runs done, failures, time left)."""
        elapsed = time.monotonic() - self.t0
        ran = self.done - self.skipped
        left = self.total - self.done
        eta = _clock(elapsed / ran * left) if ran > 0 else "?"
        fails = f", {self.failed} failed" if self.failed else ""
        return (
            f"{self.label}: {self.done}/{self.total} runs{fails}, "
            f"{_clock(elapsed)} elapsed, {eta} left"
        )

    def update(self, ok: bool = True) -> None:
        """Count one finished run and redraw.

        Args:
            ok: Whether the run finished without error.
        """
        self.done += 1
        self.failed += 0 if ok else 1
        if self._bar is not None:
            if not ok:
                self._bar.set_postfix_str(f"{self.failed} failed", refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        """Draw the final state and end the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
