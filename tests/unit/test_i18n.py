"""Message catalogs: every user-facing message in English, Russian and Kazakh, and formats."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from courtsim.errors import CourtsimError
from courtsim.experiment.wording import difference_sentence
from courtsim.i18n import LOCALE_DIR, _, check_language, language, money, number

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("ru", "kk")


def _extracted() -> set[str]:
    method_map = [
        ("src/courtsim/**.py", "python"),
        ("src/courtsim/**/templates/**.j2", "jinja2"),
    ]
    found = extract_from_dir(
        str(ROOT), method_map, keywords={"_": None, "N_": None}, comment_tags=()
    )
    return {msg for _f, _l, msg, _c, _x in found if isinstance(msg, str) and msg}


def _catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "courtsim.po").open("rb") as f:
        return read_po(f)


def _fields(text: str) -> set[str]:
    return {f for _t, f, _s, _c in string.Formatter().parse(text) if f}


def test_template_lists_every_message_of_the_source():
    with (LOCALE_DIR / "courtsim.pot").open("rb") as f:
        template = {m.id for m in read_po(f) if m.id}
    source = _extracted()
    assert len(source) > 150
    assert source - template == set(), "run pybabel extract (docs/translating.md)"
    assert template - source == set(), "the template lists messages the source no longer has"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_and_not_left_in_english(lang):
    cat = _catalog(lang)
    have = {m.id: m for m in cat if m.id}
    for msgid in sorted(_extracted()):
        assert msgid in have, f"{lang}: no entry for {msgid!r}"
        m = have[msgid]
        assert m.string, f"{lang}: {msgid!r} is not translated"
        assert not m.fuzzy, f"{lang}: {msgid!r} is fuzzy"
        assert m.string != msgid, f"{lang}: {msgid!r} is left as the English source"
        # a translation with other {fields} than its source would break .format()
        assert _fields(m.string) == _fields(msgid), (lang, msgid)
        assert ("%{" in m.string) == ("%{" in msgid), (lang, msgid)  # plotly's templates


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalog_matches_its_source(lang):
    po = {m.id: m.string for m in _catalog(lang) if m.id}
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "courtsim.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, "recompile the catalog: pybabel compile (docs/translating.md)"


def test_glossary_terms_are_the_catalogs_terms():
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for en, ru, kk in (
        ("Clearance rate", "Коэффициент рассмотрения дел", "Істерді қарау коэффициенті"),
        ("conciliation judge", "судья-примиритель", "татуластырушы судья"),
        ("mediation", "медиация", "медиация"),
        ("participatory procedure", "партисипативная процедура", "партисипативтік рәсім"),
    ):
        assert ru.lower() in glossary.lower()
        assert kk.lower() in glossary.lower()
        with language("ru"):
            assert _(en) == ru
        with language("kk"):
            assert _(en) == kk
    assert "мировое соглашение" in glossary.lower()
    assert "бітімгершілік келісім" in glossary.lower()


def test_numbers_dates_and_tenge_follow_the_language():
    assert number(1234.5) == "1,234.5"
    assert money(87502) == "87,502 KZT"
    with language("ru"):
        assert number(1234.5) == "1\u00a0234,5"
        assert money(87502) == "87\u00a0502 ₸"
        assert number(float("nan")) == "н/д"
    with language("kk"):
        assert number(0.25, 2) == "0,25"


def test_sentences_have_no_english_words_in_russian_and_kazakh():
    args = ("Сценарий X", "disposition_time_days", -5.0, (-6.0, -4.0), -0.19, (-0.24, -0.13))
    assert difference_sentence(*args).startswith("Сценарий X lowers the disposition time")
    with language("ru"):
        ru = difference_sentence(*args)
    with language("kk"):
        kk = difference_sentence(*args)
    assert (
        ru
        == "Сценарий X снижает расчётный срок рассмотрения (CEPEJ) на 19% (95% ДИ: от 13% до 24%)."
    )
    assert "төмендейді" in kk
    for text in (ru, kk):
        assert re.findall(r"\b[a-zA-Z]{3,}\b", text.replace("CEPEJ", "")) == []


def test_unknown_language_is_a_clear_error():
    with pytest.raises(CourtsimError, match="unknown language 'de'"):
        check_language("de")
    with pytest.raises(CourtsimError, match="choose one of en, ru, kk"), language("xx"):
        pass


def _strings(component) -> list[str]:
    """Every text a Dash component shows (its children, recursively)."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [s for c in component for s in _strings(c)]
    children = getattr(component, "children", None)
    return _strings(children) if children is not None else []


