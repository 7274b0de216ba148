"""Suggestions: the review queue; the passage with matched terms highlighted; accept or reject one or many."""

from __future__ import annotations

import re

import streamlit as st
from aimsgraph.app import state, views

from aimsgraph.suggest.review import accept_suggestions, document_systems, known_systems, reject_suggestions
from aimsgraph.suggest.suggestions import suggest_for_workspace

workspace = state.workspace()
root = str(workspace.root)
st.title("Suggestions")
state.show_flash()
pending = state.suggestions(root)


def highlight(text: str, terms: list[str]) -> str:
    """The passage as HTML with every matched term marked."""
    escaped = views.as_text(text)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        escaped = re.sub(f"({re.escape(views.as_text(term))})", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE)
    return escaped


if st.button("Suggest evidence for all documents", key="run_suggest"):
    with st.spinner("Ranking passages against the requirements…"), views.guarded("Suggesting"):
        made = suggest_for_workspace(workspace)
        state.changed()
        state.flash(f"{len(made)} suggestions made.")
        st.rerun()
last = state.last_suggestion_run(root)
if last:
    learnt = (
        f"learnt from {last['examples']} earlier decisions (accepted, rejected or linked by hand): near copies of "
        "those passages and documents rank their requirement higher, or lower when rejected"
        if last["examples"]
        else "learnt from no earlier decisions (none yet, or no embedding model to compare passages with)"
    )
    st.caption(f"Last suggested {last['at']} UTC with {last['model']}; {learnt}.")
if not pending:
    st.info("The review queue is empty: ingest documents (Documents page) and run the suggestions.")
    st.stop()

reviewer = st.text_input(
    "Reviewer (person id)", key=state.REVIEWER, value=None if state.REVIEWER in st.session_state else "analyst"
)
requirements = sorted({s.requirement for s in pending})
only = st.selectbox(
    "Requirement", ["(all)", *requirements], key="sugg_req", format_func=lambda r: r if r == "(all)" else state.label(r)
)
shown = sorted((s for s in pending if only in ("(all)", s.requirement)), key=lambda s: -s.score)[:50]
st.caption(f"{len(pending)} suggestions pending; showing {len(shown)}.")
chosen: list[str] = []
for index, s in enumerate(shown):
    with st.container(border=True):
        top = st.columns([0.5, 5, 2])
        if top[0].checkbox("select", key=f"sugg_pick_{index}", label_visibility="collapsed"):
            chosen.append(s.id)
        text = views.as_text
        top[1].markdown(f"**{text(state.label(s.requirement))}**  \n{text(s.document)} · {text(s.passage_location)}")
        if s.learnt_from:
            top[1].caption(
                f"Ranked up: nearly the same text was linked to it before ({text(', '.join(s.learnt_from))})."
            )
        top[2].markdown(f"score **{s.score:.2f}** · rank {s.rank} · {text(s.method)}")
        st.markdown(
            f"<div style='font-size:0.92em'>{highlight(s.passage_text, list(s.matched_terms))}</div>",
            unsafe_allow_html=True,
        )

by_id = {s.id: s for s in shown}
registered = sorted({system for i in chosen for system in document_systems(workspace.store, by_id[i].document)})
scope = st.multiselect(
    "Accepted evidence covers these AI systems (none: the organisation as a whole)",
    known_systems(workspace.store),
    default=registered,
    key=f"sugg_scope_{'-'.join(registered)}",  # a new default when the chosen documents' systems change
    help="Defaults to the systems the chosen documents' register entries name.",
)
cols = st.columns([1, 1, 4])
if cols[0].button(f"Accept {len(chosen)}", type="primary", disabled=not chosen, key="sugg_accept"):
    with views.guarded("Accepting"):
        count = accept_suggestions(workspace, chosen, reviewer or "analyst", list(scope))
        state.changed()
        state.flash(f"Accepted {count} suggestion(s): coverage updated.")
        st.rerun()
if cols[1].button(f"Reject {len(chosen)}", disabled=not chosen, key="sugg_reject"):
    with views.guarded("Rejecting"):
        count = reject_suggestions(workspace, chosen, reviewer or "analyst")
        state.changed()
        state.flash(f"Rejected {count} suggestion(s).")
        st.rerun()
