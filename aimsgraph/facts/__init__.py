"""Organisation facts: read the workspace's org/ files, check them, and turn them into the org graph."""

from aimsgraph.facts.loading import (
    build_org_graph,
    build_org_triples,
    checked_org_files,
    org_files,
    org_fingerprint,
    org_graph_builds,
)

__all__ = [
    "build_org_graph",
    "build_org_triples",
    "checked_org_files",
    "org_files",
    "org_fingerprint",
    "org_graph_builds",
]
