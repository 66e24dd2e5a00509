"""No English left in Russian or Kazakh: every view of the dashboard, read in a real browser.

Each view is opened as a user would (a run, a saved comparison, the sweep viewer over a
folder of each kind, the Decisions tab over a staffing search and an allocation, and
refusals: a folder outside the results, a corrupt folder, a target on another KPI), in
Russian and then in Kazakh. Every text the page shows (text, hints, tooltips, dropdown
options, chart texts) is collected and any word in Latin script fails the test, except
what :mod:`tests.dashboard.page_text` allows: code, units and formats in its allowlist,
and the names the user gave (scenarios, regions, case types, results folders, packages).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from courtsim.dashboard.app import create_app
from courtsim.dashboard.describe import CASE_TYPE_NAMES
from courtsim.dashboard.folders import list_folders
from courtsim.i18n import _, language
from tests.dashboard.browser import choose, chromium, needs_browser, serve
from tests.dashboard.page_text import page_texts, untranslated
from tests.dashboard.test_browser import run_and_wait, set_input, wait
from tests.dashboard.test_browser_language import RUN

pytestmark = [needs_browser, pytest.mark.slow]


def user_names(root: Path, scenarios_dir: Path) -> set[str]:
    """Names the user gave, shown as written: folders, scenario files and names, regions, case
    types, packages."""
    import yaml

    names = {part for rel, _kind in list_folders(root) for part in rel.split("/")}
    for man in root.rglob("manifest.json"):
        data = json.loads(man.read_text())
        names |= set(data.get("versions") or {})
        names |= {str(data[k]) for k in ("name", "scenario_name") if data.get(k)}
        q = data.get("question") or {}
        names |= {str(q["scenario"])} if q.get("scenario") else set()
        names |= set((data.get("answer") or {}).get("added") or {})  # the regions
    for f in scenarios_dir.glob("*.yaml"):
        sc = yaml.safe_load(f.read_text())
        # a case type of its own is shown by its key; a shipped one is named (CASE_TYPE_NAMES)
        own = [k for k in sc.get("case_types") or {} if k not in CASE_TYPE_NAMES]
        names |= {f.stem, sc["name"], *own, *(sc.get("courts") or {})}
    names |= {"tiny_run", "more_judges"}  # the fixtures' scenarios (tests.dashboard.conftest)
    return names


def check(driver, view: str, lang: str, names: set[str], found: dict) -> None:
    bad = untranslated(page_texts(driver), names)
    if bad:
        found[f"{lang} {view}"] = bad


def open_path(driver, rel: str) -> None:
    path = driver.find_element(By.ID, "sw-path")
    set_input(driver, path, rel)
    driver.find_element(By.ID, "sw-open").click()


def msg_text(driver) -> str:
    return driver.execute_script("return document.getElementById('sw-msg').textContent")


def test_every_view_has_no_english_left_in_russian_and_kazakh(
    every_view_root, scenarios_dir, tmp_path
):
    root = every_view_root
    names = user_names(root, scenarios_dir)
    found: dict[str, dict[str, list[str]]] = {}
    app = create_app(results_dir=root, scenarios_dir=scenarios_dir, workers=0, warm=False)
    with serve(app) as url, chromium(tmp_path) as d:
        for lang in ("ru", "kk"):
            d.get(url)
            wait(d, EC.element_to_be_clickable((By.ID, "ex-run")))
            d.find_element(By.CSS_SELECTOR, f"#lang input[value='{lang}']").click()
            wait(d, lambda d, lang=lang: d.find_element(By.ID, "ex-run").text == RUN[lang])
            check(d, "explorer before a run", lang, names, found)
            set_input(d, d.find_element(By.ID, "ex-reps"), "2")
            set_input(d, d.find_element(By.ID, "ex-days"), "200")
            run_and_wait(d, None)
            check(d, "explorer", lang, names, found)

            d.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(2)").click()
            wait(d, EC.element_to_be_clickable((By.ID, "cmp-run")))
            choose(d, "cmp-saved", "experiments/compare1", "experiments/compare1")
            wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#cmp-sentences li"))
            check(d, "comparison", lang, names, found)

            d.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(3)").click()
            wait(d, EC.element_to_be_clickable((By.ID, "sw-open")))
            check(d, "sweep viewer before a folder", lang, names, found)
            for rel in (
                "experiments/sweep1",
                "sens1",
                "run1",
                "replicate1",
                "experiments/compare1",
            ):
                open_path(d, rel)
                wait(d, lambda d, rel=rel: rel in msg_text(d))
                wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#sw-graphs .main-svg"))
                check(d, f"sweep viewer: {rel}", lang, names, found)
            # a heatmap with a target line
            open_path(d, "experiments/sweep1")
            wait(d, lambda d: "sweep1" in msg_text(d))
            d.find_element(By.CSS_SELECTOR, "#sw-chart input[value='heatmap']").click()
            set_input(d, d.find_element(By.ID, "sw-target"), "clearance_rate>=100")
            wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#sw-graphs .heatmaplayer"))
            check(d, "sweep viewer: heatmap and target", lang, names, found)
            # refusals: a target on another KPI, a folder outside, a corrupt one, a decision
            set_input(d, d.find_element(By.ID, "sw-target"), "ttd_mean_days<=60")
            wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#sw-msg .msg.error"))
            check(d, "sweep viewer: a target on another KPI", lang, names, found)
            set_input(d, d.find_element(By.ID, "sw-target"), "")
            for rel in ("../outside", "corrupt", "staffing", "no_such_folder"):
                open_path(d, rel)
                wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#sw-msg .msg.error"))
                check(d, f"sweep viewer: refusal of {rel}", lang, names, found)

            d.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(4)").click()
            wait(d, EC.element_to_be_clickable((By.ID, "dq-refresh")))
            check(d, "decisions before a folder", lang, names, found)
            for folder, kind in (("staffing", "target"), ("alloc", "allocate")):
                with language(lang):
                    label = f"{folder} ({_(kind)})"
                choose(d, "dq-folder", folder, label)
                wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#dq-answer p"))
                wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#dq-graph .main-svg .gtitle"))
                check(d, f"decisions: {folder}", lang, names, found)
                assert d.save_screenshot(str(tmp_path / f"decisions_{folder}_{lang}.png"))
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_regions_view_has_no_english_left_in_russian_and_kazakh(results_root, tmp_path):
    import yaml

    from tests.dashboard.test_region_map import _small_regions

    folder = tmp_path / "scenarios"
    folder.mkdir()
    sc = _small_regions()
    (folder / "regions.yaml").write_text(yaml.safe_dump(sc.as_dict()))
    own = [k for k in sc.case_types if k not in CASE_TYPE_NAMES]
    names = {"regions", sc.name, *own, *sc.courts}  # the file's name, as the menu shows
    found: dict[str, dict[str, list[str]]] = {}
    app = create_app(results_dir=results_root, scenarios_dir=folder, workers=0, warm=False)
    with serve(app) as url, chromium(tmp_path) as d:
        d.get(url)
        wait(d, EC.element_to_be_clickable((By.ID, "ex-run")))
        set_input(d, d.find_element(By.ID, "ex-reps"), "2")
        run_and_wait(d, None)
        wait(d, lambda d: d.find_element(By.ID, "ex-regions-box").is_displayed())
        for lang in ("ru", "kk"):
            d.find_element(By.CSS_SELECTOR, f"#lang input[value='{lang}']").click()
            wait(d, lambda d, lang=lang: d.find_element(By.ID, "ex-run").text == RUN[lang])
            wait(d, lambda d: "Астана" in d.find_element(By.ID, "ex-regions").text)
            check(d, "explorer of regions, tile map", lang, names, found)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
