import enum
import re
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, PositiveInt

from courtsim import load_scenario
from courtsim.schema.court import Section
from courtsim.schema.distributions import Constant, Dist
from courtsim.schema.docs import main, render, render_sections, type_name, unit_for, walk
from courtsim.schema.scenario import Scenario
from tests.conftest import ROOT, SCENARIOS

DOC = ROOT / "docs" / "scenarios.md"


def test_docs_scenarios_md_is_up_to_date():
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert current == render(), (
        "docs/scenarios.md is stale: run `python -m courtsim.schema.docs` and commit it"
    )


def _leaf_paths(data: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the values in plain scenario data; distribution specs are leaves."""
    if isinstance(data, dict) and "dist" not in data and data:
        return [p for k, v in data.items() for p in _leaf_paths(v, f"{prefix}{k}.")]
    return [prefix.rstrip(".")]


def test_every_key_of_the_baseline_scenario_is_documented():
    documented = [k.path for s in walk(Scenario) for k in s.keys]
    # A key documented as a mapping (bargaining.evaluation_sd) documents its entries too.
    patterns = [
        re.compile(re.escape(p).replace(re.escape("<name>"), r"[^.]+") + r"(\.[^.]+)?")
        for p in documented
    ]
    data = load_scenario(SCENARIOS / "baseline.yaml").as_dict()
    missing = [p for p in _leaf_paths(data) if not any(r.fullmatch(p) for r in patterns)]
    assert not missing


def test_check_flag_reports_a_missing_or_stale_file(tmp_path, capsys):
    out = tmp_path / "scenarios.md"
    assert main(["--check", "--output", str(out)]) == 1
    assert main(["--output", str(out)]) == 0
    assert main(["--check", "--output", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert main(["--check", "--output", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "tp", "unit"),
    [
        ("acceptance_working_days", Dist, "working days"),
        ("time_limit_days", int, "calendar days"),
        ("withdraw_hazard_per_month", float, "per month"),
        ("hours_per_day", float, "hours per day"),
        ("delay_cost_share_per_month", Dist, "share per month"),
        ("claim_value_kzt", Dist, "KZT (tenge)"),
        ("weekend_days", tuple[int, ...], "weekday numbers (Monday = 0)"),
        ("p_returned", float, "probability"),
        ("start_day", int, "day of the run (day 1 = `start_date`)"),
        ("discipline", Literal["fifo", "deadline"], ""),
        ("name", str, ""),
    ],
)
def test_units_come_from_the_names(name, tp, unit):
    assert unit_for(name, tp) == unit


def test_unit_in_the_field_overrides_the_name():
    class M(BaseModel):
        load: float = Field(default=1.0, json_schema_extra={"unit": "cases per judge"})

    assert unit_for("load", float, M.model_fields["load"]) == "cases per judge"


# Shapes the schema is about to gain (conciliation judges, mediators, a policies list as
# a discriminated union): they must render without changes to the renderer.
class Kind(enum.Enum):
    RETIRED = "retired_judge"
    PROFESSIONAL = "professional"


class Mediators(Section):
    """Mediators of one kind."""

    per_judge: float = Field(default=0.2, ge=0, description="Mediators per judge (assumption).")
    kind: Kind = Kind.PROFESSIONAL
    dur_mediation_days: Dist | None = Field(default=Constant(dist="constant", value=10))


class ConciliationJudges(Section):
    """Judges who conciliate at claim acceptance."""

    count: PositiveInt = 1
    weights: tuple[Annotated[float, Field(ge=0)], ...] = (1.0,)


class InCourt(Section):
    """Conciliation at claim acceptance."""

    type: Literal["in_court_conciliation"]
    start_day: int = Field(default=0, ge=0, description="First day the policy applies.")


class Mediation(Section):
    """Referral to a mediator."""

    type: Literal["mediation"]
    mediators: dict[str, Mediators] = Field(default_factory=dict)


Policy = Annotated[InCourt | Mediation, Field(discriminator="type")]


class Future(Section):
    """A scenario with the coming sections."""

    conciliation_judges: ConciliationJudges | None = None
    policies: tuple[Policy, ...] = ()
    pair: tuple[int, float] = (1, 2.0)


def test_renderer_is_generic_over_new_sections():
    text = "\n".join(render_sections(walk(Future)))
    for expected in (
        "| `conciliation_judges` | section, or null | — | `null` |",
        "| `conciliation_judges.count` | integer | count | `1` | > 0 |",
        "| `conciliation_judges.weights` | list of number (≥ 0) |",
        "### `policies.<i>` with `type: in_court_conciliation`",
        "### `policies.<i>` with `type: mediation`",
        "| `policies.<i>.type` | `mediation` | — | required |",
        "| `policies.<i>.start_day` | integer | day of the run (day 1 = `start_date`) | `0` | ≥ 0 |",
        "### `policies.<i>.mediators.<name>`",
        "| `policies.<i>.mediators.<name>.kind` | one of `retired_judge`, `professional` |",
        "| `policies.<i>.mediators.<name>.dur_mediation_days` | distribution, or null | "
        "calendar days | `{dist: constant, value: 10}` |",
        "| `pair` | list [integer, number] |",
    ):
        assert expected in text


def test_type_names():
    assert type_name(Dist) == "distribution"
    assert type_name(tuple[float, ...] | None) == "list of number, or null"
    assert type_name(dict[str, float]) == "mapping of name to number"
    assert type_name(int | str) == "integer or text"
