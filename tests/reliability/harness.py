"""Run the ``courtsim`` command in this process and check how it failed."""

from __future__ import annotations

import contextlib
import hashlib
import io
import signal
from pathlib import Path

from courtsim.cli import main

#: Seconds a command may take before the harness calls it hung (a FIFO read blocks forever).
HANG_SECONDS = 30


class Hung(Exception):
    """The command did not return in time."""


def run_cli(*argv: object) -> tuple[int, str]:
    """Run ``courtsim ARGV`` in-process; return (exit status, stderr).

    Any exception escaping ``main`` (a would-be traceback) propagates to the test.
    """

    def alarm(signum, frame):
        raise Hung(f"courtsim {' '.join(map(str, argv))} hung for {HANG_SECONDS} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    err, out = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                status = main([str(a) for a in argv])
            except SystemExit as exc:  # argparse
                status = int(exc.code or 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return status, err.getvalue()


def assert_one_paragraph_error(status: int, stderr: str) -> None:
    """Exit 2 with one line on stderr: ``courtsim: error: ...``, no traceback."""
    assert status == 2, f"exit {status}, stderr: {stderr[:500]}"
    text = stderr.strip()
    assert "Traceback" not in text
    assert "\n" not in text, f"more than one paragraph: {text[:500]}"
    assert text.startswith("courtsim: error: "), text[:300]
    assert len(text) < 2_500


def snapshot(root: Path, skip: Path | None = None) -> dict[str, tuple[str, str]]:
    """Map every entry under ``root`` (not following links, not under ``skip``) to its content."""
    out: dict[str, tuple[str, str]] = {}
    for p in sorted(root.rglob("*")):
        if skip is not None and (p == skip or skip in p.parents):
            continue
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("link", str(p.readlink()))
        elif p.is_file():
            out[rel] = ("file", hashlib.sha256(p.read_bytes()).hexdigest())
        elif p.is_dir():
            out[rel] = ("dir", "")
        else:
            out[rel] = ("special", str(p.stat().st_mode))
    return out
