"""Ctrl-C is never lost; SIGTERM ends a command and every process it started.

The interrupt loop sends 50 SIGINTs at random moments (seeded) to real ``courtsim sweep``
processes, serial and pool. The loss it guards against came from an interrupt raised inside
a library's cleanup code, where Python ignores it: that path no longer exists (SIGINT only
sets a flag, checked at each run boundary), so the loop checks the mechanism, from the
moment the sweep's folder exists. The first second of a command, while it imports what it
needs, has its own test: there an interrupt is held until the import is over.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import courtsim
from courtsim.interrupts import descendants
from courtsim.result import scenario_to_yaml
from tests.conftest import SCENARIOS, make_scenario

# The 50 Ctrl-Cs, split as its probe was (70 serial, 30 pool): the serial sweep is
# where interrupts were lost. AT_ONCE sweeps run side by side to keep the test near a minute.
N_SERIAL = 35
N_POOL = 15
AT_ONCE = 5


def _long_sweep(tmp_path: Path) -> Path:
    """A sweep of 400 tiny runs: many seconds long, a run boundary every few ms."""
    (tmp_path / "tiny.yaml").write_text(scenario_to_yaml(make_scenario(horizon_days=20)))
    exp = {
        "kind": "sweep",
        "name": "long",
        "scenario": "tiny.yaml",
        "design": "grid",
        "factors": {"judges.count": {"levels": [2, 3, 4, 5]}},
        "replications": 100,
        "seed": 1,
        "kpis": ["pending_end"],
    }
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(exp))
    return path


def _start(argv: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "courtsim.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _interrupt_loop(tmp_path: Path, workers: int, n: int, seed: int, within_s: float) -> None:
    rng = random.Random(seed)
    exp = _long_sweep(tmp_path)
    for first in range(0, n, AT_ONCE):
        batch = range(first, min(n, first + AT_ONCE))
        outs = {i: tmp_path / f"out{i}" for i in batch}
        procs = {
            i: _start(["sweep", str(exp), "--out", str(outs[i]), "--workers", str(workers)])
            for i in batch
        }
        # The moment counts from the sweep's folder (imports are the start-up test's).
        moments = {i: rng.uniform(0.0, within_s) for i in batch}
        started: dict[int, float] = {}
        waiting = set(batch)
        t0 = time.monotonic()
        while waiting:
            assert time.monotonic() - t0 < 120, f"sweeps {sorted(waiting)} never started"
            for i in sorted(waiting):
                if i not in started and (outs[i] / "runs").is_dir():
                    started[i] = time.monotonic()
                if i in started and time.monotonic() - started[i] >= moments[i]:
                    assert procs[i].poll() is None, "a sweep ended before its interrupt"
                    procs[i].send_signal(signal.SIGINT)
                    waiting.discard(i)
            time.sleep(0.005)
        for i, proc in procs.items():
            _, err = proc.communicate(timeout=120)
            lost = f"interrupt {i} ({moments[i]:.2f} s in) lost: exit {proc.returncode}"
            assert proc.returncode == 130, f"{lost}, {err[-400:]}"
            assert "interrupted" in err
            assert "Traceback" not in err


@pytest.mark.slow
def test_ctrl_c_is_never_lost_in_a_serial_sweep(tmp_path):
    # A serial sweep runs from its first moment: 0.6 s holds about a hundred run boundaries.
    _interrupt_loop(tmp_path, workers=1, n=N_SERIAL, seed=11, within_s=0.6)


@pytest.mark.slow
def test_ctrl_c_is_never_lost_in_a_pool_sweep(tmp_path):
    # A pool first starts its fork server and workers (about a second): moments cover both.
    _interrupt_loop(tmp_path, workers=2, n=N_POOL, seed=12, within_s=2.0)


COURTSIM = Path(sys.executable).with_name("courtsim")  # the console script users run
PACKAGE = str(Path(courtsim.__file__).parent)


def _mapped(pid: int, library: str) -> bool:
    try:
        return library in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def _interrupt_start_up(argv: list[str], delay: float | None, marker: str) -> tuple[int, str]:
    """Start the console script; send SIGINT now (``delay`` None) or during its imports.

    "During its imports" is ``delay`` seconds after ``marker``, a compiled library the command
    imports first, appears in the process's memory map: from then on courtsim's own code is
    running, so the moment is the command's, not the interpreter's start-up.
    """
    proc = subprocess.Popen(
        [str(COURTSIM), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if delay is not None:
        t0 = time.monotonic()
        while not _mapped(proc.pid, marker) and time.monotonic() - t0 < 30:
            time.sleep(0.001)
        assert _mapped(proc.pid, marker), f"{marker} never loaded by courtsim {argv[0]}"
        time.sleep(delay)
        assert proc.poll() is None, f"courtsim {argv[0]} ended before it was interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


@pytest.mark.slow
@pytest.mark.skipif(not COURTSIM.is_file(), reason="needs the installed console script")
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_ctrl_c_while_a_command_starts_ends_with_the_message_and_130(tmp_path):
    rng = random.Random(14)
    exp = _long_sweep(tmp_path)
    tiny = str(tmp_path / "tiny.yaml")
    commands = [  # (arguments, first compiled library its imports load, seconds they take)
        (["validate", str(SCENARIOS / "baseline.yaml")], "pydantic_core", 0.08),
        (["run", tiny, "--days", "2000"], "pydantic_core", 0.6),
        (["sweep", str(exp), "--out", str(tmp_path / "out"), "--workers", "1"], "numpy", 0.8),
    ]
    for argv, marker, span in commands:
        # Sent at once, SIGINT usually finds no Python yet: the process dies of the signal,
        # silently, and a shell reports 130. In the few milliseconds between the interpreter
        # installing its handler and running the console script's first line, Python prints
        # its own traceback; no code of courtsim has run then, so that case may not name a
        # courtsim file. From the command's first line on, only the one-line message counts.
        status, err = _interrupt_start_up(argv, None, marker)
        assert status in (130, -signal.SIGINT), (argv[0], status, err[-400:])
        assert PACKAGE not in err, (argv[0], err[-800:])
        assert status == -signal.SIGINT or "courtsim: interrupted" in err, (argv[0], err)
        for delay in [0.0, *(rng.uniform(0, span) for _ in range(2))]:
            status, err = _interrupt_start_up(argv, delay, marker)
            where = f"courtsim {argv[0]}, {delay:.3f} s after {marker} loaded"
            assert status == 130, f"{where}: exit {status}, {err[-400:]}"
            assert "Traceback" not in err, f"{where}: {err[-800:]}"
            assert err.strip().startswith("courtsim: interrupted"), f"{where}: {err}"
            assert len(err.strip().splitlines()) == 1, f"{where}: {err}"


def _wait_for_children(pid: int, n: int, timeout: float = 30.0) -> list[int]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        kids = descendants(pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.2)
    raise AssertionError(f"process {pid} did not start {n} children")


def _alive(pids: list[int]) -> list[int]:
    out = []
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        if stat.rsplit(")", 1)[-1].split()[0] != "Z":
            out.append(p)
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sigterm_ends_a_pool_sweep_and_all_its_workers(tmp_path):
    exp = _long_sweep(tmp_path)
    proc = _start(["sweep", str(exp), "--out", str(tmp_path / "o"), "--workers", "2"])
    kids = _wait_for_children(proc.pid, 3)  # fork server + 2 workers (+ resource tracker)
    time.sleep(0.5)
    kids = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err[-400:]
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while _alive(kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(kids), f"left running: {_alive(kids)}"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sigterm_ends_the_dashboard_and_its_workers(tmp_path):
    port = 8700 + os.getpid() % 200
    proc = _start(["dashboard", "--results", str(tmp_path), "--port", str(port), "--workers", "2"])
    kids = _wait_for_children(proc.pid, 2, timeout=60)
    time.sleep(1.0)
    kids = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err[-400:]
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while _alive(kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(kids), f"left running: {_alive(kids)}"


_THREAD_AFTER_SIGTERM = """
import os, signal, threading
from courtsim.interrupts import Terminated, terminate_on_sigterm

def fail(what):
    raise OSError(what)

t = threading.Thread(target=fail, args=("before SIGTERM",)); t.start(); t.join()
try:
    with terminate_on_sigterm():
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()
except Terminated:
    t = threading.Thread(target=fail, args=("after SIGTERM",)); t.start(); t.join()
    raise SystemExit(143)
"""


def test_after_sigterm_other_threads_errors_print_no_traceback():
    # The pool's manager thread can break while courtsim ends its workers: a casualty of
    # the termination, not an error to show. Before SIGTERM such errors are still shown.
    proc = subprocess.run(
        [sys.executable, "-c", _THREAD_AFTER_SIGTERM], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 143, proc.stderr
    assert "OSError: before SIGTERM" in proc.stderr
    assert "after SIGTERM" not in proc.stderr
