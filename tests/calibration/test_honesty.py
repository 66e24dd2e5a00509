"""Honesty rules of the calibration: echoes refused, held-out targets never read by the fit."""

from __future__ import annotations

import json

import pytest
import yaml

from courtsim.calibration.calibrate import calibrate
from courtsim.calibration.echo import ECHO_INPUTS
from courtsim.calibration.targets import load_targets
from courtsim.cli import main
from tests.calibration.test_cli import SETUP
from tests.calibration.test_targets import _params, _target, _write, no_runs  # noqa: F401
from tests.conftest import ROOT, SCENARIOS

TARGETS = ROOT / "data" / "kz_targets.yaml"
PARAMS = ROOT / "experiments" / "calibration_params.yaml"
IN_COURT = SCENARIOS / "in_court.yaml"


def _calibrate_cli(tmp_path, targets, params, scenario=IN_COURT):
    out = tmp_path / "out"
    code = main(
        [
            "calibrate",
            str(scenario),
            "--targets",
            str(targets),
            "--params",
            str(params),
            "--out",
            str(out),
            "--workers",
            "1",
            "--no-progress",
        ]
    )
    return code, out


@pytest.mark.parametrize(
    ("target", "named"),
    [
        (_target(id="appeals", kpi="appeal_rate_settlements", observed=0.015, period=None),
         "p_appeal_settled = 0.015 for every case type"),
        (_target(id="volume", kpi="incoming", observed=5000, tolerance=500),
         "filings.per_year = 10,500"),
        (_target(id="returned", kpi="share_returned", observed=0.2, period=None), "p_returned"),
    ],
)  # fmt: skip
def test_echo_targets_are_refused_before_any_run(tmp_path, capsys, no_runs, target, named):  # noqa: F811
    code, out = _calibrate_cli(
        tmp_path, _write(tmp_path, [target]), _params(tmp_path, [target["id"]])
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "is an echo of the scenario's inputs" in err
    assert named in err
    assert f"targets.{target['id']}.kpi" in err
    assert "role: input_check" in err
    assert err.count("\n") == 1  # one paragraph
    assert not out.exists()


def test_an_echo_is_allowed_when_the_fit_sets_the_input_it_echoes(tmp_path, no_runs):  # noqa: F811
    # Fitting p_appeal_settled to the settlements' appeal rate estimates that input: honest.
    target = _target(id="appeals", kpi="appeal_rate_settlements", observed=0.015, period=None)
    params = _params(
        tmp_path,
        ["appeals"],
        parameters=[
            {"name": "pas", "keys": ["case_types.*.p_appeal_settled"], "low": 0.0, "high": 0.05}
        ],
    )
    with pytest.raises(AssertionError, match="a calibration run started"):  # got past checks
        calibrate(IN_COURT, _write(tmp_path, [target]), params, workers=1)


@pytest.mark.parametrize(
    ("role", "key", "message"),
    [
        ("held_out", "targets", "declared 'held_out' in the targets file"),
        ("input_check", "targets", "declared 'input_check' in the targets file"),
        ("fit", "checks", "held out by declaring 'role: held_out' in the targets file"),
    ],
)
def test_roles_are_declared_in_the_targets_file_not_chosen_by_the_setup(
    tmp_path,
    capsys,
    no_runs,  # noqa: F811
    role,
    key,
    message,
):
    targets = _write(tmp_path, [_target(), _target(id="other", role=role)])
    ids = (
        {"targets": ["other"]}
        if key == "targets"
        else {"targets": ["share_h1"], "checks": ["other"]}
    )
    params = _params(
        tmp_path, ids["targets"], **({"checks": ids["checks"]} if "checks" in ids else {})
    )
    code, out = _calibrate_cli(tmp_path, targets, params)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_bad_role_is_refused(tmp_path, capsys, no_runs):  # noqa: F811
    targets = _write(tmp_path, [_target(role="out_of_sample")])
    code, out = _calibrate_cli(tmp_path, targets, _params(tmp_path, ["share_h1"]))
    err = capsys.readouterr().err
    assert code == 2
    assert "role" in err
    assert not out.exists()


def test_shipped_targets_declare_the_echoes_and_the_held_out():
    tf = load_targets(TARGETS)
    role = {t.id: t.role for t in tf.targets}
    assert role["appeal_rate_settlements"] == "input_check"
    assert all(r == "input_check" for i, r in role.items() if i.startswith("volume_"))
    assert role["pending_per_judge_2018"] == "held_out"
    # Every target whose KPI an input fixes is declared an input check.
    assert all(t.role == "input_check" for t in tf.targets if t.kpi in ECHO_INPUTS)


# ------------------------------------------------------------------ held out, never read
def _files(tmp_path, held_observed: float):
    targets = _write(
        tmp_path,
        [
            _target(id="settled", observed=0.3, tolerance=0.1, period=None),
            _target(
                id="within_60",
                kpi="share_within_60_days",
                observed=held_observed,
                tolerance=0.05,
                period=None,
                role="held_out",
            ),
            _target(
                id="appeals",
                kpi="appeal_rate_settlements",
                observed=0.015,
                tolerance=0.01,
                period=None,
                role="input_check",
            ),
            _target(id="later", period={"year": 2030}, role="held_out"),
        ],
        name=f"t{held_observed}.yaml",
    )
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(SETUP))
    return targets, params


@pytest.mark.slow
def test_a_held_out_target_is_never_read_by_the_fit(tmp_path):
    a = calibrate(IN_COURT, *_files(tmp_path, 0.9), workers=1)
    b = calibrate(IN_COURT, *_files(tmp_path, 0.1), workers=1)  # perturbed: 0.9 -> 0.1
    ra, rb = a.result, b.result
    assert [d.x.tobytes() for d in ra.design] == [d.x.tobytes() for d in rb.design]
    assert [d.means.tobytes() for d in ra.design] == [d.means.tobytes() for d in rb.design]
    assert ra.posterior.draws.tobytes() == rb.posterior.draws.tobytes()
    assert ra.scenario.content_hash() == rb.scenario.content_hash()
    rows_a = {r.id: r for r in ra.rows}
    rows_b = {r.id: r for r in rb.rows}
    assert rows_a["settled"] == rows_b["settled"]
    # The held-out target is compared after the fit, with the same simulated values.
    assert rows_a["within_60"].mean == rows_b["within_60"].mean
    assert (rows_a["within_60"].observed, rows_b["within_60"].observed) == (0.9, 0.1)
    assert [r.role for r in ra.rows] == ["fit", "held out", "input check"]
    assert ra.elsewhere == ["later (2030)"]

    out = a.save(tmp_path / "cal")
    report = (out / "fit_report.md").read_text()
    assert "**Fitted** (1): `settled`" in report
    assert "**Held out** (1)" in report
    assert "`within_60` z = " in report
    assert "later (2030)" in report
    assert "**Input checks** (1): `appeals`" in report
    fit = json.loads((out / "fit.json").read_text())
    assert fit["held_out_not_measured"] == ["later (2030)"]


def test_the_shipped_setup_passes_the_honesty_rules(no_runs):  # noqa: F811
    from courtsim.calibration.calibrate import prepare

    _, fit, checks, elsewhere, *_ = prepare(SCENARIOS / "kz_national_2024.yaml", TARGETS, PARAMS)
    assert all(t.role == "fit" for t in fit)
    assert not {t.kpi for t in fit} & set(ECHO_INPUTS)
    assert {t.id for t in checks} == {"appeal_rate_settlements", "volume_2024h1", "volume_2025"}
    assert "pending_per_judge_2018" in {t.id for t in elsewhere}
