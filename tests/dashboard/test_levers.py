import copy
import json
import re

import pytest

from courtsim import load_scenario
from courtsim.dashboard.levers import (
    LEVER_KEYS,
    PLAUSIBLE,
    TOOLTIPS,
    apply_levers,
    channel_types,
    channels_on,
    levers_for,
)
from courtsim.errors import ScenarioError
from courtsim.schema.scenario import Scenario
from tests.conftest import SCENARIOS, make_scenario


def test_bounds_come_from_the_schema():
    levers = {lv.key: lv for lv in levers_for(make_scenario())}
    schema = Scenario.model_json_schema()["$defs"]["Judges"]["properties"]["count"]
    assert levers["judges.count"].minimum == schema["minimum"]
    assert levers["judges.count"].maximum == schema.get("maximum")
    assert levers["judges.count"].control == "input"  # a wide range: a number box
    assert levers["judges.count"].kind == "int"
    assert levers["judges.count"].value == 3
    assert levers["filings.per_year"].value == 1200


def test_a_lever_the_schema_lacks_is_not_shown():
    schema = Scenario.model_json_schema()
    slim = {
        **schema,
        "properties": {k: v for k, v in schema["properties"].items() if k != "judges"},
    }
    slim.pop("required", None)
    keys = [lv.key for lv in levers_for(make_scenario(), schema=slim)]
    assert "judges.count" not in keys
    assert "filings.per_year" in keys


def test_pilot_levers_appear_with_their_schema_bounds():
    assert "policies" in Scenario.model_json_schema()["properties"]
    levers = {lv.key: lv for lv in levers_for(make_scenario())}
    assert set(channel_types()) >= {"in_court", "out_of_court", "pre_court"}
    offer = levers["policies[in_court].p_offer"]
    assert (offer.minimum, offer.maximum, offer.control) == (0.0, 1.0, "slider")
    assert offer.channel == "in_court"
    assert "conciliation.judges_per_court" in levers
    assert [k for k in LEVER_KEYS if k in levers] == list(levers)


BARGAINING_LEVERS = {
    "litigants.optimism_mean",
    "bargaining.lawyer_fee_share_per_session",
    "bargaining.signal_sd",
    "bargaining.agreement_cost_share",
    "bargaining.facilitated_cost_factor",
}
#: The old settlement dials (issue 10 removes them from the schema).
DIALS = re.compile(
    r"settle_hazard|settlement_boost|willingness_boost|p_settle|propensity|trust_weight|optimism_gap"
)


def _loads(path) -> bool:
    try:
        load_scenario(path)
    except ScenarioError:  # a shipped file others are still moving off the dials
        return False
    return True


#: The bargaining scenarios: scenarios/bargaining/ before issue 10, every shipped one since
#: (those that validate; the dashboard skips the others too).
BARGAINING_SCENARIOS = sorted((SCENARIOS / "bargaining").glob("*.yaml")) or [
    p for p in sorted(SCENARIOS.glob("*.yaml")) if _loads(p)
]


@pytest.mark.parametrize("path", BARGAINING_SCENARIOS, ids=lambda p: p.stem)
def test_bargaining_scenarios_get_live_bargaining_levers_that_apply(path):
    sc = load_scenario(path)
    levers = {lv.key: lv for lv in levers_for(sc)}
    assert set(levers) >= BARGAINING_LEVERS | {"judges.count"}
    assert not any(DIALS.search(k) for k in levers)
    assert not any(lv.disabled for lv in levers.values())
    for key in BARGAINING_LEVERS:
        lv = levers[key]
        lo, hi = PLAUSIBLE[key]
        assert lv.control == "slider", key
        assert (lv.minimum, lv.maximum) == (min(lo, lv.value), max(hi, lv.value)), key
        assert lv.tooltip in TOOLTIPS.values(), key
    # every lever as offered applies; the upper end of each bargaining range reaches the scenario
    assert apply_levers(sc, {k: lv.value for k, lv in levers.items()}) == sc
    top = apply_levers(sc, {k: levers[k].maximum for k in BARGAINING_LEVERS})
    for key in BARGAINING_LEVERS:
        section, field = key.split(".")
        assert getattr(getattr(top, section), field) == levers[key].maximum, key


