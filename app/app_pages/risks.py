"""Risks: the register with each risk's chain (risk -> treatment -> controls -> their coverage); `?id=R-001`."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from aimsgraph.app import links, state, views
from aimsgraph.app.rollup import rollup

root = state.root()
st.title("Risks")
risks = state.risks(root)
if not risks:
    st.info("No risks in the register yet: add them to org/risks.yaml and run `aimsgraph load`.")
    st.stop()
by_id = {r["id"]: r for r in risks}
labels = {r["id"]: f"{r['id']} {r['title']}" for r in risks}
links.follow_id("risk", "risks", labels, "risk_choice", "risk_search_missing")

frame = pd.DataFrame(
    [
        {
            "id": links.href("risks", id=r["id"]),
            "title": r["title"],
            "system": links.href("systems", id=r["system"]) if r["system"] else None,
            "likelihood": r["likelihood"],
            "impact": r["impact"],
            "score": r["score"],
            "treatment": r["treatment"],
            "controls": ", ".join(r["controls"]),
            "owner": r["owner"],
        }
        for r in risks
    ]
)
st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    column_config={
        "id": links.link_column("risks", "id"),
        "system": links.link_column("systems", "system"),
        "title": st.column_config.TextColumn(width="large"),
    },
)
chosen = views.pick(st, "Risk", labels, "risk_choice", "Choose a risk to follow its chain")
links.publish("id", chosen, "risk_choice")
if chosen is not None:
    risk = by_id[chosen]
    st.subheader(labels[chosen])
    system = risk["system"] or None
    st.markdown(
        f"System {links.anchor('systems', system, id=system) if system else '–'} · likelihood {risk['likelihood']}"
        f" · impact {risk['impact']} · score {risk['score']} · treatment {views.escape_md(risk['treatment'] or '–')}"
        f" · owner {views.escape_md(risk['owner'] or '–')}",
        unsafe_allow_html=True,
    )
    matrix = state.coverage(root)
    chain = [
        {
            "control": links.href("requirements", id=c),
            "title": state.label(c),
            "status": found.summary if (found := rollup(matrix, c, system) or rollup(matrix, c)) else "",
        }
        for c in risk["controls"]
    ]
    st.markdown("**Treatment controls and their coverage** (in the risk's system where it has one)")
    if chain:
        st.dataframe(
            pd.DataFrame(chain),
            hide_index=True,
            width="stretch",
            column_config={"control": links.link_column("requirements", "control")},
        )
    else:
        st.caption("Its treatment names no control: the chain is broken.")
