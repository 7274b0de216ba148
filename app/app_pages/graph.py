"""Graph: the neighbourhood of one node (requirement, system, risk, document); click a node to expand it."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import links, network, state, views

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
# graph?node=<id>: start from the requirement, system, risk or document with that id.
by_id = {iri.rsplit(":", 1)[-1].rsplit("/", 1)[-1]: (k, iri) for k, nodes in kinds.items() for iri in nodes}
asked = st.query_params.get("node")
if asked is not None and st.session_state.get("graph_node__url") != asked:
    if asked not in by_id:
        labels = {i: kinds[k][iri] for i, (k, iri) in by_id.items()}
        links.not_found("node", asked, "graph", {f"{i}": v for i, v in labels.items()}, key="graph_search_missing")
    st.session_state["graph_node__url"] = asked
    st.session_state["graph_kind"], st.session_state["graph_start"] = by_id[asked]
cols = st.columns([1, 3, 1], vertical_alignment="bottom")
kind = cols[0].selectbox("Start from", list(kinds), key="graph_kind")
if not kinds[kind]:
    st.info(f"No {views.as_text(kind.lower())} in this workspace.")
    st.stop()
start = views.pick(cols[1], kind, kinds[kind], key="graph_start")
if start is None:  # without a placeholder the first node is chosen: None only for an empty list, handled above
    st.stop()
links.publish("node", start.rsplit(":", 1)[-1].rsplit("/", 1)[-1], "graph_node")
reset = cols[2].button("Reset", key="graph_reset")
if reset or st.session_state.get(state.GRAPH_START) != start:
    state.restart_graph(start)
expanded: list[str] = st.session_state[state.GRAPH_FOCUS]

limit = int(st.session_state.get(state.GRAPH_LIMIT, MAX_EDGES))
drawn = network.neighbourhood(
    expanded,
    lambda iri: state.node_label(root, iri),
    lambda iri: state.neighbours(root, iri, limit),
)
where = network.layout(drawn.labels, drawn.edges, st.session_state.get(state.GRAPH_POSITIONS))
st.session_state[state.GRAPH_POSITIONS] = where  # the next expansion keeps these nodes where they are
event = st.plotly_chart(
    network.figure(drawn, where),
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
    f"{len(drawn.labels)} nodes, {len(drawn.edges)} edges. Click a node to expand it (the last "
    f"{network.MAX_EXPANDED} expanded nodes, ringed in orange, are kept). Hover for ids and relations."
)
shown = []
for node in expanded:
    total = len(state.neighbours(root, node, network.ALL_EDGES))
    drawn_here = min(total, limit)
    target = network.page_of(node)
    name = views.escape_md(state.node_label(root, node))
    opened = f" · {links.anchor(target[0], 'open its page', id=target[1].removeprefix('treatment:'))}" if target else ""
    shown.append(f"**{name}**: {drawn_here} of {total} neighbours shown{opened}")
st.markdown("  \n".join(shown), unsafe_allow_html=True)
more = any(len(state.neighbours(root, n, network.ALL_EDGES)) > limit for n in expanded)
if more and st.button(f"Show more (up to {limit + MAX_EDGES} per node)", key="graph_more"):
    st.session_state[state.GRAPH_LIMIT] = limit + MAX_EDGES
    st.rerun()
