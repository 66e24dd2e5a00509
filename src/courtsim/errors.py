"""User-facing errors: one clear paragraph naming the file and the field."""

from __future__ import annotations

#: Longest message shown (characters); a longer one is elided in the middle.
MAX_MESSAGE_CHARS = 2_000


def elide(text: str, limit: int = 200) -> str:
    """Shorten ``text`` to about ``limit`` characters, keeping its start and end.

    Args:
        text: Any text (often a ``repr`` of a user's value).
        limit: Characters kept.

    Returns:
        The text, or its start and end joined by the number of characters left out.
    """
    if len(text) <= limit:
        return text
    keep = max(limit // 2 - 10, 1)
    return f"{text[:keep]} …[{len(text) - 2 * keep:,} characters]… {text[-keep:]}"


class CourtsimError(Exception):
    """An error caused by the user's input, reported without a traceback.

    The text is always one paragraph (line breaks become spaces) and at most
    :data:`MAX_MESSAGE_CHARS` characters, however large the value it quotes.

    Args:
        message: What is wrong and how to fix it, as one paragraph.
        source: The file (or command-line option) the bad input came from.
        field: The dotted name of the offending field, if there is one.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        self.message = message
        self.source = source
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(elide(str(self.source), 300))
        if self.field:
            where.append(f"field '{elide(str(self.field), 300)}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        return elide(" ".join(text.split()), MAX_MESSAGE_CHARS)


class ScenarioError(CourtsimError):
    """A scenario file is missing, malformed or inconsistent."""


class ResultsError(CourtsimError):
    """A results folder is missing, incomplete or corrupt, or would be overwritten."""
