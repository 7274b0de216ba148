"""AI systems: inventory, risk heatmap (likelihood x impact) and each system's coverage column."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from aimsgraph.app import links, state, views

root = state.root()
st.title("AI systems")
systems = state.systems(root)
if not systems:
    st.info("No AI systems in the inventory yet: add them to org/ai_systems.yaml and run `aimsgraph load`.")
    st.stop()

names = {s["id"]: f"{s['id']} — {s['name']}" for s in systems}
links.follow_id("AI system", "systems", names, "system_choice", "system_search_missing")
# A system with no impact assessment says so in its row (A.5.2), instead of an empty cell.
inventory = [
    {**s, "id": links.href("systems", id=s["id"]), "impact assessment": s["impact assessment"] or "⚠ missing"}
    for s in systems
]
st.dataframe(
    pd.DataFrame(inventory),
    hide_index=True,
    width="stretch",
    # The name takes what is left, so every column (the supplier last) stays on screen at 1440 px.
    column_config={"id": links.link_column("systems", "id"), "name": st.column_config.TextColumn(width="medium")},
)
chosen = views.pick(st, "AI system", names, "system_choice")
links.publish("id", chosen, "system_choice")

left, right = st.columns(2)
with left:
    st.subheader("Risks: likelihood x impact")
    risks = [r for r in state.risks(root) if r["system"] == chosen and r["likelihood"] and r["impact"]]
    if not risks:
        st.caption("No rated risks for this system.")
    else:
        frame = pd.DataFrame(risks)
        threshold = state.risk_threshold(root)
        grid = pd.DataFrame([{"likelihood": li, "impact": im} for li in range(1, 6) for im in range(1, 6)])
        counts = frame.groupby(["likelihood", "impact"]).agg(risks=("id", "count"), ids=("id", ", ".join))
        grid = grid.merge(counts.reset_index(), how="left").fillna({"risks": 0, "ids": ""})
        grid["score"] = grid["likelihood"] * grid["impact"]
        grid["above"] = grid["score"] >= (threshold or 26)  # 26: no cell is above a threshold that is not set
        base = alt.Chart(grid).encode(
            x=alt.X("likelihood:O", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("impact:O", sort="descending", axis=alt.Axis(labelAngle=0)),
        )
        cell = alt.selection_point(name="cell", fields=["likelihood", "impact"])
        cells = (
            base.mark_rect()
            .encode(
                color=alt.Color("score:Q", scale=alt.Scale(scheme="yelloworangered"), legend=None),
                # The risk threshold as a line around every cell at or above it: those risks need treatment.
                stroke=alt.condition("datum.above", alt.value("#1f2937"), alt.value("white")),
                strokeWidth=alt.condition("datum.above", alt.value(2.5), alt.value(1)),
                opacity=alt.condition(cell, alt.value(1.0), alt.value(0.55)),
                tooltip=["likelihood", "impact", "score", "ids"],
            )
            .add_params(cell)
        )
        text = base.mark_text(fontSize=14).encode(text=alt.Text("ids:N"))
        event = st.altair_chart(
            (cells + text).properties(height=260), width="stretch", on_select="rerun", key=f"risk_heat_{chosen}"
        )
        st.caption(
            (
                f"Outlined cells: score (likelihood x impact) at or above the risk threshold {threshold}. "
                if threshold
                else ""
            )
            + "Click a cell to list only its risks."
        )
        picked = (event.get("selection") or {}).get("cell") or []
        if picked:  # the cell clicked: the table below lists what it counts
            at = {(int(p["likelihood"]), int(p["impact"])) for p in picked}
            frame = frame[[(li, im) in at for li, im in zip(frame["likelihood"], frame["impact"], strict=True)]]
        st.dataframe(
            frame.assign(id=[links.href("risks", id=i) for i in frame["id"]])[
                ["id", "score", "likelihood", "impact", "treatment", "title", "controls"]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "id": links.link_column("risks", "id"),
                "title": st.column_config.TextColumn(width="medium"),
            },
        )
with right:
    st.subheader("Coverage of this system")
    matrix = state.coverage(root)
    rows = [
        {
            "requirement": links.href("requirements", id=r.id),
            "status": c.status,
            "title": r.title,
            "why": c.reason or "",
        }
        for r in matrix.requirements
        if (c := matrix.cells.get((r.id, chosen))) is not None
    ]
    if rows:
        st.dataframe(
            views.coloured(pd.DataFrame(rows), "status"),
            hide_index=True,
            width="stretch",
            height=420,
            column_config={
                "requirement": links.link_column("requirements", "requirement"),
                "title": st.column_config.TextColumn(width="medium"),
            },
        )
    else:
        st.caption("No system-level requirements apply to this system.")
