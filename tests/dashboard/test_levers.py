import pytest

from courtsim.dashboard.levers import (
    LEVER_KEYS,
    apply_levers,
    channel_types,
    channels_on,
    levers_for,
)
from courtsim.errors import ScenarioError
from courtsim.scenario import Scenario
from tests.conftest import make_scenario


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


def test_bargaining_scenarios_offer_no_lever_they_would_refuse():
    from courtsim import load_scenario
    from courtsim.dashboard.levers import REPLACED_BY_BARGAINING
    from tests.conftest import SCENARIOS

    sc = load_scenario(SCENARIOS / "bargaining" / "combined.yaml")
    keys = {lv.key for lv in levers_for(sc)}
    assert not keys & REPLACED_BY_BARGAINING
    assert "judges.count" in keys
    # The hazard scenarios keep them, and every lever shown can be applied as offered.
    assert {lv.key for lv in levers_for(make_scenario())} >= REPLACED_BY_BARGAINING
    changed = apply_levers(sc, {lv.key: lv.value for lv in levers_for(sc)})
    assert changed.bargaining.enabled


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
