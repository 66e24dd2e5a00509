"""User-facing errors: one clear paragraph naming the file and the field."""

from __future__ import annotations


class CourtsimError(Exception):
    """An error caused by the user's input, reported without a traceback.

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
            where.append(str(self.source))
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ScenarioError(CourtsimError):
    """A scenario file is missing, malformed or inconsistent."""


class ResultsError(CourtsimError):
    """A results folder is missing, incomplete or corrupt, or would be overwritten."""
