"""The Graph page's drawing: a node-link figure (networkx layout, plotly scatter) whose nodes carry their IRI.

Plain functions of plain rows, so they can be tested without a page. plotly is imported here only, so no other
page pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import plotly.graph_objects as go

MAX_EXPANDED = 5  # expanded nodes kept; with at most MAX_EDGES each, a drawing stays readable on any graph

Edge = tuple[str, str, str]  # (from IRI, predicate name, to IRI)


@dataclass
class Neighbourhood:
    """What is drawn: labels of the nodes, the edges between them, and which nodes were expanded."""

    expanded: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def grow(expanded: list[str], clicked: str, cap: int = MAX_EXPANDED) -> list[str]:
    """The expanded nodes after a click on `clicked`: added last, the oldest dropped beyond `cap`."""
    if clicked in expanded:
        return expanded
    return [*expanded, clicked][-cap:]


def neighbourhood(expanded: list[str], label: Any, neighbours: Any) -> Neighbourhood:
    """The nodes and edges around every expanded node; `label(iri)` and `neighbours(iri)` read the store."""
    drawn = Neighbourhood(list(expanded))
    for node in expanded:
        drawn.labels.setdefault(node, label(node))
        for direction, predicate, other, other_label in neighbours(node):
            drawn.labels.setdefault(other, other_label)
            drawn.edges.append((node, predicate, other) if direction == "out" else (other, predicate, node))
    return drawn


def _layout(nodes: Iterable[str], edges: list[Edge]) -> Mapping[str, Any]:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, _, b in edges)
    # A fixed seed: the same neighbourhood is drawn the same way on every rerun.
    return nx.spring_layout(graph, seed=7, iterations=80)  # type: ignore[no-any-return]


def figure(drawn: Neighbourhood, height: int = 640) -> go.Figure:
    """The node-link figure; each node point has its IRI as customdata, so a click says which node it was."""
    where = _layout(drawn.labels, drawn.edges)
    lines_x: list[float | None] = []
    lines_y: list[float | None] = []
    for a, _, b in drawn.edges:
        lines_x += [where[a][0], where[b][0], None]
        lines_y += [where[a][1], where[b][1], None]
    nodes = list(drawn.labels)
    edge_names = _edge_names(drawn.edges)
    points = go.Scatter(
        x=[where[n][0] for n in nodes],
        y=[where[n][1] for n in nodes],
        mode="markers+text",
        text=[drawn.labels[n].split(" ", 1)[0][:28] for n in nodes],
        textposition="top center",
        textfont={"size": 11},
        customdata=nodes,
        hovertext=[f"{drawn.labels[n]}<br><i>{edge_names.get(n, '')}</i>" for n in nodes],
        hoverinfo="text",
        marker={
            "size": [22 if n in drawn.expanded else 14 for n in nodes],
            "color": ["#f0a030" if n in drawn.expanded else "#1f5f8b" for n in nodes],
            "line": {"width": 1, "color": "#ffffff"},
        },
        name="nodes",
    )
    lines = go.Scatter(
        x=lines_x, y=lines_y, mode="lines", line={"width": 1, "color": "#b0b8c0"}, hoverinfo="skip", name="edges"
    )
    fig = go.Figure([lines, points])
    hidden = {"visible": False}
    fig.update_layout(
        height=height, showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10}, xaxis=hidden, yaxis=hidden
    )
    return fig


def _edge_names(edges: list[Edge]) -> dict[str, str]:
    """Per node, the relations it takes part in (shown on hover, since edge labels would crowd the drawing)."""
    names: dict[str, set[str]] = {}
    for a, predicate, b in edges:
        names.setdefault(a, set()).add(predicate)
        names.setdefault(b, set()).add(predicate)
    return {node: ", ".join(sorted(found)) for node, found in names.items()}


def clicked_node(event: Any) -> str | None:
    """The IRI of the node a plotly selection event points at, if any."""
    points = (event or {}).get("selection", {}).get("points", [])
    for point in points:
        data = point.get("customdata")
        iri = data[0] if isinstance(data, list) and data else data
        if isinstance(iri, str) and iri:
            return iri
    return None
