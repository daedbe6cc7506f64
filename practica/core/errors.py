"""Domain errors raised by services and turned into clear messages by every channel.

Services raise these; the API maps them to JSON with a status code, the web
views to form errors or 404 pages, and commands to a one-line message.
"""

from __future__ import annotations


class PracticaError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(PracticaError):
    status = 422


class NotFound(PracticaError):
    """Missing, or not visible to the person asking: the two look the same."""

    status = 404


class NotAllowed(PracticaError):
    """Visible, but the person may not do this to it."""

    status = 403


class Conflict(PracticaError):
    status = 409
