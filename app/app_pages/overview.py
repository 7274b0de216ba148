"""Overview: coverage per clause and Annex A objective, per AI system, findings by severity, trend."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from aimsgraph.app import state, views
from aimsgraph.app.overview_data import STATUSES

root = state.root()
st.title("Overview")
figures = state.overview(root)
has_matrix = state.coverage(root) is not None
pending = state.suggestions(root)

cols = st.columns(6)
cols[0].metric("Requirements covered", f"{figures.covered} / {figures.required}" if has_matrix else "–")
cols[1].metric("Coverage", f"{100 * figures.covered / figures.required:.0f} %" if figures.required else "–")
cols[2].metric("Without evidence", figures.missing if has_matrix else "–", help="Requirements with no evidence at all")
cols[3].metric("Violations", figures.severities["violation"] if figures.severities is not None else "–")
cols[4].metric("AI systems", len(state.systems(root)))
cols[5].metric("Suggestions to review", len(pending) if pending is not None else "–")
STATUS_COLOURS = alt.Scale(domain=list(STATUSES), range=["#2e8b57", "#e0b040", "#f08c3c", "#d9534f"])

left, right = st.columns([3, 2])
with left:
    st.subheader("Coverage per clause and Annex A objective")
    if not has_matrix:
        views.not_available("Coverage")
    else:
        labels = list(dict.fromkeys(row["label"] for row in figures.groups))
        chart = (
            alt.Chart(pd.DataFrame(figures.groups))
            .mark_bar()
            .encode(
                y=alt.Y("label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=300, labelOverlap=False)),
                x=alt.X("requirements:Q", stack="zero", title="leaf requirements"),
                color=alt.Color("status:N", scale=STATUS_COLOURS, sort=list(STATUSES)),
                order=alt.Order("rank:Q"),
                tooltip=[alt.Tooltip("label:N", title="group"), "status", "requirements"],
            )
            .transform_calculate(rank=f"indexof({list(STATUSES)}, datum.status)")
            .properties(height=26 * len(labels))
        )
        st.altair_chart(chart, width="stretch")
with right:
    st.subheader("Findings by severity")
    if figures.severities is None:
        views.not_available("Validation")
    else:
        frame = pd.DataFrame([{"severity": s, "findings": n} for s, n in figures.severities.items()])
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("severity:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
                y="findings:Q",
                color=alt.Color(
                    "severity:N",
                    legend=None,
                    scale=alt.Scale(domain=["violation", "warning", "info"], range=["#d9534f", "#f0ad4e", "#5bc0de"]),
                ),
                tooltip=["severity", "findings"],
            )
            .properties(height=220)
        )
        st.altair_chart(chart, width="stretch")
    st.subheader("Trend across validation runs")
    runs = state.history(root)
    if runs:
        frame = pd.DataFrame(runs).set_index("run")
        st.line_chart(frame[["coverage %", "violations", "warnings"]], height=220)
    else:
        st.caption("No validation runs recorded yet: `aimsgraph validate` (or the sidebar button) records one.")

st.subheader("Coverage by requirement group and AI system")
if not has_matrix:
    views.not_available("Coverage")
else:
    order = list(dict.fromkeys(row["group"] for row in figures.groups))
    many = len(figures.systems) > 12  # beyond a dozen columns, system ids are turned to stay readable
    heat = (
        alt.Chart(pd.DataFrame(figures.heatmap))
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "system:N",
                title=None,
                sort=figures.systems,
                axis=alt.Axis(orient="top", labelAngle=-60 if many else 0, labelLimit=120, labelOverlap=True),
            ),
            y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("covered %:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 100])),
            tooltip=["group", "title", "system", "covered", "required", "covered %"],
        )
        .properties(height=26 * len(order))
    )
    st.altair_chart(heat, width="stretch")
    st.caption("Rows are clause and Annex A objective ids; hover a cell for the group's title and its counts.")

st.subheader("Weak spots")
spots = state.weak_spots(root)
if spots is None:
    views.not_available("Analytics")
else:
    single, broken = spots
    left, right = st.columns(2)
    with left:
        st.markdown("**Single points of failure**: evidence that alone supports several requirements")
        views.table(
            [{"evidence": s.evidence, "requirements": ", ".join(s.requirements)} for s in single],
            "None: every requirement has more than one current support or none at all.",
        )
    with right:
        st.markdown("**Broken risk chains**: risk → treatment → control → current evidence")
        views.table(
            [{"risk": f"{b.risk} {b.title}", "why": b.reason} for b in broken],
            "Every risk reaches current evidence through its controls.",
        )
