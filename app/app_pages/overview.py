"""Overview: coverage per clause and Annex A objective, per AI system, findings by severity, trend."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from aimsgraph.app import state, views

root = state.root()
st.title("Overview")
matrix = state.coverage(root)
report = state.report(root)
systems = state.systems(root)


def _heatmap_rows(matrix: Any) -> list[dict[str, Any]]:
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (requirement, system), cell in matrix.cells.items():
        if cell.status == "excluded":
            continue
        key = (views.group_of(requirement), system or "organisation")
        tally[key][0] += cell.status == "covered"
        tally[key][1] += 1
    return [
        {"group": state.label(g), "system": s, "covered %": round(100 * c / n), "covered": c, "required": n}
        for (g, s), (c, n) in tally.items()
    ]


covered = required = 0
if matrix is not None:
    groups = matrix.group_summary()
    covered, required = sum(g.covered for g in groups), sum(g.required for g in groups)
severities = Counter(f.severity for f in report.findings) if report is not None else Counter()
pending = state.suggestions(root)

cols = st.columns(5)
cols[0].metric("Requirements covered", f"{covered} / {required}" if matrix is not None else "–")
cols[1].metric("Coverage", f"{100 * covered / required:.0f} %" if required else "–")
cols[2].metric("Violations", severities["violation"] if report is not None else "–")
cols[3].metric("AI systems", len(systems))
cols[4].metric("Suggestions to review", len(pending) if pending is not None else "–")

left, right = st.columns([3, 2])
with left:
    st.subheader("Coverage per clause and Annex A objective")
    if matrix is None:
        views.not_available("Coverage")
    else:
        summary = pd.DataFrame(
            [
                {"group": f"{g.group} {g.title}", "covered": g.covered, "missing": g.required - g.covered}
                for g in matrix.group_summary()
            ]
        )
        long = summary.melt("group", var_name="status", value_name="requirements")
        chart = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                y=alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
                x=alt.X("requirements:Q", stack="zero"),
                color=alt.Color(
                    "status:N", scale=alt.Scale(domain=["covered", "missing"], range=["#2e8b57", "#d9534f"])
                ),
                tooltip=["group", "status", "requirements"],
            )
        )
        st.altair_chart(chart, width="stretch")
with right:
    st.subheader("Findings by severity")
    if report is None:
        views.not_available("Validation")
    else:
        frame = pd.DataFrame([{"severity": s, "findings": severities[s]} for s in ("violation", "warning", "info")])
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("severity:N", sort=None, title=None),
                y="findings:Q",
                color=alt.Color(
                    "severity:N",
                    legend=None,
                    scale=alt.Scale(domain=["violation", "warning", "info"], range=["#d9534f", "#f0ad4e", "#5bc0de"]),
                ),
            )
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
if matrix is None:
    views.not_available("Coverage")
else:
    frame = pd.DataFrame(_heatmap_rows(matrix))
    order = [state.label(g.group) for g in matrix.group_summary()]
    columns = ["organisation", *matrix.systems]
    heat = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("system:N", title=None, sort=columns, axis=alt.Axis(labelAngle=0, orient="top")),
            y=alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("covered %:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 100])),
            tooltip=["group", "system", "covered", "required", "covered %"],
        )
        .properties(height=24 * len(order))
    )
    st.altair_chart(heat, width="stretch")

st.subheader("Weak spots")
spots = state.weak_spots(root)
if spots is None:
    views.not_available("Analytics")
else:
    single, broken = spots
    left, right = st.columns(2)
    with left:
        st.markdown("**Single points of failure**: evidence that alone supports several requirements")
        if single:
            rows = [{"evidence": s.evidence, "requirements": ", ".join(s.requirements)} for s in single]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.caption("None: every requirement has more than one current support or none at all.")
    with right:
        st.markdown("**Broken risk chains**: risk → treatment → control → current evidence")
        if broken:
            rows = [{"risk": f"{b.risk} {b.title}", "why": b.reason} for b in broken]
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.caption("Every risk reaches current evidence through its controls.")
