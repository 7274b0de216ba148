"""Gaps: the validation findings, filterable by severity, requirement, system and rule, each with its fix."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from aimsgraph.app import state, views

root = state.root()
st.title("Gaps")
report = state.report(root)
if not report.findings:
    st.success("No findings: every gap rule is satisfied.")
    st.stop()

rows = pd.DataFrame(
    [
        {
            "severity": f.severity,
            "rule": f.rule,
            "focus": f.focus,
            "requirement": state.label(f.requirement) if f.requirement else "",
            "system": f.system or "",
            "message": f.message,
            "fix": f.fix,
        }
        for f in report.findings
    ]
)
cols = st.columns(4)
filters = {
    "severity": cols[0].multiselect("Severity", sorted(rows["severity"].unique()), key="gap_severity"),
    "requirement": cols[1].multiselect("Requirement", sorted(set(rows["requirement"]) - {""}), key="gap_req"),
    "system": cols[2].multiselect("AI system", sorted(set(rows["system"]) - {""}), key="gap_system"),
    "rule": cols[3].multiselect("Rule", sorted(rows["rule"].unique()), key="gap_rule"),
}
for column, chosen in filters.items():
    if chosen:
        rows = rows[rows[column].isin(chosen)]
BADGE = {"violation": "red", "warning": "orange", "info": "blue"}
LIMIT = 100  # cards beyond this are left out; the filters narrow the list
st.caption(
    f"{len(rows)} of {len(report.findings)} findings" + (f"; showing the first {LIMIT}" if len(rows) > LIMIT else "")
)
for row in rows.head(LIMIT).itertuples():
    with st.container(border=True):
        where = " · ".join(x for x in (row.requirement, row.system and f"system {row.system}") if x)
        st.markdown(
            f":{BADGE.get(row.severity, 'gray')}-badge[{row.severity}] **{views.as_text(row.rule)}** · "
            + views.as_text(row.focus)
            + (f" · {views.as_text(where)}" if where else "")
        )
        st.markdown(views.as_text(row.message))
        st.caption(f"Fix: {views.as_text(row.fix)}")
