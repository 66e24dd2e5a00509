"""A progress line on stderr: runs done, failures, elapsed time and time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Counts finished runs and shows a progress bar.

    On a terminal the bar redraws in place; otherwise (a log file, CI) a line is printed at
    most every ``interval_s`` seconds and at the end.

    Args:
        total: Runs in the experiment.
        label: What runs (e.g. ``"sweep conciliation_capacity"``).
        already_done: Runs finished before this session (resumed), counted as done.
        stream: Where to write (default stderr).
        enabled: Whether to show anything.
        interval_s: Seconds between lines when the stream is not a terminal.
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
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval_s = interval_s
        self.t0 = time.monotonic()
        self._last = -1e9

    def line(self) -> str:
        """Return the current progress line."""
        width = 24
        frac = self.done / self.total if self.total else 1.0
        filled = int(frac * width)
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.monotonic() - self.t0
        ran = self.done - self.skipped
        left = self.total - self.done
        eta = _clock(elapsed / ran * left) if ran > 0 else "?"
        fails = f", {self.failed} failed" if self.failed else ""
        return (
            f"{self.label}: [{bar}] {self.done}/{self.total} runs{fails}, "
            f"{_clock(elapsed)} elapsed, {eta} left"
        )

    def update(self, ok: bool = True) -> None:
        """Count one finished run and redraw.

        Args:
            ok: Whether the run finished without error.
        """
        self.done += 1
        self.failed += 0 if ok else 1
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif now - self._last >= self.interval_s or self.done == self.total:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self._last = now

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
