"""The command line in Russian and Kazakh: KPI tables and sentences, and a bad --lang."""

from __future__ import annotations

import re

import pytest

from courtsim.cli import main
from courtsim.result import scenario_to_yaml
from tests.conftest import make_scenario


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(scenario_to_yaml(make_scenario(name="small")), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "label", "unit"),
    [("ru", "Коэффициент рассмотрения дел", "дн."), ("kk", "Істерді қарау коэффициенті", "күн")],
)
def test_run_prints_the_kpi_table_in_the_language(small, capsys, lang, label, unit):
    assert main(["run", str(small), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert label in out
    line = next(x for x in out.splitlines() if x.strip().startswith(label))
    assert re.search(r"\d+,\d %$", line.rstrip()), line  # a decimal comma
    assert f" {unit}" in out
    assert "Clearance rate" not in out


def test_run_in_english_by_default_and_a_bad_language_is_refused(small, capsys):
    assert main(["run", str(small)]) == 0
    assert "Clearance rate" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["run", str(small), "--lang", "fr"])
    assert exc.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
