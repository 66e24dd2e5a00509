"""The README's Quick start must stay true: run its first command (after set-up) as written."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _quick_start_command() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    first = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    setup, _, run = first.partition(" && ")
    assert setup == "bash scripts/setup.sh"
    return shlex.split(run)


@pytest.mark.slow
def test_quick_start_compares_the_pilots_and_writes_the_briefing(tmp_path):
    cmd = _quick_start_command()
    assert cmd[0] == ".venv/bin/courtsim"
    # Same command, from a folder that has the scenarios and a .venv with this install.
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "lowers pending cases" in proc.stdout
    html = tmp_path / "results" / "briefing.html"
    assert html.stat().st_size > 1_000_000  # plotly.js embedded: opens offline
    assert (tmp_path / "results" / "pilots" / "manifest.json").is_file()
