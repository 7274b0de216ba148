"""Graph: the neighbourhood of one node (requirement, system, risk, document); click a node to expand it."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import network, state, views

from aimsgraph.vocabulary.namespaces import org_iri, requirement_iri

MAX_EDGES = 24  # per expanded node: never draw everything, so a large graph stays readable and fast

root = state.root()
st.title("Graph")
kinds = {
    "AI system": {str(org_iri("system", s["id"])): f"{s['id']} {s['name']}" for s in state.systems(root)},
    "Requirement": {str(requirement_iri(r.id)): r.label for r in state.requirements()},
    "Risk": {str(org_iri("risk", r["id"])): f"{r['id']} {r['title']}" for r in state.risks(root)},
    "Document": {str(org_iri("evidence", d["id"])): f"{d['id']} {d['title']}" for d in state.documents(root)},
}
cols = st.columns([1, 3, 1], vertical_alignment="bottom")
kind = cols[0].selectbox("Start from", list(kinds), key="graph_kind")
if not kinds[kind]:
    st.info(f"No {views.as_text(kind.lower())} in this workspace.")
    st.stop()
start = views.pick(cols[1], kind, kinds[kind], key="graph_start")
if start is None:  # without a placeholder the first node is chosen: None only for an empty list, handled above
    st.stop()
reset = cols[2].button("Reset", key="graph_reset")
if reset or st.session_state.get(state.GRAPH_START) != start:
    state.restart_graph(start)
expanded: list[str] = st.session_state[state.GRAPH_FOCUS]

drawn = network.neighbourhood(
    expanded,
    lambda iri: state.node_label(root, iri),
    lambda iri: state.neighbours(root, iri, MAX_EDGES),
)
event = st.plotly_chart(
    network.figure(drawn),
    on_select="rerun",
    selection_mode="points",
    key=state.graph_chart_key(),
    config={"displayModeBar": False},
)
clicked = network.clicked_node(event)
if clicked in drawn.labels and clicked != st.session_state.get(state.GRAPH_CLICKED):
    # A selection outlives the rerun: act on each click once.
    st.session_state[state.GRAPH_CLICKED] = clicked
    st.session_state[state.GRAPH_FOCUS] = network.grow(expanded, clicked)
    st.rerun()
st.caption(
    f"{len(drawn.labels)} nodes, {len(drawn.edges)} edges. Click a node to expand it (at most {MAX_EDGES} edges "
    f"per node; the last {network.MAX_EXPANDED} expanded nodes, in orange, are kept). Hover for names and relations."
)
