"""Graph: the neighbourhood of one node (requirement, system, risk, document), expanded step by step."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import state

from aimsgraph.namespaces import org_iri, requirement_iri

MAX_EDGES = 24  # never draw everything: a large graph stays readable and fast

root = state.root()
st.title("Graph")
kinds = {
    "AI system": [(str(org_iri("system", s["id"])), f"{s['id']} {s['name']}") for s in state.systems(root)],
    "Requirement": [(str(requirement_iri(r.id)), r.label) for r in state.requirements()],
    "Risk": [(str(org_iri("risk", r["id"])), f"{r['id']} {r['title']}") for r in state.risks(root)],
    "Document": [(str(org_iri("evidence", d["id"])), f"{d['id']} {d['title']}") for d in state.documents(root)],
}
cols = st.columns([1, 3])
kind = cols[0].selectbox("Start from", list(kinds), key="graph_kind")
options = dict(kinds[kind])
if not options:
    st.info(f"No {kind.lower()} in this workspace.")
    st.stop()
start = cols[1].selectbox(kind, list(options), format_func=options.__getitem__, key="graph_start")
if st.session_state.get("graph_start_seen") != start:
    st.session_state[state.GRAPH_FOCUS] = [start]
    st.session_state["graph_start_seen"] = start
expanded: list[str] = st.session_state[state.GRAPH_FOCUS]

STYLE = (
    'rankdir=LR; nodesep=0.12; ranksep=1.2; bgcolor="transparent"; '
    'node [shape=box, style="rounded,filled", fillcolor="#eef3f8", color="#1f5f8b", fontname="Helvetica", '
    'fontsize=12]; edge [fontsize=9, color="#888888"];'
)
dot = ["digraph G {", STYLE]
labels: dict[str, str] = {}
drawn = 0
for node in expanded:
    labels[node] = state.node_label(root, node)
    for direction, predicate, other, other_label in state.neighbours(root, node, MAX_EDGES):
        labels.setdefault(other, other_label)
        a, b = (node, other) if direction == "out" else (other, node)
        dot.append(f'"{a}" -> "{b}" [label="{predicate}"];')
        drawn += 1
for node, text in labels.items():
    fill = ', fillcolor="#ffd580"' if node in expanded else ""
    dot.append(f'"{node}" [label="{text[:48].replace(chr(34), "")}"{fill}];')
dot.append("}")
st.graphviz_chart("\n".join(dot), width="stretch")
st.caption(f"{len(labels)} nodes, {drawn} edges (at most {MAX_EDGES} per expanded node).")

others = {n: t for n, t in labels.items() if n not in expanded}
cols = st.columns([3, 1, 1])
pick = cols[0].selectbox(
    "Expand a neighbour",
    list(others),
    format_func=others.__getitem__,
    key="graph_pick",
    index=None,
    placeholder="Choose a node to expand",
)
if cols[1].button("Expand", key="graph_expand", disabled=pick is None) and pick:
    st.session_state[state.GRAPH_FOCUS] = [*expanded, pick][-4:]
    st.rerun()
if cols[2].button("Reset", key="graph_reset"):
    st.session_state[state.GRAPH_FOCUS] = [start]
    st.rerun()
