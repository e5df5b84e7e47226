"""Exceptions raised by the analysis core. Messages are plain English; callers translate the code."""

from __future__ import annotations


class AnalysisError(ValueError):
    """Bad input to an analysis function. `code` is a stable machine-readable key."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class CoordinateError(AnalysisError):
    """A coordinate is outside the valid range or outside the area a conversion applies to."""
