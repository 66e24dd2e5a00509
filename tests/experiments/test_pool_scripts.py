"""The local pool from a user's script: with and without the `__main__` guard."""

import subprocess
import sys

import pytest

from tests.conftest import SCENARIOS

BODY = f"""
import courtsim
sc = courtsim.load_scenario({str(SCENARIOS / "baseline.yaml")!r})
sc = sc.with_overrides({{"horizon_days": 5}})
def run():
    try:
        rr = courtsim.replicate(sc, reps=2, seed=1, workers=2, daily=())
        print("OK", len(rr.kpis))
    except courtsim.CourtsimError as exc:
        print("ERROR", exc)
"""


@pytest.mark.slow
@pytest.mark.parametrize("guarded", [True, False])
def test_script_with_and_without_main_guard(tmp_path, guarded):
    script = tmp_path / "user_script.py"
    call = 'if __name__ == "__main__":\n    run()\n' if guarded else "run()\n"
    script.write_text(BODY + call)
    res = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    lines = [x for x in res.stdout.splitlines() if x.startswith(("OK", "ERROR"))]
    if guarded:
        assert [x.split()[0] for x in lines] == ["OK"], res.stderr
    else:
        # Each worker imports the script again and tries to start a pool of its own: the
        # user gets one clear paragraph saying what to do, not only a broken pool.
        assert any('if __name__ == "__main__":' in x for x in lines if x.startswith("ERROR"))
