"""Export for slides: the briefing as PDF, every figure as PNG or SVG, in one go.

Both use the Chromium that ``scripts/setup.sh`` installs (Debian's ``chromium``): the PDF
is the HTML report printed by headless Chromium (``--print-to-pdf``), the images are
plotly's static export (kaleido, which drives the same browser). Nothing is fetched
from the network: the report embeds plotly.js.

Example:
    >>> export_pdf("results/compare_pilots", "briefing.pdf", lang="ru")
    >>> export_figures("results/compare_pilots", "slides/", fmt="svg")
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from courtsim.dashboard.report import figures_for, load_bundle, render_html
from courtsim.errors import CourtsimError, ResultsError
from courtsim.i18n import language

#: Browsers looked for on PATH, in order (``COURTSIM_CHROMIUM`` overrides).
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Image formats of :func:`export_figures`.
FORMATS = ("png", "svg")
#: Width of exported figures, in CSS pixels (a 16:9 slide's content area).
SLIDE_WIDTH_PX = 1100
#: Seconds Chromium may take to print a report.
PRINT_TIMEOUT_S = 120


def find_browser() -> str:
    """Return the path of a Chromium-family browser.

    Returns:
        The executable.

    Raises:
        CourtsimError: None is installed (``scripts/setup.sh`` installs Debian's).
    """
    given = os.environ.get("COURTSIM_CHROMIUM")
    if given:
        return given
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise CourtsimError(
        "exporting needs Chromium, and none was found on PATH (looked for "
        f"{', '.join(BROWSERS)}); install it with `apt-get install chromium` (scripts/setup.sh "
        "does) or set COURTSIM_CHROMIUM to a Chrome or Chromium executable",
        field="--pdf",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text, flags=re.UNICODE).strip("_").lower()[:60] or "figure"


def export_figures(
    source: Any, folder: str | Path, fmt: str = "png", lang: str | None = None, scale: float = 2
) -> list[Path]:
    """Write every figure of a report as an image, for slides.

    Args:
        source: A results folder or object (as :func:`~courtsim.dashboard.report.write_report`).
        folder: Where to write (created); files are ``NN_<title>.<fmt>``.
        fmt: ``png`` or ``svg``.
        lang: ``en``, ``ru`` or ``kk`` (default: the language in force).
        scale: Pixel density of PNGs (2 = sharp on a projector).

    Returns:
        The files written, in the report's order.

    Raises:
        CourtsimError: An unknown format or language, no browser, or the export failed.
        ResultsError: The folder cannot be read or written.
    """
    if fmt not in FORMATS:
        raise CourtsimError(
            f"unknown image format {fmt!r}: choose {' or '.join(FORMATS)}", field="--figure-format"
        )
    import plotly.io as pio

    os.environ.setdefault("BROWSER_PATH", find_browser())  # kaleido's choice of browser
    with language(lang):
        figs = figures_for(load_bundle(source, str(folder)))
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsError(f"cannot create the folder ({exc.strerror})", source=str(out)) from None
    paths = [
        out / f"{i + 1:02d}_{_slug(str(f.layout.title.text or 'figure'))}.{fmt}"
        for i, f in enumerate(figs)
    ]
    # A fixed size, the figure's own height: the same slide whatever the screen that made it.
    widths = [int(f.layout.width or SLIDE_WIDTH_PX) for f in figs]
    heights = [int(f.layout.height or 450) for f in figs]
    try:
        pio.write_images(figs, paths, format=fmt, scale=scale, width=widths, height=heights)
        # Under a heavy load kaleido can leave a figure unwritten without an error: write
        # those once more, one by one, and fail loudly if one is still missing.
        for f, path, w, h in zip(figs, paths, widths, heights, strict=True):
            if not path.is_file() or path.stat().st_size == 0:
                pio.write_image(f, path, format=fmt, scale=scale, width=w, height=h)
    except Exception as exc:  # kaleido raises its own types; say what failed, once
        raise CourtsimError(
            f"the static export of the figures failed ({type(exc).__name__}: {exc})",
            source=str(out),
        ) from None
    missing = [p.name for p in paths if not p.is_file() or p.stat().st_size == 0]
    if missing:
        raise CourtsimError(
            f"the static export did not write {', '.join(missing)} (the browser may be "
            "overloaded); try again",
            source=str(out),
        )
    return paths


def export_pdf(
    source: Any, out_pdf: str | Path, title: str | None = None, lang: str | None = None
) -> Path:
    """Write the briefing (the HTML report) as a PDF, printed by headless Chromium.

    Args:
        source: A results folder or object.
        out_pdf: The PDF to write (replaced if it exists; never left half-written).
        title: Page title.
        lang: ``en``, ``ru`` or ``kk`` (default: the language in force).

    Returns:
        The PDF.

    Raises:
        CourtsimError: No browser, or it failed to print.
        ResultsError: The results cannot be read, or the file cannot be written.
    """
    out = Path(out_pdf)
    if out.is_dir():
        raise ResultsError("is a folder; give a file name ending in .pdf", source=str(out))
    browser = find_browser()
    bundle = load_bundle(source, str(out))
    with language(lang):
        text = render_html(bundle, title)
    # Print layout: charts as wide as an A4 page, each kept on one page.
    text = text.replace(
        "</style>",
        "@media print{body{max-width:none;margin:0}.figure{break-inside:avoid}"
        ".modebar-container{display:none}}</style>",
        1,
    )
    with tempfile.TemporaryDirectory(prefix="courtsim-pdf-") as tmp:
        page = Path(tmp) / "briefing.html"
        page.write_text(text, encoding="utf-8")
        printed = Path(tmp) / "briefing.pdf"
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--virtual-time-budget=20000",  # let plotly draw every chart before printing
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise CourtsimError(
                f"Chromium did not print the briefing within {PRINT_TIMEOUT_S} s", source=browser
            ) from None
        except OSError as exc:
            raise CourtsimError(
                f"cannot start the browser ({exc.strerror or exc}); set COURTSIM_CHROMIUM to a "
                "Chrome or Chromium executable",
                source=browser,
            ) from None
        if done.returncode != 0 or not printed.is_file() or printed.stat().st_size == 0:
            err = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise CourtsimError(f"Chromium failed to print the briefing: {err[0]}", source=browser)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(printed), out.with_name(f".{out.name}.partial"))
            out.with_name(f".{out.name}.partial").replace(out)
        except OSError as exc:
            raise ResultsError(f"cannot write the PDF ({exc.strerror})", source=str(out)) from None
    return out


__all__ = ["export_figures", "export_pdf", "find_browser"]
