"""Export for slides: the briefing as PDF (page count and text checked), figures as PNG/SVG."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from courtsim.cli import main
from courtsim.dashboard.export import export_figures, export_pdf
from courtsim.dashboard.folders import load_folder
from courtsim.dashboard.report import figures_for
from courtsim.errors import CourtsimError
from tests.dashboard.browser import needs_browser

pytestmark = [needs_browser, pytest.mark.slow]


def _text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


@pytest.mark.parametrize(
    ("lang", "heading", "sentence"),
    [
        ("en", "What the pilots change", "lowers the disposition time"),
        ("ru", "Что меняют пилоты", "снижает расчётный срок"),
    ],
)
def test_pdf_briefing_has_pages_and_its_words(results_root, tmp_path, lang, heading, sentence):
    pdf = export_pdf(results_root / "experiments" / "compare1", tmp_path / "b.pdf", lang=lang)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3  # summary, sentences, five figures, tables
    text = " ".join(_text(pdf).split())
    assert heading in text
    assert sentence in text
    # the figures are drawn before printing: their titles are in the PDF as text
    title = {"en": "Change against the baseline", "ru": "Изменение относительно базового"}
    assert title[lang] in text


def test_every_figure_as_png_and_svg(results_root, tmp_path):
    folder = results_root / "experiments" / "compare1"
    n = len(figures_for(load_folder(folder)))
    pngs = export_figures(folder, tmp_path / "png", fmt="png", scale=1)
    assert len(pngs) == n == 5
    assert pngs[0].name == "01_change_against_the_baseline.png"
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    svgs = export_figures(folder, tmp_path / "svg", fmt="svg", lang="kk")
    assert len(svgs) == n
    assert "<svg" in svgs[0].read_text(encoding="utf-8")[:500]
    assert "Базалық сценариймен" in svgs[0].read_text(encoding="utf-8")


def test_report_command_exports_and_refuses_bad_requests(
    results_root, tmp_path, capsys, monkeypatch
):
    run = str(results_root / "run1")
    assert main(["report", run, "--pdf", str(tmp_path / "r.pdf"), "--lang", "kk"]) == 0
    assert len(PdfReader(tmp_path / "r.pdf").pages) >= 2
    assert main(["report", run]) == 2
    assert "say what to write" in capsys.readouterr().err
    with pytest.raises(CourtsimError, match="unknown image format 'gif'"):
        export_figures(run, tmp_path / "x", fmt="gif")
    monkeypatch.setenv("COURTSIM_CHROMIUM", str(tmp_path / "no-browser"))
    assert main(["report", run, "--pdf", str(tmp_path / "n.pdf")]) == 2
    assert "cannot start the browser" in capsys.readouterr().err
    assert not (tmp_path / "n.pdf").exists()