def _with_switch(schema: dict) -> dict:
    """The schema as it was before issue 10: bargaining behind ``bargaining.enabled``."""
    old = copy.deepcopy(schema)
    props = old["$defs"]["Bargaining"]["properties"]
    props.setdefault("enabled", {"type": "boolean", "default": False, "title": "Enabled"})
    return old


def test_no_settlement_dial_is_offered_and_a_switched_off_bargaining_greys_its_levers():
    assert not [k for k in LEVER_KEYS if DIALS.search(k)]
    levers = {lv.key: lv for lv in levers_for(make_scenario())}
    assert not any(DIALS.search(k) for k in levers)
    if "enabled" not in Scenario.model_json_schema()["$defs"]["Bargaining"]["properties"]:
        assert not any(lv.disabled for lv in levers.values())  # bargaining is the only model
    old = {
        lv.key: lv
        for lv in levers_for(make_scenario(), schema=_with_switch(Scenario.model_json_schema()))
    }
    assert all(old[k].disabled for k in BARGAINING_LEVERS if k.startswith("bargaining."))
    assert not old["litigants.optimism_mean"].disabled  # optimism acts in both models
    assert not old["judges.count"].disabled
    # an unchanged bargaining lever leaves the section out, so the run is the same run
    same = apply_levers(make_scenario(), {k: lv.value for k, lv in levers.items()})
    assert same.content_hash() == make_scenario().content_hash()


def _without_dials(schema: dict) -> dict:
    slim = copy.deepcopy(schema)
    for d in slim["$defs"].values():
        props = d.get("properties", {})
        for name in [n for n in props if DIALS.search(n)]:
            del props[name]
        if "required" in d:
            d["required"] = [n for n in d["required"] if not DIALS.search(n)]
    return slim


def test_levers_do_not_need_the_dial_fields():
    slim = _without_dials(Scenario.model_json_schema())
    assert "propensity_plaintiff" not in json.dumps(slim["$defs"]["Reconciliation"])
    sc = load_scenario(BARGAINING_SCENARIOS[0].parent / "combined.yaml")
    full = [lv.key for lv in levers_for(sc)]
    assert [lv.key for lv in levers_for(sc, schema=slim)] == full
    out = apply_levers(sc, {"bargaining.signal_sd": 0.8, "judges.count": 30}, schema=slim)
    assert (out.bargaining.signal_sd, out.judges.count) == (0.8, 30)


def test_skill_levers_only_where_there_are_such_providers():
    plain = {lv.key for lv in levers_for(make_scenario())}
    assert not {k for k in plain if k.endswith(".skill")}
    sc = make_scenario(
        conciliation={"judges_per_court": 1}, mediators={"professional": {"per_court": 2}}
    )
    levers = {lv.key: lv for lv in levers_for(sc)}
    assert {k for k in levers if k.endswith(".skill")} == {
        "conciliation.skill",
        "mediators.professional.skill",
    }
    assert (levers["conciliation.skill"].minimum, levers["conciliation.skill"].maximum) == (-1, 1)
    far = make_scenario(conciliation={"judges_per_court": 1, "skill": 2.5})
    assert {lv.key: lv for lv in levers_for(far)}["conciliation.skill"].maximum == 2.5


def test_apply_levers_validates_and_coerces():
    sc = make_scenario()
    out = apply_levers(sc, {"judges.count": 5.0, "filings.per_year": 2000})
    assert out.judges.count == 5
    assert isinstance(out.judges.count, int)
    assert out.filings.per_year == 2000.0
    with pytest.raises(ScenarioError, match="whole number"):
        apply_levers(sc, {"judges.count": 2.5})
    with pytest.raises(ScenarioError, match="not a number"):
        apply_levers(sc, {"judges.count": "many"})
    with pytest.raises(ScenarioError, match=r"judges\.count"):
        apply_levers(sc, {"judges.count": 0})


def test_channel_switches():
    sc = make_scenario(conciliation={"judges_per_court": 1})
    on = apply_levers(sc, {"policies[in_court].p_offer": 0.5}, channels=["in_court"])
    assert channels_on(on) == ["in_court"]
    assert on.policies[0].p_offer == 0.5
    off = apply_levers(on, {"policies[in_court].p_offer": 0.9}, channels=[])
    assert channels_on(off) == []
    # No conciliation judges with the channel on is legal: the channel is closed (level 0).
    closed = apply_levers(make_scenario(), {}, channels=["in_court"])
    assert channels_on(closed) == ["in_court"]
    assert closed.conciliation.judges_per_court == 0
