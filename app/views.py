"""Small display helpers shared by the pages (labels, empty states, errors without stack traces)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from aimsgraph.errors import AimsError

MIME = {
    ".csv": "text/csv",
    ".html": "text/html",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".ttl": "text/turtle",
}

# Each character that means something to Markdown, HTML or Streamlit's directives (:red[..], :icon:, $math$),
# written as a character reference: shown as itself, never as syntax (an image a browser would fetch, a link).
_REFERENCES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~:$=^@/"}
_SYNTAX = re.compile("[" + re.escape("".join(_REFERENCES)) + "]")

# Colours, not emoji: headless browsers and many office machines have no emoji font.
COLOURS = {
    "covered": "#d4edda",
    "stale": "#ffe5b4",
    "design-only": "#fff3bf",
    "missing": "#f8d7da",
    "excluded": "#e9ecef",
    "partial": "#fff3bf",  # a control of another framework mapped only by partial relations to covered requirements
    "unmapped": "#e9ecef",
    "violation": "#f8d7da",
    "warning": "#ffe5b4",
    "info": "#d6eaf8",
}


def as_text(value: object) -> str:
    """User-supplied text (a title, a name, a message quoting them) for st.markdown/st.caption/HTML: shown as
    written, never rendered as Markdown or HTML. Line breaks become spaces."""
    return _SYNTAX.sub(lambda m: _REFERENCES[m.group()], " ".join(str(value).split()))


@contextmanager
def guarded(what: str) -> Iterator[None]:
    """Show an AimsError as one clear line on the page instead of a stack trace."""
    try:
        yield
    except AimsError as exc:
        st.error(f"{what}: {as_text(exc)}")
    except Exception as exc:  # the page stays usable; details go to the server log
        logging.getLogger("aimsgraph.app").exception("%s failed", what)
        st.error(f"{what} failed: {type(exc).__name__}: {as_text(str(exc).splitlines()[0] if str(exc) else '')}")


def pick(where: Any, label: str, options: dict[str, str], key: str, placeholder: str | None = None) -> str | None:
    """A selectbox over ids (or IRIs) shown by their labels; with a placeholder nothing is chosen at first."""
    return where.selectbox(  # type: ignore[no-any-return]
        label,
        list(options),
        format_func=options.__getitem__,
        key=key,
        index=None if placeholder else 0,
        placeholder=placeholder,
    )


def table(rows: list[dict[str, Any]], empty: str, **options: Any) -> None:
    """Rows as a table (no index, full width), or the empty-state caption when there are none."""
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", **options)
    else:
        st.caption(empty)


def html(markup: str, empty: str = "") -> None:
    """Markup drawn on the server (app/charts.py), or the empty-state caption when there is none.

    Through st.markdown, not st.html: st.html's sanitiser drops SVG. The markup is ours and escapes every value.
    """
    if markup:
        st.markdown(markup, unsafe_allow_html=True)
    elif empty:
        st.caption(empty)


def download(where: Any, label: str, build: Callable[[], str | bytes] | str | bytes, name: str, key: str) -> None:
    """A download button whose file is built only when clicked (a callable), with its type from the file name."""
    mime = MIME.get(Path(name).suffix, "application/octet-stream")
    where.download_button(label, build, name, mime, key=key, on_click="ignore", icon=":material/download:")


def coloured(frame: pd.DataFrame, *columns: str) -> Styler:
    """The frame with status/severity cells shaded by their value."""
    return frame.style.map(lambda v: f"background-color: {COLOURS.get(str(v), 'transparent')}", subset=list(columns))


def escape_md(text: str) -> str:
    """User text made safe inside st.markdown: Markdown's special characters escaped, HTML never rendered."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>$~&" else c for c in str(text))
