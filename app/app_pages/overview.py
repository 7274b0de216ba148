"""Overview: coverage per clause and Annex A objective, per AI system, findings by severity, trend."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import charts, links, state, views
from aimsgraph.app.overview_data import STATUSES

CARRIED = ("covered", "partial", "missing", "not-applicable", "unmapped")

root = state.root()
st.title("Overview")
figures = state.overview(root)

cols = st.columns(6)
# Labels short enough to show whole in a sixth of the page at 1440 px; the caption below names the scope.
cols[0].metric("Covered / applicable", f"{figures.covered} / {figures.required}")
cols[1].metric(
    "Organisation coverage", f"{100 * figures.covered / figures.required:.0f} %" if figures.required else "–"
)
cols[2].metric("Without evidence", figures.missing, help="Requirements with no evidence at all")
cols[3].metric("Violations", figures.severities["violation"])
cols[4].metric("AI systems", len(state.systems(root)))
cols[5].metric("Suggestions to review", len(state.suggestions(root)))
st.caption(
    "Scope: the organisation. Covered applicable leaf requirements out of applicable ones; excluded (SoA) and "
    "not-applicable (role, stage, supplier) requirements do not count. Each AI system's figure: Coverage per scope."
)

frameworks = {f.id: f"{f.id} · {f.title}" for f in state.frameworks(root)}
if frameworks:  # the coverage carried across to other frameworks (Crosswalk page), one chosen at a time
    options = {"": "ISO/IEC 42001 (the figures above)", **frameworks}
    links.follow("framework", "overview_framework", options)  # an unknown id shows the 42001 figures
    chosen = st.selectbox("Framework", list(options), format_func=options.__getitem__, key="overview_framework")
    links.publish("framework", chosen or None, "overview_framework")
    if chosen:
        carried = state.framework_coverage(root, chosen)
        scopes = list(dict.fromkeys(r.scope for r in carried))
        rows = [
            {"scope": scope}
            | {status: sum(1 for r in carried if r.scope == scope and r.status == status) for status in CARRIED}
            for scope in scopes
        ]
        views.html(charts.table(rows), "The framework has no control with a text.")
        st.markdown(
            f"Each control's status is carried across from the 42001 requirements it maps to: "
            f"{links.anchor('crosswalk', 'open it on the Crosswalk page', framework=chosen)}.",
            unsafe_allow_html=True,
        )

left, right = st.columns([3, 2])
with left:
    st.subheader("Coverage per clause and Annex A objective")
    views.html(
        charts.stacked_bars(
            figures.groups,
            STATUSES,
            "requirements",
            "leaf requirements",
            link=lambda group, status: links.href("requirements", group=group, status=status),
        )
    )
with right:
    st.subheader("Findings by severity")
    views.html(
        charts.columns(
            figures.severities,
            charts.SEVERITY_COLOURS,
            "findings",
            link=lambda severity: links.href("gaps", severity=severity),
        )
    )
    st.subheader("Trend across validation runs")
    runs = state.history(root)
    if runs:
        views.html(charts.lines(runs, "run", ["coverage %", "violations", "warnings"]))
    else:
        st.caption("No validation runs recorded yet: `aimsgraph validate` (or the sidebar button) records one.")

st.subheader("Coverage per scope")
views.html(charts.table(figures.scopes))
st.subheader("Coverage by requirement group and AI system")
order = list(dict.fromkeys(row["group"] for row in figures.groups))
views.html(
    charts.heatmap(
        figures.heatmap,
        order,
        figures.systems,
        link=lambda group, system: links.href("requirements", group=group, system=system),
    )
)
st.caption(
    "Rows are clauses and Annex A objectives; hover a cell for its counts, click it for the requirements it counts."
)

st.subheader("Weak spots")
single, broken = state.weak_spots(root)
left, right = st.columns(2)
with left:
    st.markdown("**Single points of failure**: evidence that alone supports several requirements")
    points: list[dict[str, object]] = [
        {
            "evidence": charts.Anchor(s.evidence, links.href("documents", id=s.evidence)),
            "requirements": [charts.Anchor(r, links.href("requirements", id=r)) for r in s.requirements],
        }
        for s in single
    ]
    views.html(
        charts.table(points, height=None), "None: every requirement has more than one current support or none at all."
    )
with right:
    st.markdown("**Broken risk chains**: risk → treatment → control → current evidence")
    chains: list[dict[str, object]] = [
        {"risk": charts.Anchor(f"{b.risk} {b.title}", links.href("risks", id=b.risk)), "why": b.reason} for b in broken
    ]
    views.html(charts.table(chains, height=None), "Every risk reaches current evidence through its controls.")
