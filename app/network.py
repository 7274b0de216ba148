"""The Graph page's drawing: a node-link figure (networkx layout, plotly scatter) whose nodes carry their IRI.

Plain functions of plain rows, so they can be tested without a page. plotly is imported here only, so no other
page pays for it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

import networkx as nx
import plotly.graph_objects as go

MAX_EXPANDED = 5  # expanded nodes kept; with at most MAX_EDGES each, a drawing stays readable on any graph
ALL_EDGES = 800  # the neighbour queries' own cap (400 each way): "24 of N" counts up to it
REQUIREMENTS = "https://w3id.org/aimsgraph/iso42001/"
# Node kind by IRI prefix -> (name, colour, marker symbol): what the legend shows.
KINDS = {
    REQUIREMENTS: ("Requirement", "#2e8b57", "square"),
    "urn:aims:system:": ("AI system", "#1f5f8b", "diamond"),
    "urn:aims:risk:": ("Risk", "#d9534f", "triangle-up"),
    "urn:aims:treatment:": ("Treatment", "#f08c3c", "triangle-down"),
    "urn:aims:evidence:": ("Document", "#7b5ea7", "circle"),
    "urn:aims:person:": ("Person", "#5bc0de", "circle"),
    "urn:aims:link:": ("Evidence link", "#8a8f98", "circle-open"),
}
OTHER = ("Other", "#b0b8c0", "circle")
PAGES = {
    REQUIREMENTS: "requirements",
    "urn:aims:system:": "systems",
    "urn:aims:risk:": "risks",
    "urn:aims:treatment:": "risks",
    "urn:aims:evidence:": "documents",
}

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


def kind(iri: str) -> tuple[str, str, str]:
    """(kind name, colour, marker symbol) of a node, from its IRI."""
    return next((found for prefix, found in KINDS.items() if iri.startswith(prefix)), OTHER)


def page_of(iri: str) -> tuple[str, str] | None:
    """The explorer page and id that show a node (a treatment opens its risk), or None for nodes without a page."""
    for prefix, page in PAGES.items():
        if iri.startswith(prefix):
            return page, iri[len(prefix) :]
    return None


Positions = dict[str, tuple[float, float]]


def layout(
    nodes: Iterable[str], edges: list[Edge], previous: Mapping[str, tuple[float, float]] | None = None
) -> Positions:
    """Where each node is drawn. Nodes already drawn (`previous`) stay where they were, so expanding a node only
    adds its neighbours around it instead of moving everything the analyst has looked at."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, _, b in edges)
    kept = {n: previous[n] for n in graph if previous and n in previous}
    if not kept:  # a fixed seed: the same neighbourhood is drawn the same way on every rerun
        found = nx.spring_layout(graph, seed=7, iterations=80)
    else:
        spread = random.Random(7)  # new nodes start near a drawn neighbour, then settle among the fixed ones
        start: dict[str, Any] = dict(kept)
        for node in graph:
            if node not in start:
                near = next((kept[m] for m in graph[node] if m in kept), (0.0, 0.0))
                start[node] = (near[0] + spread.uniform(-0.3, 0.3), near[1] + spread.uniform(-0.3, 0.3))
        found = nx.spring_layout(graph, pos=start, fixed=list(kept), seed=7, iterations=80)
    return {n: (float(x), float(y)) for n, (x, y) in found.items()}


def figure(drawn: Neighbourhood, where: Mapping[str, tuple[float, float]], height: int = 640) -> go.Figure:
    """The node-link figure at the positions `where` (layout); each node point has its IRI as customdata, so a
    click says which node it was."""
    lines_x: list[float | None] = []
    lines_y: list[float | None] = []
    for a, _, b in drawn.edges:
        lines_x += [where[a][0], where[b][0], None]
        lines_y += [where[a][1], where[b][1], None]
    nodes = list(drawn.labels)
    edge_names = _edge_names(drawn.edges)
    kinds = [kind(n) for n in nodes]
    points = go.Scatter(
        x=[where[n][0] for n in nodes],
        y=[where[n][1] for n in nodes],
        mode="markers+text",
        text=[_title(drawn.labels[n])[:28] for n in nodes],
        textposition="top center",
        textfont={"size": 11},
        customdata=nodes,
        hovertext=[
            f"{k[0]}: {escape(drawn.labels[n])}<br><i>{edge_names.get(n, '')}</i>"
            for n, k in zip(nodes, kinds, strict=True)
        ],
        hoverinfo="text",
        marker={
            "size": [22 if n in drawn.expanded else 14 for n in nodes],
            "color": [k[1] for k in kinds],
            "symbol": [k[2] for k in kinds],
            "line": {
                "width": [3 if n in drawn.expanded else 1 for n in nodes],
                "color": ["#f0a030" if n in drawn.expanded else "#ffffff" for n in nodes],
            },
        },
        name="nodes",
        showlegend=False,
    )
    lines = go.Scatter(
        x=lines_x,
        y=lines_y,
        mode="lines",
        line={"width": 1, "color": "#b0b8c0"},
        hoverinfo="skip",
        name="edges",
        showlegend=False,
    )
    middle = go.Scatter(  # each edge's property at its middle, so the relation reads without hovering
        x=[(where[a][0] + where[b][0]) / 2 for a, _, b in drawn.edges],
        y=[(where[a][1] + where[b][1]) / 2 for a, _, b in drawn.edges],
        mode="text",
        text=[p for _, p, _ in drawn.edges],
        textfont={"size": 9, "color": "#6c757d"},
        hoverinfo="skip",
        showlegend=False,
    )
    legend = [
        go.Scatter(
            x=[None], y=[None], mode="markers", name=name, marker={"color": colour, "symbol": symbol, "size": 11}
        )
        for name, colour, symbol in dict.fromkeys(kinds)
    ]
    fig = go.Figure([lines, points, middle, *legend])  # nodes stay trace 1: a click's point index reads from it
    hidden = {"visible": False}
    fig.update_layout(
        height=height,
        showlegend=True,
        legend={"orientation": "h", "y": 1.02, "x": 0},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis=hidden,
        yaxis=hidden,
        annotations=[_arrow(where[a], where[b]) for a, _, b in drawn.edges],
    )
    return fig


def _title(label: str) -> str:
    """A node's title for its caption (the id is in the tooltip); a bare id when it has no title."""
    parts = label.split(" ", 1)
    return parts[1] if len(parts) > 1 else parts[0]


def _arrow(start: Any, end: Any) -> dict[str, Any]:
    """An arrowhead three quarters of the way along an edge, pointing from subject to object."""
    x, y = start[0] + 0.75 * (end[0] - start[0]), start[1] + 0.75 * (end[1] - start[1])
    return {
        "x": x,
        "y": y,
        "ax": start[0],
        "ay": start[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.2,
        "arrowwidth": 1,
        "arrowcolor": "#8a8f98",
        "text": "",
        "standoff": 0,
    }


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
