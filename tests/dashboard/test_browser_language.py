"""The dashboard's language switch in a real browser: English, then Russian, then Kazakh."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from courtsim.dashboard.app import create_app
from tests.dashboard.browser import chromium, needs_browser, serve
from tests.dashboard.test_browser import card, run_and_wait, set_input, wait

pytestmark = [needs_browser, pytest.mark.slow]

LABELS = {
    "en": "Clearance rate",
    "ru": "Коэффициент рассмотрения дел",
    "kk": "Істерді қарау коэффициенті",
}
TABS = {"ru": "Исследование сценария", "kk": "Сценарийді зерттеу"}
RUN = {"ru": "Запустить", "kk": "Іске қосу"}
# a decimal comma, thousands (if any) grouped by a (no-break) space: "31,5", "1 234,5"
KAZAKH = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")  # letters Russian does not have
LOCALE_NUMBER = re.compile(r"^\d{1,3}(?:[\u00a0\u202f ]\d{3})*,\d$")


def texts(driver, selector: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);",
        selector,
    )


@pytest.fixture(scope="module")
def dashboard(results_root, scenarios_dir):
    app = create_app(results_dir=results_root, scenarios_dir=scenarios_dir, workers=0, warm=False)
    with serve(app) as url:
        yield url


def test_switch_to_russian_then_kazakh(dashboard, tmp_path):
    with chromium(tmp_path) as driver:
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        set_input(driver, driver.find_element(By.ID, "ex-reps"), "2")
        english = run_and_wait(driver, None)
        assert LABELS["en"] in texts(driver, ".card-label")
        assert "." in english  # "31.5"
        for lang in ("ru", "kk"):
            driver.find_element(By.CSS_SELECTOR, f"#lang input[value='{lang}']").click()
            wait(driver, lambda d, lang=lang: LABELS[lang] in texts(d, ".card-label"))
            value = card(driver, "disposition_time_days").split()
            assert LOCALE_NUMBER.match(value[0]), value
            assert driver.execute_script("return document.documentElement.lang") == lang
            assert TABS[lang] in driver.find_element(By.ID, "tabs").text
            assert driver.find_element(By.ID, "ex-run").text == RUN[lang]
            table = driver.find_element(By.ID, "ex-table").text
            assert LABELS[lang] in table
            assert "Clearance rate" not in table
            pending_title = driver.execute_script(
                "return document.querySelector('#ex-pending .gtitle').textContent"
            )
            assert re.search("[\u0400-\u04ff]", pending_title), pending_title
            assert driver.save_screenshot(str(tmp_path / f"dashboard_{lang}.png"))


def test_errors_and_tooltips_in_russian_and_kazakh(dashboard, tmp_path):
    from tests.dashboard.test_browser import error_texts
    from tests.unit.test_i18n import CYRILLIC, _english_words

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\njudges: {count: -3}\n")
    with chromium(tmp_path) as driver:
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        for lang in ("ru", "kk"):
            driver.find_element(By.CSS_SELECTOR, f"#lang input[value='{lang}']").click()
            wait(driver, lambda d, lang=lang: d.find_element(By.ID, "ex-run").text == RUN[lang])
            # every lever's tooltip (its box's title) in the language
            wait(
                driver,
                lambda d: all(
                    CYRILLIC.search(t)
                    for t in d.execute_script(
                        "return Array.from(document.querySelectorAll('.lever')).map(e => e.title);"
                    )
                ),
            )
            tips = driver.execute_script(
                "return Array.from(document.querySelectorAll('.lever')).map(e => e.title);"
            )
            assert len(tips) >= 6
            assert all(_english_words(t) == [] for t in tips), tips
            # an impossible value: the refusal in the language, no English sentence
            set_input(driver, driver.find_element(By.ID, "ex-days"), "0")
            driver.find_element(By.ID, "ex-run").click()
            letters = CYRILLIC if lang == "ru" else KAZAKH  # not the Russian message left before
            wait(driver, lambda d, ok=letters: any(ok.search(t) for t in error_texts(d)))
            for text in error_texts(driver):
                assert _english_words(text) == [], (lang, text)
            set_input(driver, driver.find_element(By.ID, "ex-days"), "60")
            # a bad uploaded scenario: refused in the language
            upload = driver.find_element(By.CSS_SELECTOR, "#ex-upload input[type=file]")
            upload.send_keys(str(bad))
            wait(
                driver,
                lambda d: any("judges.count" in t and CYRILLIC.search(t) for t in error_texts(d)),
            )
            for text in error_texts(driver):
                assert _english_words(text) == [], (lang, text)
            upload_text = driver.find_element(By.ID, "ex-upload-text").text
            assert CYRILLIC.search(upload_text), upload_text


def test_region_selector_in_the_browser(results_root, tmp_path):
    import yaml

    from tests.dashboard.browser import choose
    from tests.dashboard.test_region_map import _small_regions

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "regions.yaml").write_text(yaml.safe_dump(_small_regions().as_dict()))
    app = create_app(results_dir=results_root, scenarios_dir=folder, workers=0, warm=False)
    with serve(app) as url, chromium(tmp_path) as driver:
        driver.get(url)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        assert not driver.find_element(By.ID, "ex-region-box").is_displayed()  # before a run
        set_input(driver, driver.find_element(By.ID, "ex-reps"), "2")
        whole = run_and_wait(driver, None)
        wait(driver, lambda d: d.find_element(By.ID, "ex-region-box").is_displayed())
        choose(driver, "ex-region", "astana", "Astana")
        wait(driver, lambda d: "Astana:" in d.find_element(By.ID, "ex-region-note").text)
        wait(driver, lambda d: card(d, "disposition_time_days") != whole)  # Astana's own KPIs
        astana = card(driver, "disposition_time_days")
        driver.find_element(By.CSS_SELECTOR, "#lang input[value='ru']").click()
        wait(driver, lambda d: "Астана:" in d.find_element(By.ID, "ex-region-note").text)
        assert card(driver, "disposition_time_days").split()[0] == astana.split()[0].replace(
            ".", ","
        )
        assert driver.find_element(By.ID, "ex-region-value").text == "Астана"
