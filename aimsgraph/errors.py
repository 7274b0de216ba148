"""Errors a user can cause; the CLI turns each into one line and exit code 2."""

from __future__ import annotations


class AimsError(Exception):
    """Base of every error aimsgraph reports to a user as one line."""


class InputError(AimsError):
    """Bad input: a file, line or field the user can fix."""

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, field: str | None = None
    ) -> None:
        self.source, self.line, self.field = source, line, field
        where = ""
        if source:
            where = source + (f":{line}" if line else "") + ": "
        if field:
            where += f"{field}: "
        super().__init__(where + message)


class WorkspaceError(AimsError):
    """No workspace, or a workspace that cannot be opened."""


class StoreError(AimsError):
    """The triple store failed or is unreachable."""
