"""Scenario files (courtsim.schema.scenario): extends chains, overrides, strict validation, hashing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from courtsim import Scenario, ScenarioError, load_scenario
from courtsim.result import scenario_to_yaml
from courtsim.schema.scenario import deep_merge, validate_scenario
from tests.conftest import ROOT, SCENARIOS, TINY, make_scenario

SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))

MINIMAL = """\
case_types:
  general:
    share: 1.0
    effort_hours: {dist: lognormal, median: 2.0, sigma: 0.5}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ----------------------------------------------------------------- extends


def test_extends_chain_merges_three_generations(tmp_path):
    write(
        tmp_path / "base" / "grand.yaml",
        MINIMAL
        + """\
name: grand
horizon_days: 100
judges: {count: 10, hours_per_day: 5.0}
filings: {per_year: 1000}
""",
    )
    write(
        tmp_path / "base" / "parent.yaml",
        """\
extends: grand.yaml
name: parent
judges: {count: 20}
""",
    )
    child = write(
        tmp_path / "child.yaml",
        """\
extends: base/parent.yaml
name: child
filings: {per_year: 3000}
case_types:
  general:
    effort_hours: {dist: constant, value: 3.0}
""",
    )
    sc = load_scenario(child)
    assert sc.name == "child"
    assert sc.horizon_days == 100  # from the grandparent
    assert sc.judges.count == 20  # from the parent
    assert sc.judges.hours_per_day == 5.0  # merged key by key with the grandparent
    assert sc.filings.per_year == 3000.0
    # A distribution is replaced whole: no 'median' or 'sigma' left over from the parent.
    eff = sc.case_types["general"].effort_hours
    assert eff.dist == "constant"
    assert eff.value == 3.0
    assert sc.case_types["general"].share == 1.0


def test_extends_paths_are_relative_to_the_extending_file(tmp_path, monkeypatch):
    write(tmp_path / "a" / "parent.yaml", MINIMAL + "name: parent\n")
    write(tmp_path / "a" / "child.yaml", "extends: parent.yaml\nname: child\n")
    monkeypatch.chdir(tmp_path)  # not the file's folder
    assert load_scenario(Path("a") / "child.yaml").name == "child"


def test_replace_directive_replaces_a_mapping_whole(tmp_path):
    write(
        tmp_path / "parent.yaml",
        MINIMAL
        + """\
judges: {count: 4}
courts:
  north: {judge_share: 0.5, filing_share: 0.5}
  south: {judge_share: 0.5, filing_share: 0.5}
""",
    )
    child = write(
        tmp_path / "child.yaml",
        """\
extends: parent.yaml
courts:
  _replace: true
  only: {judge_share: 1.0, filing_share: 1.0}
""",
    )
    assert list(load_scenario(child).courts) == ["only"]


def test_extends_cycle_is_detected(tmp_path):
    write(tmp_path / "a.yaml", "extends: b.yaml\n" + MINIMAL)
    write(tmp_path / "b.yaml", "extends: c.yaml\n")
    write(tmp_path / "c.yaml", "extends: a.yaml\n")
    with pytest.raises(
        ScenarioError, match=r"cycle: .*a\.yaml -> .*b\.yaml -> .*c\.yaml -> .*a\.yaml"
    ) as exc:
        load_scenario(tmp_path / "a.yaml")
    assert exc.value.field == "extends"


def test_a_file_extending_itself_is_a_cycle(tmp_path):
    write(tmp_path / "self.yaml", "extends: self.yaml\n" + MINIMAL)
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "self.yaml")


def test_missing_parent_names_both_files(tmp_path):
    child = write(tmp_path / "child.yaml", "extends: nowhere.yaml\n" + MINIMAL)
    with pytest.raises(ScenarioError, match=r"file not found \(extended by .*child\.yaml\)") as exc:
        load_scenario(child)
    assert "nowhere.yaml" in exc.value.source


def test_extends_must_be_a_path(tmp_path):
    f = write(tmp_path / "s.yaml", "extends: [a.yaml, b.yaml]\n" + MINIMAL)
    with pytest.raises(ScenarioError, match="'extends' must be a file path"):
        load_scenario(f)