def test_dashboard_levers_and_channels_are_catalog_messages():
    from courtsim.dashboard.levers import CHANNEL_NAMES, LABELS

    source = _extracted()
    for msg in [*LABELS.values(), *CHANNEL_NAMES.values()]:
        assert msg in source, f"{msg!r} is not marked for the catalog"


CYRILLIC = re.compile("[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _english_words(text: str) -> list[str]:
    """English words left in a text, leaving out what is quoted or code (keys, files, values)."""
    text = re.sub(r"«[^»]*»|'[^']*'|`[^`]*`|\([^()]*[._][^()]*\)", " ", text)
    text = re.sub(r"\S*[._/]\S*", " ", text)  # dotted keys, file names, paths
    allowed = {"YAML", "UTF", "base64", "KB", "true", "false", "CEPEJ", "CPC", "Brown", "Ayres"}
    return [w for w in re.findall(r"\b[a-zA-Z]{3,}\b", text) if w not in allowed]


def _lever_boxes(levers):
    return [
        c
        for c in levers
        if str(getattr(c, "className", "")).startswith("lever ")
        or getattr(c, "className", "") == "lever"
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("scenario", ["baseline.yaml", "combined.yaml"])
def test_dashboard_levers_and_channels_show_in_the_language(lang, scenario):
    from courtsim.dashboard.layout import lever_controls, lever_panel
    from courtsim.dashboard.levers import (
        CHANNEL_NAMES,
        LABELS,
        NOT_BARGAINING,
        TOOLTIPS,
        levers_for,
    )
    from courtsim.schema.scenario import load_scenario
    from tests.dashboard.test_levers import _with_switch

    def _old():
        from courtsim.schema.scenario import Scenario

        return _with_switch(Scenario.model_json_schema())

    english = {*LABELS.values(), *CHANNEL_NAMES.values(), *TOOLTIPS.values(), NOT_BARGAINING}
    with language(lang):
        levers, options, _on, _style = lever_panel(load_scenario(ROOT / "scenarios" / scenario))
    boxes = _lever_boxes(levers)
    assert len(boxes) >= 12
    for box in boxes:
        label, tooltip = box.children[0], box.title
        shown = [s for s in _strings(label) if s.strip(": ")]
        assert shown, "no lever label"
        for text in shown:
            assert text not in english, f"{lang}: lever label {text!r} left in English"
            assert CYRILLIC.search(text), (lang, text)
        # the tooltip: a catalog message in the language, no English sentence left
        assert tooltip not in english, f"{lang}: tooltip of {shown} left in English"
        assert CYRILLIC.search(tooltip), (lang, tooltip)
        assert _english_words(tooltip) == [], (lang, tooltip)
    # the note over greyed levers (a schema that still switches bargaining off), translated
    notes = [c for c in levers if c not in boxes]
    with language(lang):
        notes += lever_controls(levers_for(load_scenario(ROOT / "scenarios" / scenario), _old()))
    notes = [c for c in notes if "lever-note" in str(getattr(c, "className", ""))]
    assert notes
    for note in notes:
        for text in _strings(note):
            assert text not in english
            assert CYRILLIC.search(text), (lang, text)
    assert len(options) == 3
    for opt in options:
        assert opt["label"] not in english, (lang, opt)


def _upload(text: bytes) -> str:
    import base64

    return "data:application/x-yaml;base64," + base64.b64encode(text).decode()


def _bad_inputs(tmp_path):
    """Messages the explorer shows for bad uploads and impossible levers, days and runs."""
    import yaml

    from courtsim.dashboard import handlers as H
    from courtsim.dashboard.context import AppContext
    from courtsim.dashboard.live import LiveRunner
    from courtsim.schema.scenario import load_scenario

    combined = load_scenario(ROOT / "scenarios" / "combined.yaml")
    regions = load_scenario(ROOT / "scenarios" / "kz_regions_2024.yaml")
    ctx = AppContext(
        results_root=tmp_path,
        scenarios={"combined": combined, "regions": regions},
        runner=LiveRunner(workers=0),
    )
    data = combined.as_dict()
    uploads = {
        "syntax": b"name: x\n  judges: [1,\n",
        "unknown key": yaml.safe_dump({**data, "judgez": {"count": 3}}).encode(),
        "out of range": yaml.safe_dump(
            {**data, "judges": {**data["judges"], "count": -3}}
        ).encode(),
        "wrong type": yaml.safe_dump({**data, "horizon_days": "a year"}).encode(),
        "extends": b"extends: baseline.yaml\n",
        "not utf-8": b"name: \xff\xfe\n",
        "too large": b"#" * 70_000,
        "a sum": yaml.safe_dump(
            {**data, "case_types": {k: {**v, "share": 0.5} for k, v in data["case_types"].items()}}
        ).encode(),
    }
    out = {}
    for what, raw in uploads.items():
        out[f"upload: {what}"] = H.select_scenario(
            ctx, "ex-upload", None, _upload(raw), "bad.yaml"
        )["message"]
    src = {"shipped": "combined"}
    channels = [p["type"] for p in data["policies"]]

    def run(values, days=365, reps=2, chans=channels):
        ids = [{"type": "lever", "key": k} for k in values]
        return H.run_explorer(ctx, "t", src, ids, list(values.values()), chans, days, reps, 1)[
            "status"
        ]

    out["lever: below its minimum"] = run({"judges.count": 0})
    out["lever: not whole"] = run({"judges.count": 2.5})
    out["lever: not a number"] = run({"judges.count": "many"})
    regions = {"shipped": "regions"}  # 20 courts: 5 judges are too few
    ids = [{"type": "lever", "key": "judges.count"}]
    out["lever: fewer judges than courts"] = H.run_explorer(
        ctx, "t", regions, ids, [5], None, 365, 2, 1
    )["status"]
    out["lever: no such mediators"] = run(
        {f"mediators.{k}.per_court": 0 for k in ("retired_judge", "professional", "public")}
    )
    out["days: not a number"] = run({}, days="soon")
    out["days: too few"] = run({}, days=0)
    out["replications: too many"] = run({}, reps=99)
    out["run: too large"] = run({}, days=3650, reps=20)
    out["no scenario"] = H.run_explorer(ctx, "t", None, [], [], [], 365, 2, 1)["status"]
    return out


def test_dashboard_errors_are_the_command_lines_in_english(tmp_path):
    shown = {k: _strings(v)[0] for k, v in _bad_inputs(tmp_path).items()}
    assert "not valid YAML at line" in shown["upload: syntax"]
    assert "unknown key" in shown["upload: unknown key"]
    assert "Fix the value(s) and run `courtsim validate` again" in shown["upload: out of range"]
    assert (
        "judges.count (5) is smaller than the number of courts (20)"
        in shown["lever: fewer judges than courts"]
    )
    assert "must be a whole number" in shown["lever: not whole"]


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard_errors_show_in_the_language(lang, tmp_path):
    with language(lang):
        shown = {k: _strings(v) for k, v in _bad_inputs(tmp_path).items()}
    for what, texts in shown.items():
        assert len(texts) == 1, (what, texts)
        text = texts[0]
        assert CYRILLIC.search(text), (lang, what, text)
        assert _english_words(text) == [], (lang, what, text)
    assert "judges.count" in shown["upload: out of range"][0]  # the field is named as written
    assert "-3" in shown["upload: out of range"][0]
    assert "judgez" in shown["upload: unknown key"][0]
    assert "(20)" in shown["lever: fewer judges than courts"][0]
