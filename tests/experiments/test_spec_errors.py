"""Bad experiment files: a clear error naming file and field, before any run, nothing written."""

import pytest

from courtsim.cli import main


def _sweep(argv_exp, out, *extra):
    return main(["sweep", str(argv_exp), "--out", str(out), "--workers", "1", *extra])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"replicatons": 2}, "replicatons", "unknown key"),
        ({"replications": 0}, "replications", "greater than or equal to 1"),
        (
            {"factors": {"judges.cont": {"levels": [2, 3]}}},
            "factors.judges.cont",
            "there is no key 'judges.cont' in the scenario",
        ),
        (
            {"factors": {"judges.count": {"levels": [2, 0]}}},
            "factors.judges.count",
            "cannot take the value 0",
        ),
        ({"factors": {"judges.count": {"levels": []}}}, "factors.judges.count", "empty"),
        (
            {
                "design": "lhs",
                "samples": 4,
                "factors": {"filings.per_year": {"range": [3000, 3000]}},
            },
            "factors.filings.per_year",
            "the range [3000.0, 3000.0] is empty",
        ),
        (
            {"factors": {"filings.per_year": {"range": [1000, 3000]}}},
            "(top level)",
            "design: grid needs levels for every factor",
        ),
        ({"design": "sobol", "samples": 6}, "(top level)", "must be a power of 2"),
        ({"kpis": ["pending_ned"]}, "kpis", "unknown KPI 'pending_ned'"),
        ({"daily": ["n_pend"]}, "daily", "unknown daily series 'n_pend'"),
        ({"scenario": "missing.yaml"}, "scenario", "file not found"),
        ({"set": {"judges.count": "many"}}, "set.judges.count", "valid integer"),
        ({"kind": "swep"}, "kind", "'kind' must be one of sweep, compare, sensitivity"),
        ({"kind": "compare"}, "kind", "run it with `courtsim compare`"),
    ],
)
def test_bad_experiment_file(sweep_file, tmp_path, capsys, changes, field, message):
    exp = sweep_file(**changes)
    out = tmp_path / "out"
    assert _sweep(exp, out) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"courtsim: error: {exp}, field '{field}")
    assert message in err
    assert len(err.strip().splitlines()) == 1  # one paragraph, no traceback
    assert not out.exists()


def test_unreadable_experiment_files(tmp_path, capsys):
    out = tmp_path / "out"
    assert _sweep(tmp_path / "nope.yaml", out) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: sweep\nfactors: [1, 2\n")
    assert _sweep(bad, out) == 2
    assert "not valid YAML at line" in capsys.readouterr().err
    assert not out.exists()


def test_unreachable_scheduler_is_an_error_before_any_run(sweep_file, tmp_path, capsys):
    exp = sweep_file()
    out = tmp_path / "out"
    argv = ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1"]
    assert _sweep(exp, out, *argv) == 2
    err = capsys.readouterr().err
    assert "--scheduler: cannot reach a Dask scheduler at tcp://127.0.0.1:9" in err
    assert not out.exists()
    assert _sweep(exp, out, "--scheduler", "localhost:8786") == 2
    assert "is not a scheduler address" in capsys.readouterr().err
    assert not out.exists()


def test_existing_output_is_never_overwritten(sweep_file, tmp_path, capsys):
    exp = sweep_file()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert _sweep(exp, out) == 2
    assert "already holds files" in capsys.readouterr().err
    assert _sweep(exp, out, "--resume") == 2
    assert "holds no manifest.json" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
