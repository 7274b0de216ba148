"""SPARQL: a read-only console with the saved queries; results as a table with download."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from aimsgraph.app import state, views
from rdflib.term import Identifier

from aimsgraph.errors import AimsError
from aimsgraph.query.results import display_rows
from aimsgraph.query.sparql import bind_parameters, run_query, saved_queries

workspace = state.workspace()
st.title("SPARQL")
saved = {q.name: q for q in saved_queries()}
START = "coverage-by-system"  # a saved query that shows something useful on first visit
choice = st.selectbox(
    "Saved query",
    ["(write your own)", *saved],
    index=1 + list(saved).index(START) if START in saved else 0,
    key="sparql_saved",
    format_func=lambda n: n if n not in saved else f"{n} — {saved[n].description}",
)
if choice in saved and st.session_state.get("sparql_loaded") != choice:
    st.session_state[state.SPARQL_TEXT] = saved[choice].text
    st.session_state["sparql_loaded"] = choice
text = st.text_area(
    "Query (read-only: SELECT, ASK, CONSTRUCT, DESCRIBE)",
    key=state.SPARQL_TEXT,
    height=220,
    value=None
    if state.SPARQL_TEXT in st.session_state
    else "SELECT ?id ?name WHERE { ?s a aims:AISystem ; aims:id ?id ; rdfs:label ?name }",
)
bindings: dict[str, Identifier] = {}
if choice in saved and saved[choice].parameters:
    cols = st.columns(len(saved[choice].parameters))
    values = {
        p.name: cols[i].text_input(p.name, value=p.default or "", key=f"param_{p.name}")
        for i, p in enumerate(saved[choice].parameters)
    }
    with views.guarded("Parameters"):
        bindings = bind_parameters(saved[choice], {k: v for k, v in values.items() if v})

# Read-only and time-limited, so the current text runs on every visit; the button is there to run an edit.
st.button("Run", type="primary", key="sparql_run")
if text:
    try:
        outcome = run_query(
            workspace.store,
            text,
            bindings,
            timeout=workspace.config.query_timeout,
            row_limit=workspace.config.row_limit,
            isolate=True,  # a long-lived server: a query past its limit is killed, not left running in a thread
        )
    except AimsError as exc:
        st.error(f"The query was not run: {views.as_text(exc)}")
        st.stop()
    if outcome.form == "ASK":
        st.metric("Answer", "yes" if outcome.boolean else "no")
    elif outcome.graph is not None:
        data = outcome.graph.serialize(format="turtle")
        st.code(data[:20000], language="turtle")
        views.download(st, "Download Turtle", data, "result.ttl", key="sparql_dl_ttl")
    else:
        frame = pd.DataFrame(display_rows(outcome), columns=outcome.variables)
        st.caption(f"{len(frame)} rows" + (" (row limit reached)" if outcome.truncated else ""))
        st.dataframe(frame, hide_index=True, width="stretch")
        views.download(st, "Download CSV", frame.to_csv(index=False), "result.csv", key="sparql_dl")
