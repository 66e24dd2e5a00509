"""Ctrl-C is never lost; SIGTERM ends a command and every process it started.

The interrupt loop sends SIGINT at random moments (seeded) to real ``courtsim sweep``
processes. The loss it guards against came from an interrupt raised inside a library's
cleanup code, where Python ignores it: that path no longer exists (SIGINT only sets a
flag, checked at each run boundary), so the loop checks the mechanism, from the moment
the sweep's folder exists (before it, Python is still importing), with 8 serial and
4 pool interrupts rather than the probe's 50 each, to keep CI within minutes; raise
``N_SERIAL``/``N_POOL`` to hunt.
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

from courtsim.interrupts import descendants
from courtsim.result import scenario_to_yaml
from tests.conftest import make_scenario

N_SERIAL = 8
N_POOL = 4


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


def _interrupt_loop(tmp_path: Path, workers: int, n: int, seed: int) -> None:
    rng = random.Random(seed)
    exp = _long_sweep(tmp_path)
    for i in range(n):
        out = tmp_path / f"out{i}"
        proc = _start(["sweep", str(exp), "--out", str(out), "--workers", str(workers)])
        t0 = time.monotonic()
        while not (out / "runs").is_dir() and time.monotonic() - t0 < 60:
            time.sleep(0.01)  # Python's own start-up (imports) is not courtsim's to handle
        time.sleep(rng.uniform(0.0, 3.0))  # the executor starting, or any moment mid-sweep
        assert proc.poll() is None, "the sweep ended before it was interrupted: make it longer"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, f"interrupt {i} lost: exit {proc.returncode}, {err[-400:]}"
        assert "interrupted" in err
        assert "Traceback" not in err


@pytest.mark.slow
def test_ctrl_c_is_never_lost_in_a_serial_sweep(tmp_path):
    _interrupt_loop(tmp_path, workers=1, n=N_SERIAL, seed=11)


@pytest.mark.slow
def test_ctrl_c_is_never_lost_in_a_pool_sweep(tmp_path):
    _interrupt_loop(tmp_path, workers=2, n=N_POOL, seed=12)


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
