"""What a page shows as text, read in a real browser, and the Latin-script words left in it.

Used by the language tests: every text node of the page (SVG chart texts included), every
``placeholder``, ``title`` and ``aria-label`` a user sees, and the options of each
dropdown (opened one by one, as a user would) are collected; :func:`latin_words` then
returns the words in Latin script that are not in an explicit allowlist of what may stay
Latin (:data:`ALLOWED`), after leaving out what is code (keys, file names, commands).
"""

from __future__ import annotations

import re

#: Words that may stay in Latin script in a Russian or Kazakh page, and why.
ALLOWED: dict[str, str] = {
    "courtsim": "the program's name",
    "CEPEJ": "the Council of Europe's commission, named so in its Russian documents",
    "KZT": "the currency's ISO code",
    "YAML": "the scenario files' format",
    "JSON": "the manifests' format",
    "KB": "a unit (kilobytes)",
    "HTML": "a file format (the downloads)",
    "CSV": "a file format (the downloads)",
    "PDF": "a file format",
    "PNG": "a file format",
    "SVG": "a file format",
    "KPI": "the indicator tables' column, as Russian court analytics writes it",
    "English": "the language menu names each language in itself",
    "CourTools": "the National Center for State Courts' measures, cited by name",
    "Brown": "an author cited (Brown and Ayres)",
    "Ayres": "an author cited (Brown and Ayres)",
    "ST": "the total-order Sobol index, as the literature writes it (S1, ST)",
}
#: Code, which the page shows as written: dotted keys, file names, paths, commands, targets.
_CODE = (
    r"`[^`]*`",  # marked code
    r"'[^']*'",  # a key or value quoted as typed
    r"«[^»]*»",
    r"\S*[._/<>=]\S*",  # dotted keys, snake_case names, files, paths, ttd_mean_days<=60
    r"--[\w-]+",  # command-line options
    r"%\{[^}]*\}",  # plotly's placeholders in hover texts (%{customdata[0]})
    r"\b[0-9a-f]{16,}\b",  # content hashes
)
_CODE_RE = re.compile("|".join(_CODE))
#: Words of two Latin letters or more, and plotly's SI suffixes of a number ("20k", "1.5M").
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}|(?<=\d)[kMGT]\b")

COLLECT_JS = r"""
// One text per element that holds text, read whole: an inline element (a span of a
// translated label, a highlighted part of a name) is read with the block around it, and
// Markdown's pieces of one cell as one. Left out: code (keys, commands, paths, shown as
// written), scripts, what is hidden (display: none; the progress bar between runs), and
// what NOT_COLLECTED lists.
const out = new Set();
const root = document.getElementById('react-entry-point') || document.body;
const skip = 'script, style, noscript, code, pre, .modebar, .dash-debug-menu';
const inline = new Set(['SPAN', 'MARK', 'B', 'I', 'EM', 'STRONG', 'A', 'SMALL', 'LABEL']);
function text(host) {
  let t = '';
  const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const p = walker.currentNode.parentElement;
    if (p && !p.closest(skip)) t += walker.currentNode.textContent;
  }
  return t.replace(/\s+/g, ' ').trim();
}
for (const e of [root, ...root.querySelectorAll('*')]) {
  if (e.closest(skip) || !e.getClientRects().length) continue;  // hidden: not shown
  const own = Array.from(e.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (own) {
    let host = e;
    while (inline.has(host.tagName) && host.parentElement && host.parentElement !== root) {
      host = host.parentElement;
    }
    const t = text(host);
    if (t) out.add(t);
  }
  for (const a of ['placeholder', 'title', 'aria-label']) {
    const v = e.getAttribute(a);
    if (!v || !v.trim() || (a === 'title' && e.id === 'lang')) continue;
    if (a === 'aria-label' && e.closest('.dash-input-stepper')) continue;
    out.add(v.trim());
  }
}
return Array.from(out);
"""
#: What the collector leaves out, and why (the allowlist of whole parts of the page).
NOT_COLLECTED: dict[str, str] = {
    "code": "keys, commands and paths are shown as written (`courtsim allocate --out`)",
    ".modebar": "plotly.js's own chart toolbar; its titles come from plotly.js, which has no "
    "Kazakh locale (the charts' own texts are collected)",
    ".dash-input-stepper aria-label": "Dash 4 writes 'Increase value' / 'Decrease value' "
    "into the number boxes' +/- buttons and has no property to change it; screen readers "
    "only, never shown",
    "#lang title": "the language menu's title is its value (ru, kk), set for the page's lang",
}


def page_texts(driver) -> list[str]:
    """Return every text the page shows now (nodes, hints, tooltips), dropdown options too."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    texts = list(driver.execute_script(COLLECT_JS))
    for box in driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown"):
        try:
            if not box.is_displayed():
                continue
            box.click()
            texts += [
                o.text
                for o in driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if o.text.strip()
            ]
            box.send_keys(Keys.ESCAPE)
        except WebDriverException:
            continue
    return texts


def latin_words(text: str, names: set[str] = frozenset()) -> list[str]:
    """Return the Latin-script words of a text not allowed to stay Latin.

    Args:
        text: A text of the page.
        names: Names the user gave (scenarios, results folders), shown as written.

    Returns:
        The words, in order (empty when the text is fully translated).
    """
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text)
    text = _CODE_RE.sub(" ", text)
    return [w for w in _LATIN_WORD.findall(text) if w not in ALLOWED]


def untranslated(texts: list[str], names: set[str] = frozenset()) -> dict[str, list[str]]:
    """Return each text that has Latin words left, with those words."""
    out = {}
    for t in texts:
        words = latin_words(t, names)
        if words:
            out[t] = words
    return out


def html_texts(page: str) -> list[str]:
    """Return every text of an HTML report: its elements' texts and its charts' texts.

    The same rules as the browser's collector: code (``<code>``, ``<pre>``: the full
    manifest) and scripts are left out; a chart's titles, axis titles, trace names, hover
    templates and annotations are read from its JSON.
    """
    import json
    from html.parser import HTMLParser

    class Texts(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.out: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "style", "code", "pre"):
                self.skipping += 1
            self.out += [v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v]

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style", "code", "pre"):
                self.skipping -= 1

        def handle_data(self, data: str) -> None:
            if not self.skipping and data.strip():
                self.out.append(data.strip())

    parser = Texts()
    parser.feed(page)
    charts = re.finditer(r'"(?:text|name|hovertemplate|title)":\s*"((?:[^"\\]|\\.)*)"', page)
    return parser.out + [json.loads(f'"{m.group(1)}"') for m in charts]
