"""No English left in a Russian or Kazakh HTML report, for a results folder of every kind.

The report's texts (and its charts') are read as :func:`tests.dashboard.page_text.html_texts`
reads them; any Latin-script word fails, except the allowlist of
:mod:`tests.dashboard.page_text` and the names the user gave (folders, scenarios, regions,
case types, the packages of the provenance table).
"""

from __future__ import annotations

import json

import pytest

from courtsim.dashboard.folders import list_folders
from courtsim.dashboard.report import write_report
from tests.dashboard.page_text import html_texts, untranslated

pytestmark = pytest.mark.slow


def names_in(root) -> set[str]:
    names = {part for rel, _kind in list_folders(root) for part in rel.split("/")}
    for man in root.rglob("manifest.json"):
        data = json.loads(man.read_text())
        names |= set(data.get("versions") or {})
        names |= {str(data[k]) for k in ("name", "scenario_name") if data.get(k)}
        names |= {str((data.get("question") or {}).get("scenario", ""))}
        names |= set((data.get("answer") or {}).get("added") or {})
        names |= {str(s.get("label")) for s in data.get("scenarios") or [] if isinstance(s, dict)}
    # the fixtures' scenarios (tests.dashboard.conftest): their names
    return names | {"baseline", "more_judges", "tiny_run"}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_reports_of_every_kind_have_no_english_left(every_view_root, tmp_path, lang):
    root = every_view_root
    names = names_in(root)
    found = {}
    folders = [(rel, kind) for rel, kind in list_folders(root) if rel != "corrupt"]
    assert {k for _r, k in folders} >= {"run", "replicate", "compare", "sweep", "sensitivity",
                                        "target", "allocate"}  # fmt: skip
    for rel, kind in folders:
        out = write_report(root / rel, tmp_path / f"{kind}.html", lang=lang)
        page = out.read_text(encoding="utf-8")
        assert f"lang='{lang}'" in page or f'lang="{lang}"' in page, rel
        bad = untranslated(html_texts(page), names)
        if bad:
            found[rel] = bad
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
