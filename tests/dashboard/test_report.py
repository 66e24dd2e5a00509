import re

import pytest
from plotly.offline import get_plotlyjs

from courtsim.dashboard.folders import list_folders, load_folder
from courtsim.dashboard.report import render_html, write_report
from courtsim.errors import ResultsError
from courtsim.results_folder import REPORT_MARKER


def _plots(text: str) -> int:
    return len(re.findall(r"Plotly\.newPlot\(", text))


def test_lists_every_results_folder_with_its_kind(results_root):
    assert list_folders(results_root) == [
        ("experiments/compare1", "compare"),
        ("experiments/sweep1", "sweep"),
        ("replicate1", "replicate"),
        ("run1", "run"),
        ("sens1", "sensitivity"),
    ]


@pytest.mark.parametrize(
    ("folder", "heading", "n_figures"),
    [
        ("run1", "Key performance indicators", 5),
        ("replicate1", "Key performance indicators", 4),
        ("experiments/compare1", "What the pilots change", 5),
        ("experiments/sweep1", "Results by factor", 2),
        ("sens1", "Sensitivity indices", 2),
    ],
)
def test_report_of_each_kind_is_self_contained(results_root, tmp_path, folder, heading, n_figures):
    out = write_report(results_root / folder, tmp_path / "r.html")
    text = out.read_text(encoding="utf-8")
    assert heading in text
    assert _plots(text) == n_figures
    # plotly.js is embedded, no script or stylesheet is fetched from the network
    assert "Plotly" in text[:5_000_000]
    assert len(text) > 3_000_000
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=['\"]?https?:", text)
    assert "Provenance" in text
    assert "manifest.json" in text
    assert text.rstrip().endswith("</html>")


def test_run_report_describes_the_scenario_in_plain_language(results_root):
    text = render_html(load_folder(results_root / "run1"))
    assert "Courts: 1, civil judges: 3, about 1,200 new claims a year" in text
    assert "One run with seed 1" in text
    assert "Clearance rate" in text


def test_comparison_report_has_the_sentences(results_root):
    text = render_html(load_folder(results_root / "experiments" / "compare1"))
    assert "<h3>more_judges</h3>" in text
    assert "Scenario &#39;more_judges&#39; lowers the disposition time (CEPEJ)" in text


def test_report_of_live_replications_names_the_pilot_and_its_differences(tiny_reps, tmp_path):
    text = write_report(tiny_reps, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "more_judges compared with baseline" in text
    assert "judges.count: 3 -&gt; 6" in text
    assert "3 replications per scenario with master seed 5" in text


def test_report_refuses_what_it_cannot_read(tmp_path, results_root):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResultsError, match=r"manifest\.json is missing"):
        write_report(tmp_path / "empty", tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()
    with pytest.raises(ResultsError, match="is a folder"):
        write_report(results_root / "run1", tmp_path)
    with pytest.raises(ResultsError, match="cannot make a report from a int"):
        write_report(3, tmp_path / "y.html")


@pytest.mark.slow
def test_report_of_the_experiments_packages_results(tmp_path, scenarios_dir):
    from courtsim.experiment import compare, replicate

    base, pilot = scenarios_dir / "baseline.yaml", scenarios_dir / "more_judges.yaml"
    cmp = compare(base, [pilot], reps=2, seed=3, workers=1)
    text = write_report(cmp, tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert "more_judges compared with baseline" in text
    assert "Scenario &#39;more_judges&#39;" in text
    # the scenario files are unchanged since the run: the report describes them
    assert "Courts: 1, civil judges: 3" in text
    assert "judges.count: 3 -&gt; 6" in text
    cmp.save(tmp_path / "saved")
    again = write_report(tmp_path / "saved", tmp_path / "saved.html").read_text(encoding="utf-8")
    assert _plots(again) == _plots(text)
    rep = replicate(pilot, reps=2, seed=3, workers=1)
    text = write_report(rep, tmp_path / "rep.html").read_text(encoding="utf-8")
    assert "2 replications per scenario with master seed 3" in text
    assert _plots(text) == 4


def test_a_changed_scenario_file_is_not_described(tmp_path, results_root):
    import json
    import shutil

    folder = tmp_path / "cmp"
    shutil.copytree(results_root / "experiments" / "compare1", folder)
    scen = tmp_path / "s.yaml"
    scen.write_text((results_root / "run1" / "scenario.yaml").read_text())
    m = json.loads((folder / "manifest.json").read_text())
    m["scenarios"] = [
        {"label": "baseline", "file": str(scen), "hash": "not-the-hash"},
        {"label": "more_judges", "file": "", "hash": "x"},
    ]
    (folder / "manifest.json").write_text(json.dumps(m))
    text = write_report(folder, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Baseline: baseline" in text
    assert "civil judges receiving" not in text


@pytest.mark.parametrize(
    ("lang", "heading", "kpi", "sentence"),
    [
        ("en", "What the pilots change", "Clearance rate", "lowers the disposition time"),
        ("ru", "Что меняют пилоты", "Коэффициент рассмотрения дел", "расчётный срок рассмотрения"),
        ("kk", "Пилоттар нені өзгертеді", "Істерді қарау коэффициенті", "қараудың есептік мерзімі"),
    ],
)
def test_report_in_each_language_is_offline_with_a_matching_lang(
    results_root, tmp_path, lang, heading, kpi, sentence
):
    out = write_report(results_root / "experiments" / "compare1", tmp_path / "r.html", lang=lang)
    text = out.read_text(encoding="utf-8")
    # The report marker (any language: an earlier report may be replaced), then the page.
    assert text.startswith(f'{REPORT_MARKER}\n<html lang="{lang}">')
    assert heading in text
    assert kpi in text
    assert sentence in text
    assert not re.search(r"<script[^>]+src=", text)
    assert '<script type="text/javascript">' + get_plotlyjs()[:300] in text  # not escaped
    assert _plots(text) == 5
    if lang != "en":  # the words a reader sees are not English
        for english in ("What the pilots change", "Key performance indicators", "Provenance"):
            assert english not in text


def test_report_language_cli_and_bad_language(results_root, tmp_path, capsys):
    from courtsim.cli import main

    out = tmp_path / "ru.html"
    assert main(["report", str(results_root / "run1"), "--html", str(out), "--lang", "ru"]) == 0
    assert '<html lang="ru">' in out.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["report", str(results_root / "run1"), "--html", str(out), "--lang", "de"])
    assert exc.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
