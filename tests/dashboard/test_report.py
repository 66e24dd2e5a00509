import re

import pytest

from courtsim.dashboard.folders import list_folders, load_folder
from courtsim.dashboard.report import render_html, write_report
from courtsim.errors import ResultsError


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
    assert "1 court with 3 civil judges receiving about 1,200 new claims a year" in text
    assert "One run with seed 1" in text
    assert "Clearance rate" in text


def test_comparison_report_has_the_sentences(results_root):
    text = render_html(load_folder(results_root / "experiments" / "compare1"))
    assert "Compared with baseline, more_judges lowers disposition time" in text


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
