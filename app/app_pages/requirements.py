"""Requirements: the clause/control tree with status; one requirement with evidence, suggestions, findings, risks."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from aimsgraph.app import state, views

root = state.root()
st.title("Requirements")
matrix = state.coverage(root)
requirements = state.requirements()


def _status(requirement_id: str) -> str:
    cell = matrix.cells.get((requirement_id, None))
    return cell.status if cell else ""


def evidence_row(system: str | None, e: Any) -> dict[str, Any]:
    """One evidence reference as the analyst reads it: document, scope, nature, who accepted it when, passage."""
    return {
        "document": f"{e.evidence} {e.title}",
        "system": system or "organisation",
        "nature": e.nature,
        "accepted by": e.reviewer or "",
        "when": (e.decided or "")[:16].replace("T", " "),
        "method": e.method,
        "current": e.current,
        "passage": state.passage_text(root, e.passage) if e.passage else "",
    }


depth = {r.id: r.id.count(".") - (1 if r.id.startswith("A.") else 0) for r in requirements}
tree = pd.DataFrame(
    [{"requirement": "\u2003" * depth[r.id] + r.label, "kind": r.kind, "status": _status(r.id)} for r in requirements]
)
kinds = st.segmented_control(
    "Show",
    ["clause", "objective", "control"],
    selection_mode="multi",
    default=["clause", "objective", "control"],
    key="req_kinds",
)
left, right = st.columns([2, 3])
with left:
    st.dataframe(
        views.coloured(tree[tree["kind"].isin(kinds or [])][["requirement", "status"]], "status"),
        hide_index=True,
        width="stretch",
        height=620,
        column_config={"requirement": st.column_config.TextColumn(width="large")},
    )
with right:
    ids = [r.id for r in requirements]
    chosen = st.selectbox(
        "Requirement",
        ids,
        format_func=state.label,
        key="req_choice",
        index=ids.index("A.6.2.8") if "A.6.2.8" in ids else 0,
    )
    requirement = state.requirement_index()[chosen]
    st.subheader(views.as_text(requirement.label))
    st.markdown(f"**Status:** {_status(chosen) or '–'}")
    st.markdown(views.as_text(requirement.description))
    with st.expander("What evidence looks like"):
        st.markdown("**Design:** " + views.as_text("; ".join(requirement.design_evidence)))
        st.markdown("**Operating:** " + views.as_text("; ".join(requirement.operating_evidence)))

    st.markdown("#### Evidence")
    refs = [(s, e) for (r, s), cell in matrix.cells.items() if r == chosen for e in cell.evidence]
    views.table([evidence_row(s, e) for s, e in refs], "No evidence linked yet.")

    st.markdown("#### Suggestions")
    views.table(
        [
            {"document": s.document, "score": round(s.score, 3), "passage": s.passage_text[:160]}
            for s in state.suggestions(root)
            if s.requirement == chosen
        ],
        "No pending suggestions for this requirement.",
    )

    st.markdown("#### Findings")
    found = [f for f in state.report(root).findings if f.requirement == chosen]
    for f in found:
        text = views.as_text
        st.markdown(
            f"**{f.severity}** · **{text(f.rule)}** ({text(f.focus)}): {text(f.message)}  \n_Fix:_ {text(f.fix)}"
        )
    if not found:
        st.caption("No findings for this requirement.")

    st.markdown("#### Risks that rely on it")
    views.table(
        [
            {k: r[k] for k in ("id", "title", "system", "score", "treatment")}
            for r in state.risks(root)
            if chosen in r["controls"]
        ],
        "No risk treatment names this requirement.",
    )
