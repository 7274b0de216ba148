"""The one definition, in Python, of when evidence counts on an as-of date (its SPARQL twin: shp:currentEvidence in
shapes/functions.ttl). Coverage judges each accepted link with it, and the set-at-a-time rules reach it through
coverage's link references and for a document's own review date."""

from __future__ import annotations

from datetime import date
from typing import Literal

Currency = Literal["future", "stale", "current"]


def currency(as_of: date, issued: str | None, due: str | None, decided: str | None = None) -> Currency:
    """Where evidence stands on `as_of`: "future" when the review decision (`decided`, a date-time) or the
    document's issue came after it (not evidence yet), "stale" when past the document's review date, else
    "current". Dates compare as ISO 8601 text, as the shapes' SPARQL compares them."""
    day = as_of.isoformat()
    if (decided is not None and decided[:10] > day) or (issued is not None and issued > day):
        return "future"
    return "stale" if due is not None and due < day else "current"
