"""``courtsim robustness``: the robustness table, recomputed, CRN zero effects, determinism, resume, bad input."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from courtsim.calibration.robustness import robustness
from courtsim.calibration.robustness_table import share_same_sign
from courtsim.cli import main
from tests.conftest import ROOT, SCENARIOS

KPIS = ["pending_end", "disposition_time_days", "sessions_saved", "cost_court_per_case_kzt"]


def small_spec(**changes):
    """Three worlds of a two-month court: posterior draws and a design over optimism."""
    spec = {
        "kind": "robustness",
        "name": "small",
        "baseline": str(SCENARIOS / "baseline.yaml"),
        "pilots": {
            "in_court": str(SCENARIOS / "in_court.yaml"),
            "out_of_court": str(SCENARIOS / "out_of_court.yaml"),
        },
        "set": {"horizon_days": 60, "judges.count": 6, "filings.per_year": 2500},
        "posterior": {
            "draws": str(ROOT / "data" / "kz_calibration"),
            "params": str(ROOT / "experiments" / "calibration_params.yaml"),
        },
        "uncertain": [
            {"name": "optimism_mean", "keys": ["litigants.optimism_mean"], "low": 0.0, "high": 0.2},
            {
                "name": "mediator_supply",
                "keys": ["mediators.*.per_court", "mediators.*.per_judge"],
                "mode": "scale",
                "low": 0.3,
                "high": 2.0,
            },
        ],
        "worlds": 3,
        "replications": 2,
        "seed": 11,
        "kpis": KPIS,
    }
    spec.update(changes)
    return spec


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "serial"
    return robustness(small_spec(), out, workers=1, progress=False)


def test_share_same_sign_counts_zero_as_a_sign():
    assert share_same_sign(np.array([-1.0, -2.0, 3.0, -0.5]), -0.75) == 0.75
    assert share_same_sign(np.array([0.0, 0.0, 1.0]), 0.0) == pytest.approx(2 / 3)
    assert np.isnan(share_same_sign(np.array([]), 0.0))


@pytest.mark.slow
def test_table_matches_a_direct_recomputation_from_the_runs(small_run):
    res = small_run
    runs = pd.read_parquet(res.out / "results.parquet")
    table = pd.read_parquet(res.out / "table.parquet")
    assert (runs["status"] == "ok").all()
    assert set(runs["arm"]) == {"baseline", "in_court", "out_of_court"}
    assert runs.groupby("world")["draw"].nunique().eq(1).all()  # one posterior draw per world
    for pilot in ("in_court", "out_of_court"):
        for metric in KPIS:
            effects = []
            for w in range(3):
                rows = runs[(runs["world"] == w) & (runs["metric"] == metric)]
                diffs = [
                    rows[(rows["arm"] == pilot) & (rows["replicate"] == r)]["value"].item()
                    - rows[(rows["arm"] == "baseline") & (rows["replicate"] == r)]["value"].item()
                    for r in range(2)
                ]
                effects.append(sum(diffs) / 2)
            row = table[(table["pilot"] == pilot) & (table["metric"] == metric)].iloc[0]
            med = sorted(effects)[1]
            assert row["effect_median"] == pytest.approx(med, rel=1e-12, abs=1e-12)
            same = sum((e > 0) == (med > 0) and (e < 0) == (med < 0) for e in effects) / 3
            assert row["share_same_sign"] == pytest.approx(same)
            assert row["n_worlds"] == 3
            assert row["effect_p10"] <= row["effect_median"] <= row["effect_p90"]
    # the table's unknowns are the posterior's seven and the design's two
    assert set(res.drivers["unknown"]) >= {
        "agreement_cost_share",
        "optimism_mean",
        "mediator_supply",
    }
    assert (res.out / "manifest.json").is_file()
    assert res.manifest["kind"] == "robustness"
    assert set(res.manifest["files"]) >= {"results.parquet", "table.parquet", "effects.parquet"}


@pytest.mark.slow
def test_a_pilot_whose_channel_has_no_capacity_has_exactly_no_effect(tmp_path):
    # In-court with no conciliation judges (the channel closed) and trial judges who do not
    # promote settlement: the same world as the baseline, so every paired effect is 0.
    spec = small_spec(
        pilots={"in_court": str(SCENARIOS / "in_court.yaml")},
        set={
            "horizon_days": 40,
            "judges.count": 6,
            "filings.per_year": 2500,
            "conciliation.judges_per_court": 0,
            "judges.settlement_promotion": {"dist": "constant", "value": 0.0},
        },
        uncertain=[
            {"name": "optimism_mean", "keys": ["litigants.optimism_mean"], "low": 0.0, "high": 0.2}
        ],
    )
    res = robustness(spec, tmp_path / "zero", workers=1, progress=False)
    assert (res.effects["effect"] == 0).all()
    assert (res.table["effect_median"] == 0).all()
    assert (res.table["share_same_sign"] == 1).all()
    assert all("unchanged" in s for s in res.sentences())


@pytest.mark.slow
def test_same_spec_and_seed_give_the_same_table_serial_or_pool(small_run, tmp_path):
    pooled = robustness(small_spec(), tmp_path / "pool", workers=2, progress=False)
    pd.testing.assert_frame_equal(small_run.table, pooled.table)
    pd.testing.assert_frame_equal(small_run.effects, pooled.effects)
    other = robustness(small_spec(seed=12), tmp_path / "other", workers=1, progress=False)
    assert not other.effects["effect"].equals(small_run.effects["effect"])


@pytest.mark.slow
def test_resume_after_an_interruption_gives_the_same_output(small_run, tmp_path):
    part = tmp_path / "part"
    shutil.copytree(small_run.out, part)
    files = sorted((part / "runs").glob("*.ok.parquet"))
    for f in files[::2]:  # these runs never finished
        f.unlink()
    for name in ("table.parquet", "effects.parquet", "results.parquet"):
        (part / name).unlink()
    res = robustness(small_spec(), part, workers=1, resume=True, progress=False)
    assert res.n_skipped == len(files) - len(files[::2])
    pd.testing.assert_frame_equal(res.table, small_run.table)
    pd.testing.assert_frame_equal(
        pd.read_parquet(part / "results.parquet"),
        pd.read_parquet(small_run.out / "results.parquet"),
    )


@pytest.mark.slow
def test_the_briefing_and_the_report_command_show_the_table(small_run, tmp_path, capsys):
    out = tmp_path / "robust.html"
    assert main(["report", str(small_run.out), "--html", str(out)]) == 0, capsys.readouterr().err
    page = out.read_text()
    assert "Conclusions that survive what we do not know" in page
    assert small_run.table["sentence"].iloc[0].split(" (")[0] in page


def _write(tmp_path, spec):
    path = tmp_path / "robustness.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"wolds": 3}, "wolds"),
        ({"worlds": 1}, "worlds"),
        ({"pilots": {}}, "pilots"),
        (
            {
                "uncertain": [
                    {"name": "x", "keys": ["litigants.optimism_mean"], "low": 1, "high": 0}
                ]
            },
            "uncertain",
        ),
        (
            {"uncertain": [{"name": "x", "keys": ["litigants.no_such_key"], "low": 0, "high": 1}]},
            "uncertain.0.keys",
        ),
        ({"posterior": {"draws": "nowhere", "params": "nowhere.yaml"}}, "posterior.params"),
        ({"design": "sobol", "worlds": 3}, "worlds"),
        ({"kpis": ["no_such_kpi"]}, "kpis"),
        ({"baseline": "missing.yaml"}, "baseline"),
        (
            {
                "uncertain": [
                    {"name": "belief_sd", "keys": ["bargaining.belief_sd"], "low": 0.3, "high": 1}
                ]
            },
            "uncertain",
        ),
    ],
)
def test_bad_input_exits_2_names_the_field_and_writes_nothing(tmp_path, capsys, change, field):
    path = _write(tmp_path, small_spec(**change))
    out = tmp_path / "out"
    code = main(["robustness", str(path), "--out", str(out), "--workers", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert field in err
    assert str(path) in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_posterior_draws_outside_their_prior_are_refused(tmp_path, capsys):
    draws = pd.read_parquet(ROOT / "data" / "kz_calibration" / "posterior.parquet")
    draws.loc[0, "belief_sd"] = 5.0  # the prior is [0.3, 1.2]
    draws.to_parquet(tmp_path / "posterior.parquet")
    spec = small_spec()
    spec["posterior"]["draws"] = str(tmp_path / "posterior.parquet")
    path = _write(tmp_path, spec)
    code = main(["robustness", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "belief_sd" in err
    assert "posterior.draws" in err
    assert not (tmp_path / "out").exists()


def test_a_changed_calibration_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "cal"
    shutil.copytree(ROOT / "data" / "kz_calibration", folder)
    draws = pd.read_parquet(folder / "posterior.parquet")
    draws.iloc[:5].to_parquet(folder / "posterior.parquet")  # no longer matches its checksum
    spec = small_spec()
    spec["posterior"]["draws"] = str(folder)
    path = _write(tmp_path, spec)
    assert main(["robustness", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "checksum" in capsys.readouterr().err


def test_dry_run_counts_the_runs_and_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, small_spec())
    out = tmp_path / "out"
    assert main(["robustness", str(path), "--out", str(out), "--dry-run"]) == 0
    assert "18 runs (3 worlds x 3 scenarios x 2 replicates" in capsys.readouterr().out
    assert not out.exists()
    # A dry run needs no folder; a real one does, and says so before any run.
    assert main(["robustness", str(path), "--dry-run"]) == 0
    assert "18 runs" in capsys.readouterr().out
    assert main(["robustness", str(path)]) == 2
    assert "--out: give the results folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_table(small_run, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        res = robustness(
            small_spec(), tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False
        )
    pd.testing.assert_frame_equal(small_run.table, res.table)
    assert res.manifest["sessions"][-1]["executor"]["executor"] == "dask"
