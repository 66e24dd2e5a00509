"""The shipped calibrated scenario hits its targets; the back-cast rises and lands on 2022-2025."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from courtsim import load_scenario
from courtsim.calibration.backcast import policy_dates, yearly_series
from courtsim.calibration.evaluate import TargetRunner, target_stats
from courtsim.calibration.report import OUTSIDE, fit_rows
from courtsim.calibration.spec import ParameterSpace, apply_overrides, load_spec
from courtsim.calibration.targets import load_targets, select
from courtsim.experiment.executor import SerialExecutor
from tests.conftest import ROOT, SCENARIOS

TARGETS = ROOT / "data" / "kz_targets.yaml"
PARAMS = ROOT / "experiments" / "calibration_params.yaml"
#: Not the calibration's seed: fresh replicates.
SEED = 4242


#: Fitted targets the shipped calibration misses at its posterior medians, with the side
#: it misses from (the calibration refused that point; scenarios/kz_calibrated.yaml says why).
KNOWN_MISSES = {"decided_within_1_month": "above"}


@pytest.mark.slow
@pytest.mark.statistical
def test_shipped_calibrated_scenario_hits_the_fitted_targets_but_its_known_miss():
    spec = load_spec(PARAMS)
    fit = select(load_targets(TARGETS), list(spec.targets), str(PARAMS), "targets")
    sc = load_scenario(SCENARIOS / "kz_calibrated.yaml")
    vals = TargetRunner(fit, spec.scale, SEED, SerialExecutor()).run([sc], 8)[0]
    rows = fit_rows(fit, target_stats(vals), ["fit"] * len(fit))
    bad = [
        (r.id, r.observed, r.tolerance, r.ci_low, r.ci_high)
        for r in rows
        if r.status == OUTSIDE and r.id not in KNOWN_MISSES
    ]
    assert not bad, bad
    for r in rows:
        if r.id in KNOWN_MISSES:  # a miss stated in the scenario file, on its stated side
            assert (r.mean > r.observed) == (KNOWN_MISSES[r.id] == "above"), r


def test_calibrated_scenario_is_the_setup_applied_to_the_national_one():
    spec = load_spec(PARAMS)
    sc = load_scenario(SCENARIOS / "kz_calibrated.yaml")
    for key, value in spec.scenario_overrides.items():
        if key in ("name", "description"):
            continue
        node = sc.as_dict()
        for part in key.split("."):
            node = node[part]
        if key == "filings.schedule":
            assert [(e["from"], e["per_year"]) for e in node] == [
                (e["from"], e["per_year"]) for e in value
            ]
        elif key == "courts":
            expected = {k: v for k, v in value.items() if k != "_replace"}
            assert {k: dict(v) for k, v in node.items()} == expected
        else:
            assert node == value, key
    # Every calibrated value lies inside its prior, and nothing else differs from the
    # national bargaining scenario with the set-up's overrides.
    base = apply_overrides(load_scenario(SCENARIOS / "kz_national_2024.yaml"), spec, str(PARAMS))
    space = ParameterSpace(base, spec.parameters, str(PARAMS))
    data = sc.as_dict()
    x = []
    for p, paths, base_vals in zip(spec.parameters, space.paths, space.base_values, strict=True):
        v = data
        for q in paths[0]:
            v = v[q]
        x.append(float(f"{v / base_vals[0] if p.mode == 'scale' else v:.4g}"))  # 4 digits
        assert p.low <= x[-1] <= p.high, p.name
    assert space.scenario(x).content_hash() == sc.content_hash()


def test_no_settlement_dial_is_set_in_the_shipped_calibration_files():
    # The schema refuses every retired dial, so loading proves the files set none; the
    # set-up file's overrides and the back-cast's text must not name one either.
    for name in ("kz_calibrated.yaml", "kz_history.yaml"):
        load_scenario(SCENARIOS / name)
    text = PARAMS.read_text() + (SCENARIOS / "kz_history.yaml").read_text()
    for dial in ("trial_willingness_boost", "trial_settlement_boost", "propensity", "p_settle"):
        assert f"{dial}:" not in text, dial


# ------------------------------------------------------------------ back-cast
def test_history_windows_follow_each_other_and_2024_is_the_calibrated_world():
    hist = load_scenario(SCENARIOS / "kz_history.yaml")
    cal = load_scenario(SCENARIOS / "kz_calibrated.yaml")
    by_type: dict[str, list] = {}
    for p in hist.policies:
        by_type.setdefault(p.type, []).append(p)
    for entries in by_type.values():
        entries.sort(key=lambda p: p.start_day)
        for a, b in itertools.pairwise(entries):
            assert a.end_day == b.start_day
        assert entries[-1].end_day is None
    # Reform dates: day 1 is 2012-07-01.
    dates = [d for d, _ in policy_dates(hist)]
    assert dates == [
        dt.date(2014, 4, 11),
        dt.date(2016, 1, 1),
        dt.date(2018, 3, 19),
        dt.date(2020, 6, 22),
        dt.date(2022, 1, 1),
        dt.date(2024, 1, 1),
    ]
    # From 2024 the channels are those of the calibrated scenario (but for case types:
    # the history's undisputed claims are outside them).
    last = {t: e[-1].model_dump(exclude={"start_day", "case_types"}) for t, e in by_type.items()}
    for p in cal.policies:
        assert last[p.type] == p.model_dump(exclude={"start_day", "case_types"}), p.type
    # Mechanisms, not dials: every earlier entry is its channel's 2024 form but for who
    # runs it (mediator kinds, triage) and, for the 2014 pilot courts and the 2016 Code
    # without conciliation at acceptance, the share offered. Nothing is stepped.
    mechanisms = {"start_day", "end_day", "case_types", "mediator_kinds", "triage"}
    for t, entries in by_type.items():
        final = entries[-1].model_dump(exclude=mechanisms)
        for e in entries[:-1]:
            got = e.model_dump(exclude=mechanisms)
            if e.start_day in (650, 1280):  # the 2014 pilot courts; the 2016 Code
                got.pop("p_offer")
                final_wo = {k: v for k, v in final.items() if k != "p_offer"}
                assert got == final_wo, (t, e.start_day)
            else:
                assert got == final, (t, e.start_day)
    assert by_type["in_court"][0].p_offer == 0.0  # 2016: no conciliation at acceptance yet
    assert [e.triage for e in by_type["in_court"][1:]] == [False, True]  # conciliation judges
    assert "public" not in by_type["out_of_court"][1].mediator_kinds  # before Law 84-VII
    assert "public" in by_type["out_of_court"][2].mediator_kinds
    assert hist.judges.count * 40 == pytest.approx(945, rel=0.02)


@pytest.mark.slow
@pytest.mark.statistical
def test_backcast_rises_across_the_reforms_and_lands_on_2024():
    # Only the mechanisms each reform changed (scenarios/kz_history.yaml): the share must
    # rise across the reforms that opened channels, from the 2016 Code to Law 84-VII,
    # and land on the calibrated 2024. The back-cast's misses (2013-2017 and 2022
    # too high) are reported in docs/validation.md, not asserted away.
    hist = load_scenario(SCENARIOS / "kz_history.yaml")
    tf = load_targets(TARGETS)
    recent = select(tf, ["reconciliation_2024h1"], "test", "t")
    # 4 replicates: the back-cast lands near the top of the 2024 band (docs/validation.md).
    years, vals = yearly_series(hist, "share_settled", 4, SEED, SerialExecutor(), recent, 40)
    share = {y.year: y.mean for y in years}
    dates = [d for d, _ in policy_dates(hist)]
    assert dates[0] == dt.date(2014, 4, 11)
    for d in dates[1:-1]:  # 2016, 2018, 2020, 2022
        assert share[d.year + 1] > share[d.year - 1], d
    assert share[2023] > 3 * share[2015]
    rows = fit_rows(recent, target_stats(vals), ["check"] * len(recent))
    # The back-cast lands at the top edge of the 2024 band (0.443 over 8 replicates in
    # docs/validation.md, 0.449 over these 4; the calibrated 2024-2025 run alone gives
    # 0.429; what the eleven years before add was not decomposed). Asked: its 95% CI
    # reaches the band, i.e. these replicates cannot tell it apart from the reported share.
    for r in rows:
        assert r.ci_low <= r.observed + r.tolerance, r
        assert r.ci_high >= r.observed - r.tolerance, r
