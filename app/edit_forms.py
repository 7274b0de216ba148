"""Pieces the explorer's edit forms share: choices from the org facts and the form's values as an edit."""

from __future__ import annotations

from datetime import date
from typing import Any

from aimsgraph.store import Store

PEOPLE = "SELECT ?id ?name WHERE { ?p a aims:Person ; aims:id ?id OPTIONAL { ?p rdfs:label ?name } } ORDER BY ?id"
NONE = "(none)"


def people(store: Store) -> dict[str, str]:
    """Person id -> 'id Name', for the owner selects."""
    return {str(i): f"{i} {n or ''}".strip() for i, n in store.select(PEOPLE)}


def choice_index(options: list[str], current: Any) -> int:
    """The position of the current value in a select's options (0, '(none)' or the first, when absent); a choice
    written as load reads it ('Not started' for not_started) still finds its option."""
    if current is None:
        return 0
    for text in (str(current), str(current).lower().replace(" ", "_").replace("-", "_")):
        if text in options:
            return options.index(text)
    return 0


def as_date(text: Any) -> date | None:
    """A date field's text as a date (None when empty or not a date: the form then shows none)."""
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def cleaned(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as an edit: '(none)', blank text and empty lists remove the field."""
    return {k: None if v == NONE or v == [] or (isinstance(v, str) and not v.strip()) else v for k, v in values.items()}