# ----------------------------------------------------------------- file-level errors


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found") as exc:
        load_scenario(tmp_path / "absent.yaml")
    assert exc.value.source.endswith("absent.yaml")


def test_invalid_yaml_reports_the_line(tmp_path):
    f = write(tmp_path / "bad.yaml", MINIMAL + "judges: {count: 3\nname: x\n")
    with pytest.raises(ScenarioError, match=r"not valid YAML at line \d+, column \d+"):
        load_scenario(f)


def test_yaml_that_is_not_a_mapping(tmp_path):
    f = write(tmp_path / "list.yaml", "- a\n- b\n")
    with pytest.raises(ScenarioError, match="must hold a mapping of keys, not a list"):
        load_scenario(f)


def test_not_utf8(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not a UTF-8 text file"):
        load_scenario(f)


def test_empty_file_lacks_case_types(tmp_path):
    f = write(tmp_path / "empty.yaml", "")
    with pytest.raises(ScenarioError, match="case_types") as exc:
        load_scenario(f)
    assert "case_types" in exc.value.field


# ----------------------------------------------------------------- validation


def test_unknown_key_is_an_error_naming_the_field(tmp_path):
    f = write(tmp_path / "typo.yaml", MINIMAL + "judges: {cuont: 3}\n")
    with pytest.raises(ScenarioError, match="unknown key") as exc:
        load_scenario(f)
    assert exc.value.field == "judges.cuont"
    assert str(f) in str(exc.value)


def test_unknown_top_level_key(tmp_path):
    f = write(tmp_path / "typo.yaml", MINIMAL + "horizon: 30\n")
    with pytest.raises(ScenarioError, match="unknown key") as exc:
        load_scenario(f)
    assert exc.value.field == "horizon"


def test_case_type_shares_must_sum_to_one():
    with pytest.raises(
        ScenarioError, match=r"case_types\.\*\.share must sum to 1, but they sum to 0\.9"
    ):
        make_scenario(case_types={"general": {"share": 0.6}})


def test_court_shares_must_sum_to_one():
    courts = {
        "a": {"judge_share": 0.5, "filing_share": 0.5},
        "b": {"judge_share": 0.4, "filing_share": 0.5},
    }
    with pytest.raises(ScenarioError, match=r"courts\.\*\.judge_share must sum to 1"):
        make_scenario(courts=courts)


def test_shares_within_rounding_are_accepted():
    sc = make_scenario(
        case_types={"general": {"share": 0.7000001}, "alimony": {"share": 0.2999999}}
    )
    assert sc.case_types["general"].share == 0.7000001


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        ("name: no\n", "name"),  # YAML 1.1: a bare `no` is False, not the string "no"
        ("judges: {discipline: no}\n", "judges.discipline"),
        ("judges: {count: '25'}\n", "judges.count"),  # a string is not an int
        ("judges: {count: 2.5}\n", "judges.count"),
        ("horizon_days: true\n", "horizon_days"),  # a bool is not an int
        ("filings: {per_year: '1000'}\n", "filings.per_year"),
        ("judges: {count: -3}\n", "judges.count"),
        ("filings: {per_year: -1.0}\n", "filings.per_year"),
        ("horizon_days: 0\n", "horizon_days"),
        ("filings: {per_year: .inf}\n", "filings.per_year"),  # passes ge=0, breaks the run
        ("filings: {per_year: .nan}\n", "filings.per_year"),
        ("judges: {hours_per_day: .inf}\n", "judges.hours_per_day"),
    ],
)
def test_strict_types(tmp_path, yaml_text, field):
    f = write(tmp_path / "s.yaml", MINIMAL + yaml_text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    assert field in exc.value.field.split(", ")
    assert "Traceback" not in str(exc.value)


def test_integers_are_accepted_for_float_fields(tmp_path):
    f = write(tmp_path / "s.yaml", MINIMAL + "filings: {per_year: 1000}\n")
    sc = load_scenario(f)
    assert sc.filings.per_year == 1000.0
    assert isinstance(sc.filings.per_year, float | int)


def test_cross_field_rules():
    with pytest.raises(ScenarioError, match=r"warmup_days \(60\) must be shorter"):
        make_scenario(reporting={"warmup_days": 60})
    courts = {f"c{i}": {"judge_share": 0.25, "filing_share": 0.25} for i in range(4)}
    with pytest.raises(ScenarioError, match="smaller than the number of courts"):
        make_scenario(courts=courts, judges={"count": 3})


def test_scenarios_are_immutable(tiny_scenario):
    with pytest.raises(Exception, match="frozen"):
        tiny_scenario.horizon_days = 10


# ----------------------------------------------------------------- overrides


def test_dotted_overrides_replace_values_and_revalidate(tiny_scenario):
    sc = tiny_scenario.with_overrides(
        {"judges.count": 50, "case_types.general.p_returned": 0.3, "filings.per_year": 99.5}
    )
    assert sc.judges.count == 50
    assert sc.case_types["general"].p_returned == 0.3
    assert sc.filings.per_year == 99.5
    assert tiny_scenario.judges.count == 3  # the original is unchanged
    # Values from YAML text (as `--set` gives them) go through the same strict checks.
    with pytest.raises(ScenarioError) as exc:
        tiny_scenario.with_overrides({"judges.count": "abc"}, source="cli")
    assert exc.value.field == "judges.count"
    assert exc.value.source == "cli"


def test_override_may_add_a_case_type_or_court(tiny_scenario):
    sc = tiny_scenario.with_overrides(
        {
            "case_types.general.share": 0.5,
            "case_types.labour": {"share": 0.2, "effort_hours": {"dist": "constant", "value": 1.0}},
        }
    )
    assert list(sc.case_types) == ["general", "alimony", "labour"]


@pytest.mark.parametrize(
    ("key", "match"),
    [
        ("judges.cuont", "there is no key 'judges.cuont'"),
        ("judge.count", "there is no key 'judge'"),
        ("horizon_days.value", "'horizon_days' is not a section"),
        ("calendar.weekend_days.0", "override whole lists"),
        ("nonsense", "there is no key 'nonsense'"),
    ],
)
def test_bad_override_keys(tiny_scenario, key, match):
    with pytest.raises(ScenarioError, match=match) as exc:
        tiny_scenario.with_overrides({key: 1}, source="--set")
    assert exc.value.field == key


def test_override_that_breaks_a_rule_is_rejected(tiny_scenario):
    with pytest.raises(ScenarioError, match="must sum to 1"):
        tiny_scenario.with_overrides({"case_types.general.share": 0.9})


# ----------------------------------------------------------------- hashing


def test_hash_is_stable_and_sensitive(tmp_path):
    a = make_scenario()
    b = make_scenario()
    assert a.content_hash() == b.content_hash()
    assert len(a.content_hash()) == 64
    assert a.with_overrides({"judges.count": 3}).content_hash() == a.content_hash()
    assert a.with_overrides({"judges.count": 4}).content_hash() != a.content_hash()
    assert a.with_overrides({"filings.per_year": 1200.5}).content_hash() != a.content_hash()


def test_hash_ignores_key_order_and_layout(tmp_path):
    data = yaml.safe_load(MINIMAL)
    f1 = write(tmp_path / "one.yaml", MINIMAL + "judges: {count: 7, hours_per_day: 5.0}\nname: x\n")
    f2 = tmp_path / "two.yaml"
    f2.write_text(
        "# comments and order do not matter\nname: x\njudges:\n  hours_per_day: 5.0\n  count: 7\n"
        + yaml.safe_dump(data),
        encoding="utf-8",
    )
    assert load_scenario(f1).content_hash() == load_scenario(f2).content_hash()


def test_hash_is_the_same_in_another_process():
    # sha256 of canonical JSON: must not depend on PYTHONHASHSEED or the process.
    code = (
        "from courtsim import load_scenario;"
        f"print(load_scenario(r'{SCENARIOS / 'baseline.yaml'}').content_hash())"
    )
    outs = set()
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        outs.add(out.stdout.strip())
    assert outs == {load_scenario(SCENARIOS / "baseline.yaml").content_hash()}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_shipped_scenarios_round_trip_through_yaml(tmp_path, path):
    sc = load_scenario(path)
    f = tmp_path / "again.yaml"
    f.write_text(scenario_to_yaml(sc), encoding="utf-8")
    again = load_scenario(f)
    assert again == sc
    assert again.content_hash() == sc.content_hash()


def test_validate_scenario_rejects_non_mapping():
    with pytest.raises(ScenarioError, match="must be a mapping"):
        validate_scenario([1, 2], source="x")


def test_deep_merge_does_not_mutate_its_inputs():
    base = {"a": {"b": 1, "c": {"d": 2}}}
    over = {"a": {"c": {"e": 3}}}
    out = deep_merge(base, over)
    assert out == {"a": {"b": 1, "c": {"d": 2, "e": 3}}}
    assert base == {"a": {"b": 1, "c": {"d": 2}}}
    assert over == {"a": {"c": {"e": 3}}}


# ----------------------------------------------------------------- judges per court


def _courts(shares):
    return {f"c{i}": {"judge_share": s, "filing_share": s} for i, s in enumerate(shares)}


@pytest.mark.parametrize(
    ("shares", "count", "expected"),
    [
        ((0.5, 0.3, 0.2), 10, [5, 3, 2]),
        ((0.5, 0.3, 0.2), 7, [4, 2, 1]),  # 3.5, 2.1, 1.4: remainders .5 > .4 > .1
        ((0.98, 0.01, 0.01), 5, [3, 1, 1]),  # every court gets a judge
        ((0.25, 0.25, 0.25, 0.25), 4, [1, 1, 1, 1]),
        ((1 / 3, 1 / 3, 1 / 3), 10, [4, 3, 3]),  # ties: first listed first
    ],
)
def test_judges_per_court_largest_remainder(shares, count, expected):
    sc = make_scenario(courts=_courts(shares), judges={"count": count})
    assert list(sc.judges_per_court().values()) == expected


@st.composite
def court_shares(draw):
    k = draw(st.integers(1, 8))
    w = draw(st.lists(st.integers(1, 1000), min_size=k, max_size=k))
    shares = [x / sum(w) for x in w]
    shares[-1] = 1.0 - sum(shares[:-1])
    count = draw(st.integers(k, 300))
    return shares, count


@given(court_shares())
def test_judges_per_court_properties(case):
    shares, count = case
    sc = make_scenario(courts=_courts(shares), judges={"count": count})
    n = list(sc.judges_per_court().values())
    assert sum(n) == count
    assert min(n) >= 1
    quotas = [s * count for s in shares]
    if min(quotas) >= 1:
        # Largest remainder stays within one judge of each court's exact quota.
        assert all(abs(k - q) < 1 for k, q in zip(n, quotas, strict=True))


def test_every_shipped_scenario_is_valid():
    assert len(SHIPPED) >= 2
    for p in SHIPPED:
        assert isinstance(load_scenario(p), Scenario)


def test_tiny_fixture_data_is_not_shared_state():
    make_scenario(judges={"count": 9})
    assert TINY["judges"] == {"count": 3}


@pytest.mark.parametrize(
    "dist",
    [
        {"dist": "exponential", "mean": float("inf")},
        {"dist": "constant", "value": float("inf")},
        {"dist": "lognormal", "median": float("inf"), "sigma": 0.5},
        {"dist": "uniform", "low": 0.0, "high": float("inf")},
    ],
)
def test_infinite_distribution_parameters_are_rejected(dist):
    # A judge would never finish an infinite effort: reject it at loading, not at run time.
    with pytest.raises(ScenarioError, match="finite number") as exc:
        make_scenario(case_types={"general": {"effort_hours": dist}})
    assert exc.value.field.startswith("case_types.general.effort_hours")
