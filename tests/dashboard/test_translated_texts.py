"""The mechanisms behind a page with no English left: labels, known texts, decision answers."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from courtsim.dashboard.decisions import load_decision, sentences, target_statement
from courtsim.dashboard.labels import is_measure, measure
from courtsim.dashboard.messages import known_text, localised
from courtsim.dashboard.tables import display_frame
from courtsim.errors import CourtsimError
from courtsim.i18n import language
from courtsim.results_folder import read_manifest, verified
from tests.dashboard.page_text import latin_words

NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def test_every_kpi_the_engine_writes_has_a_label(tiny_reps):
    keys = set(tiny_reps.kpis["metric"])
    assert len(keys) > 100
    assert sorted(k for k in keys if not is_measure(k)) == []
    with language("kk"):
        assert all(latin_words(measure(k).text) == [] for k in keys)


def refusals(folder):
    """Provoke each refusal of a results folder's readers; return their errors."""
    out = []

    def catch(fn, *args):
        try:
            fn(*args)
        except CourtsimError as exc:
            out.append(exc)
        else:
            raise AssertionError(f"{fn.__name__}{args} did not refuse")

    catch(read_manifest, folder / "no_such")
    catch(read_manifest, folder / "kpis.parquet")
    manifest = read_manifest(folder)
    catch(verified, folder, manifest, "not_listed.parquet")
    catch(verified, folder, {**manifest, "files": {"gone.parquet": "x"}}, "gone.parquet")
    with (folder / "kpis.parquet").open("ab") as f:
        f.write(b"changed")
    catch(verified, folder, manifest, "kpis.parquet")
    (folder / "manifest.json").write_text("[1, 2]")
    catch(read_manifest, folder)
    (folder / "manifest.json").write_text("{not json")
    catch(read_manifest, folder)
    (folder / "manifest.json").unlink()
    catch(read_manifest, folder)
    return out


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_a_results_folders_refusals_are_said_in_the_language(results_root, tmp_path, lang):
    folder = tmp_path / "cmp"
    shutil.copytree(results_root / "experiments" / "compare1", folder)
    errors = refusals(folder)
    assert len(errors) == 8
    for exc in errors:
        with language(lang):
            text = localised(exc)
        # the English text matched a known pattern (only a parser's own detail is quoted)
        assert not re.search(r"\((по-английски|ағылшынша)\)", text), (str(exc), text)
        assert latin_words(text.replace(str(exc.source), "")) == [], (str(exc), text)


def test_an_unknown_english_text_is_quoted_as_english():
    with language("ru"):
        said = known_text("something the catalogs do not know")
    assert said == "(по-английски) «something the catalogs do not know»"
    with language("en"):
        assert known_text("anything") == "anything"


def test_a_staffing_answer_said_again_carries_the_saved_numbers(every_view_root):
    view = load_decision(every_view_root / "staffing")
    saved = view.answer["statement"]
    with language("en"):
        again = target_statement(view)
    assert "smallest level that meets" in again
    assert NUMBER.findall(again) == NUMBER.findall(saved)
    with language("ru"):
        ru = target_statement(view)
    assert [n.replace(",", ".") for n in NUMBER.findall(ru)] == NUMBER.findall(saved)
    assert latin_words(ru) == []


def test_an_allocation_answer_in_kazakh(every_view_root):
    view = load_decision(every_view_root / "alloc")
    names = set(view.answer["added"])
    with language("kk"):
        said = sentences(view)
        table = display_frame(view.table)
    assert all(latin_words(s, names) == [] for s in said), said
    assert all(latin_words(str(c)) == [] for c in table.columns), list(table.columns)


def test_stored_columns_and_codes_are_named():
    import pandas as pd

    df = pd.DataFrame(
        {
            "judges.count": [1],
            "mean": [2.0],
            "ci_low": [1.0],
            "verdict": ["meets"],
            "exhausted": [True],
        }
    )
    with language("ru"):
        shown = display_frame(df)
    assert list(shown.columns) == [
        "Судьи по гражданским делам",
        "среднее",
        "95% ДИ: от",
        "вывод",
        "бюджет исчерпан",
    ]
    assert shown.iloc[0].tolist()[3:] == ["достигает", "да"]
    assert (
        json.dumps(list(df.columns)) == '["judges.count", "mean", "ci_low", "verdict", "exhausted"]'
    )


def test_the_pages_check_finds_english_and_leaves_code_units_and_names():
    from tests.dashboard.page_text import untranslated

    assert latin_words("Clearance rate") == ["Clearance", "rate"]
    assert latin_words("Истёк срок: 20k дел") == ["k"]  # plotly's SI suffix is English too
    assert latin_words("ключ judges.count, файл a/b.yaml, `courtsim run --out`, 87 502 KZT") == []
    assert latin_words("сценарий almaty_pilot", {"almaty_pilot"}) == []
    assert latin_words("the pilot", {"pilot"}) == ["the"]
    assert untranslated(["Коэффициент", "mean"]) == {"mean": ["mean"]}
