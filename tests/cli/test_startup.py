"""Start-up imports only what a command needs (issue 9: `--help` and `validate` in <= 0.5 s).

Timing belongs to ``benchmarks/bench_startup.py``; these tests check the cause instead,
deterministically: which heavy libraries a fresh interpreter has imported after building
the parser, after ``courtsim --help`` and after ``courtsim validate``.
"""

from __future__ import annotations

import json
import subprocess
import sys

from courtsim.cli_decisions import LEVERS
from courtsim.cli_types import LANG_CODES
from tests.conftest import ROOT, SCENARIOS

#: Libraries that take tenths of a second each to import.
HEAVY = ("numpy", "pandas", "scipy", "mesa", "plotly", "dash", "pyarrow", "babel", "pydantic")


def _heavy_after(code: str) -> list[str]:
    """Run ``code`` in a fresh interpreter; return the heavy libraries it left imported."""
    probe = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_building_the_parser_imports_nothing_heavy():
    assert _heavy_after("from courtsim.cli import build_parser\nbuild_parser()") == []


def test_help_imports_nothing_heavy():
    code = (
        "from courtsim.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "try:\n"
        "    main(['sweep', '--help'])\n"
        "except SystemExit:\n"
        "    pass"
    )
    assert _heavy_after(code) == []


def test_validate_imports_the_schema_but_not_the_engine():
    baseline = SCENARIOS / "baseline.yaml"
    code = f"from courtsim.cli import main\nassert main(['validate', {str(baseline)!r}]) == 0"
    # pydantic is what validating is; the engine's and the experiments' libraries are not.
    assert _heavy_after(code) == ["pydantic"]


def test_importing_courtsim_stays_light():
    # The console script imports the package before `main` can catch a Ctrl-C.
    assert _heavy_after("import courtsim, courtsim.cli") == []


def test_the_parsers_light_constants_equal_their_sources():
    from courtsim.experiment.levers import LEVER_HELP
    from courtsim.i18n import LANGS

    assert tuple(LANGS) == LANG_CODES
    assert tuple(LEVERS) == tuple(LEVER_HELP)


def test_the_public_api_is_still_there_lazily():
    import courtsim
    from courtsim.schema.scenario import Scenario, load_scenario

    assert courtsim.Scenario is Scenario
    assert courtsim.load_scenario is load_scenario
    sc = courtsim.load_scenario(SCENARIOS / "baseline.yaml")
    assert sc.judges.count > 0
