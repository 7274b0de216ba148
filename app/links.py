"""Deep links: one URL per thing (`requirements?id=A.6.2.8`), kept in step with the page's widgets.

Links are relative (no leading slash), so they resolve against wherever the explorer is served. A page reads its
URL with `follow` before drawing the widget the URL names, and writes it back with `publish` after, so opening a
URL, the browser's back and forward, and choosing in the page all show the same thing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from html import escape
from typing import Any
from urllib.parse import urlencode

import streamlit as st


def href(page: str, **params: str | None) -> str:
    """The relative URL of `page` with the given query parameters (None ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{page}?{query}" if query else page


def anchor(page: str, text: str, **params: str | None) -> str:
    """An HTML link to a deep link, opened in the same tab (a Markdown link would open a new one); `text` is escaped
    (user text is never markup). Shown through st.markdown(..., unsafe_allow_html=True)."""
    return f'<a href="{escape(href(page, **params))}" target="_self">{escape(text)}</a>'


def follow(param: str, key: str, options: Collection[str]) -> str | None:
    """Move the widget `key` to the URL's `param` when the URL changed since we last saw it (opened, back, forward).

    Returns the URL's value when it names none of `options` (the caller says "not found"), else None.
    """
    value = st.query_params.get(param)
    seen = f"{key}__url"  # the session_state key remembering which URL value the widget already follows
    if value is None or st.session_state.get(seen) == value:
        return None
    if value not in options:
        return value  # not remembered: the "not found" stays while the URL names it
    st.session_state[seen] = value
    st.session_state[key] = value
    return None


def publish(param: str, value: str | None, key: str) -> None:
    """Put the widget's value in the URL (or take it out), so the address bar always names what is shown."""
    st.session_state[f"{key}__url"] = value
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def not_found(kind: str, value: str, page: str, labels: Mapping[str, str], key: str) -> None:
    """A clear "not found" for an unknown id in a deep link, with a search box over the known ones; the run stops."""
    st.error(f"No {kind} '{value}' in this workspace: search for it below or pick one from the list.")
    query = st.text_input(f"Search {kind}s by id or title", value=value, key=key)
    words = query.lower().split()
    found = [(i, label) for i, label in labels.items() if all(w in label.lower() for w in words)][:30]
    if found:
        st.markdown("<br>".join(anchor(page, label, id=i) for i, label in found), unsafe_allow_html=True)
    else:
        st.caption(f"No {kind} matches '{query}'.")
    st.stop()


def follow_id(kind: str, page: str, labels: Mapping[str, str], key: str, missing_key: str) -> None:
    """`follow` the URL's `id` into the widget `key`; an id naming none of `labels` is `not_found` (the run stops)."""
    unknown = follow("id", key, labels)
    if unknown is not None:
        not_found(kind, unknown, page, labels, key=missing_key)


def link_column(page: str, label: str) -> Any:
    """A dataframe column of deep links (the cell holds `page?id=X`) that shows X."""
    return st.column_config.LinkColumn(label, display_text=rf"{page}\?id=([^&]*)")
