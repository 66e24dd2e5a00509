"""Scenario labels in several languages: named in English in tables, shown in the reader's."""

from __future__ import annotations

import pandas as pd
import pytest

from courtsim.cli import main
from courtsim.dashboard.folders import load_folder
from courtsim.dashboard.report import figures_for, render_html
from courtsim.experiment.spec import ExperimentError, load_experiment
from courtsim.i18n import language

LABEL = {"en": "More judges", "ru": "Больше судей", "kk": "Судьялар көбірек"}


@pytest.fixture
def compare_file(scenario_file, experiment_file):
    def write(label):
        base = scenario_file("base")
        more = scenario_file("more", judges={"count": 6})
        return experiment_file(
            {
                "kind": "compare",
                "name": "labels",
                "baseline": base.name,
                "scenarios": [{"file": more.name, "label": label}],
                "replications": 2,
                "kpis": ["pending_end", "disposition_time_days"],
            }
        )

    return write


def test_a_label_per_language_is_shown_in_each_language(compare_file, tmp_path):
    out = tmp_path / "out"
    exp = compare_file(LABEL)
    assert main(["compare", str(exp), "--workers", "1", "--no-progress", "--out", str(out)]) == 0
    table = pd.read_parquet(out / "comparison.parquet")
    assert set(table["scenario"]) == {"More judges"}  # files name it in English
    bundle = load_folder(out)
    assert bundle.manifest["scenarios"][1]["labels"] == LABEL
    for lang in ("en", "ru", "kk"):
        text = render_html(bundle, lang=lang)
        assert f"<h3>{LABEL[lang]}</h3>" in text
        with language(lang):
            names = {t.name for f in figures_for(bundle) for t in f.data}
        assert LABEL[lang] in names
        others = [v for k, v in LABEL.items() if k != lang]
        assert not any(f"<h3>{o}</h3>" in text for o in others)
    ru = render_html(bundle, lang="ru")
    assert "<li>Больше судей снижает" in ru  # the label is the sentence's subject


def test_a_label_in_several_languages_needs_an_english_one(compare_file):
    with pytest.raises(ExperimentError, match="needs an English one"):
        load_experiment(compare_file({"ru": "Больше судей"}))
    with pytest.raises(ExperimentError, match=r"scenarios\.0\.label"):
        load_experiment(compare_file({"en": "x", "de": "y"}))
