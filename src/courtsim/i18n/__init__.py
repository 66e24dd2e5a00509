"""Languages of courtsim's output: English, Russian and Kazakh message catalogs and formats.

Messages are gettext catalogs (``locale/<lang>/LC_MESSAGES/courtsim.po``, compiled to
``.mo`` beside them and shipped with the package); the English source text is the
message id. The language in force is a context variable, so the dashboard's threads and
a report can each use their own::

    with language("ru"):
        print(_("Clearance rate"))      # Коэффициент рассмотрения дел
        print(number(1234.5))           # 1 234,5

Module-level constants are marked with :func:`N_` (found by the extractor, translated
where they are shown). Terms follow ``docs/glossary.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import math
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

from courtsim.errors import CourtsimError

#: Languages offered, in menu order, with their own names.
LANGS: dict[str, str] = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DOMAIN = "courtsim"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("courtsim_language", default="en")


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it (module-level constants)."""
    return message


@functools.cache
def catalog(lang: str) -> gettext.NullTranslations:
    """Return the compiled catalog of a language (English: the source text itself).

    Args:
        lang: ``en``, ``ru`` or ``kk``.

    Returns:
        The translations.
    """
    if lang == "en":
        return gettext.NullTranslations()
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


def _(message: str) -> str:
    """Return a message in the language in force."""
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for ``n``, in the language in force."""
    return catalog(_current.get()).ngettext(singular, plural, n)


def current() -> str:
    """Return the language in force (``en``, ``ru`` or ``kk``)."""
    return _current.get()


def check_language(lang: object, source: str = "--lang") -> str:
    """Return a supported language code, or raise a clear error.

    Args:
        lang: The code asked for.
        source: Where it came from, for the message.

    Returns:
        The code.

    Raises:
        CourtsimError: Not one of :data:`LANGS`.
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise CourtsimError(
            f"unknown language {lang!r}: choose one of {', '.join(LANGS)} "
            "(English, Russian, Kazakh)",
            source=source,
        )
    return lang


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use a language for messages and formats within a ``with`` block.

    Args:
        lang: ``en``, ``ru`` or ``kk`` (None: keep the one in force).

    Yields:
        The language.

    Raises:
        CourtsimError: An unknown language.
    """
    if lang is None:
        yield _current.get()
        return
    token = _current.set(check_language(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


def number(value: float, decimals: int = 1) -> str:
    """Return a number as the language in force writes it ("1,234.5", "1 234,5").

    Args:
        value: The number.
        decimals: Digits after the decimal separator.

    Returns:
        The text; "n/a" (translated) for NaN.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("n/a")
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_current.get())


def money(value: float) -> str:
    """Return an amount in tenge, e.g. "87,502 KZT" or "87 502 ₸"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("n/a")
    return f"{number(value, 0)} {_('KZT')}"


def date(value: dt.date) -> str:
    """Return a date as the language in force writes it ("1 March 2024", "1 марта 2024 г.")."""
    return format_date(value, format="long", locale=_current.get())


__all__ = [
    "LANGS",
    "N_",
    "_",
    "catalog",
    "check_language",
    "current",
    "date",
    "language",
    "money",
    "ngettext",
    "number",
]
