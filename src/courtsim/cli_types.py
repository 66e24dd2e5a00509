"""Argument types shared by every ``courtsim`` sub-command (argparse ``type=`` callables)."""

from __future__ import annotations

import argparse


def non_negative_int(text: str) -> int:
    """Parse a whole number >= 0 (seeds, days), or fail with argparse's message.

    Args:
        text: The option's value.

    Returns:
        The number.

    Raises:
        argparse.ArgumentTypeError: Not a whole number, or negative.
    """
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is negative")
    return v


def positive_int(text: str) -> int:
    """Parse a whole number >= 1 (horizons, replications, workers).

    Args:
        text: The option's value.

    Returns:
        The number.

    Raises:
        argparse.ArgumentTypeError: Not a whole number, or below 1.
    """
    v = non_negative_int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {v})")
    return v


def positive_seconds(text: str) -> float:
    """Parse a time in seconds > 0.

    Args:
        text: The option's value.

    Returns:
        Seconds.

    Raises:
        argparse.ArgumentTypeError: Not a number, or not above 0.
    """
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not v > 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return v


#: Longest file name and path most file systems hold (bytes; Linux NAME_MAX and PATH_MAX).
NAME_MAX_BYTES = 255
PATH_MAX_BYTES = 4095


def output_path(text: str) -> str:
    """Parse an output path (``--out``, ``--html``): not empty, a name the file system holds.

    Args:
        text: The option's value.

    Returns:
        The path, unchanged.

    Raises:
        argparse.ArgumentTypeError: Empty, or a name or path too long for the file system.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError("give a name; an empty path names nothing")
    if "\x00" in text:
        raise argparse.ArgumentTypeError("the path contains a NUL character")
    longest = max(text.split("/"), key=lambda p: len(p.encode()))
    if len(longest.encode()) > NAME_MAX_BYTES:
        raise argparse.ArgumentTypeError(
            f"the name '{longest[:40]}…' is {len(longest.encode())} bytes long; file systems "
            f"hold at most {NAME_MAX_BYTES}"
        )
    if len(text.encode()) > PATH_MAX_BYTES:
        raise argparse.ArgumentTypeError(
            f"the path is {len(text.encode())} bytes long; at most {PATH_MAX_BYTES} are accepted"
        )
    return text


#: The codes of :data:`courtsim.i18n.LANGS`, repeated here so that building the parser does
#: not import the catalogs and Babel (a test checks the two agree).
LANG_CODES: tuple[str, ...] = ("en", "ru", "kk")


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang {en,ru,kk}``: the language of the command's tables, sentences and reports.

    Args:
        parser: A sub-command's parser.
    """
    parser.add_argument(
        "--lang",
        choices=LANG_CODES,
        default=None,
        help="language of tables, sentences and reports: en (default), ru, kk",
    )
