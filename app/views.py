"""Small display helpers shared by the pages (labels, empty states, errors without stack traces)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from aimsgraph.errors import AimsError

STATUS_ICON = {"covered": "🟢", "stale": "🟠", "design-only": "🟡", "missing": "🔴", "excluded": "⚪"}
SEVERITY_ICON = {"violation": "🔴", "warning": "🟠", "info": "🔵"}


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Show an AimsError as one clear line on the page instead of a stack trace."""
    try:
        yield
    except AimsError as exc:
        st.error(f"{what}: {exc}")


def not_available(what: str) -> None:
    """The empty state of a figure whose library function is not in this build."""
    st.info(f"{what} is not available in this build of aimsgraph.", icon=":material/hourglass_empty:")


def group_of(requirement_id: str) -> str:
    """The group a requirement is summarised under: its top clause (4..10) or its Annex A objective."""
    parts = requirement_id.split(".")
    return ".".join(parts[:2]) if parts[0] == "A" else parts[0]
