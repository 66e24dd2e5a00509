"""Measure the dashboard's language switch and the HTML report of a comparison, per language.

Not a test (timings depend on the machine and its load); run it by hand:

    .venv/bin/python -m tests.dashboard.perf_language [--switches 6] [--screenshots docs/img]

(1) report: a small comparison (baseline, in-court and combined pilots, 3 replicates,
200 days) is saved to a temporary folder, then ``write_report`` of that folder is timed
in English, Russian and Kazakh (the folder is read each time, as ``courtsim report``
does). (2) language switch: the dashboard runs the explorer once (10 replications of the
baseline) in headless Chromium, then the language is switched en -> ru -> kk -> en ...;
each switch is timed from the click until the KPI cards show the new language's label
of the clearance rate and every chart has been drawn again. With ``--screenshots DIR``
the page is saved in Russian and in Kazakh (``dashboard_ru.png``, ``dashboard_kk.png``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import courtsim
from courtsim.dashboard.app import create_app
from courtsim.dashboard.report import write_report
from tests.dashboard.browser import chromium, serve

LABELS = {
    "en": "Clearance rate",
    "ru": "Коэффициент рассмотрения дел",
    "kk": "Істерді қарау коэффициенті",
}
_CARDS = "return Array.from(document.querySelectorAll('.card-label')).map(e => e.textContent);"
_TITLE = "const t = document.querySelector('#ex-pending .gtitle'); return t ? t.textContent : '';"
_PENDING_TITLE = {"en": "Pending cases over time", "ru": "Дела в производстве: динамика",
                  "kk": "Іс жүргізудегі істер: динамикасы"}  # fmt: skip


def report_times(tmp: Path) -> dict[str, float]:
    cmp = courtsim.compare(
        "scenarios/baseline.yaml",
        ["scenarios/in_court.yaml", "scenarios/combined.yaml"],
        reps=3,
        seed=1,
        progress=False,
    )
    folder = cmp.save(tmp / "compare")
    out = {}
    for lang in LABELS:
        t0 = time.perf_counter()
        write_report(folder, tmp / f"report_{lang}.html", lang=lang)
        out[lang] = time.perf_counter() - t0
    return out


def switch_times(
    url: str, tmp: Path, switches: int, shots: Path | None
) -> tuple[list[float], list[float]]:
    times: list[float] = []
    cards: list[float] = []
    with chromium(tmp / "browser", size="1400,1800") as d:
        d.get(url)
        wait = WebDriverWait(d, 60, poll_frequency=0.01)
        wait.until(lambda d: d.execute_script("return !!document.getElementById('ex-run')"))
        reps = d.find_element(By.ID, "ex-reps")
        reps.clear()
        reps.send_keys("10", "\t")
        d.find_element(By.ID, "ex-run").click()
        wait.until(lambda d: LABELS["en"] in d.execute_script(_CARDS))
        wait.until(lambda d: not d.find_element(By.ID, "ex-run").get_attribute("disabled"))
        order = ["ru", "kk", "en"]
        for i in range(switches):
            lang = order[i % 3]
            t0 = time.perf_counter()
            d.find_element(By.CSS_SELECTOR, f"#lang input[value='{lang}']").click()
            wait.until(lambda d, lang=lang: LABELS[lang] in d.execute_script(_CARDS))
            cards.append(time.perf_counter() - t0)
            wait.until(lambda d, lang=lang: d.execute_script(_TITLE) == _PENDING_TITLE[lang])
            times.append(time.perf_counter() - t0)
            if shots is not None and i < 2:
                time.sleep(0.5)  # let plotly finish its transitions before the picture
                d.save_screenshot(str(shots / f"dashboard_{lang}.png"))
    return cards, times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--switches", type=int, default=6)
    ap.add_argument("--screenshots", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        rep = report_times(t)
        for lang, s in rep.items():
            print(f"report of a compare folder ({lang}): {s:.2f} s")
        app = create_app(results_dir=t, workers=2)
        with serve(app) as url:
            cards, times = switch_times(url, t, args.switches, args.screenshots)
        print(
            f"language switch ({len(times)} switches, 10 replications shown): KPI cards in "
            f"the new language after a median {statistics.median(cards):.2f} s (max "
            f"{max(cards):.2f} s); every chart redrawn after a median "
            f"{statistics.median(times):.2f} s (max {max(times):.2f} s)"
        )


if __name__ == "__main__":
    main()
