"""Gaps: the validation findings, filterable by severity, requirement, system and rule, each with its fix."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from aimsgraph.app import links, state, views

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
            "requirement_id": f.requirement or "",
            "system": f.system or "",
            "message": f.message,
            "fix": f.fix,
        }
        for f in report.findings
    ]
)
cols = st.columns(4)
# A deep link (gaps?severity=violation&requirement=A.6.2.8) starts the filters; a requirement is given by its id.
linked = {
    "severity": st.query_params.get_all("severity"),
    "requirement": [state.label(r) for r in st.query_params.get_all("requirement")],
    "system": st.query_params.get_all("system"),
    "rule": st.query_params.get_all("rule"),
}


def _filter(where: int, column: str, label: str, options: list[str], key: str) -> list[str]:
    default = [v for v in linked[column] if v in options]
    return cols[where].multiselect(label, options, default=default, key=key)


filters = {
    "severity": _filter(0, "severity", "Severity", sorted(rows["severity"].unique()), "gap_severity"),
    "requirement": _filter(1, "requirement", "Requirement", sorted(set(rows["requirement"]) - {""}), "gap_req"),
    "system": _filter(2, "system", "AI system", sorted(set(rows["system"]) - {""}), "gap_system"),
    "rule": _filter(3, "rule", "Rule", sorted(rows["rule"].unique()), "gap_rule"),
}
for column, chosen in filters.items():
    if chosen:
        rows = rows[rows[column].isin(chosen)]
BADGE = {"violation": "red", "warning": "orange", "info": "blue"}
# The page of what a finding is about, where it has one: a risk, a document, an AI system.
PAGE_OF = (
    {r["id"]: "risks" for r in state.risks(root)}
    | {d["id"]: "documents" for d in state.documents(root)}
    | {s["id"]: "systems" for s in state.systems(root)}
)


def focus(ident: str) -> str:
    page = PAGE_OF.get(ident)
    return links.anchor(page, ident, id=ident) if page else f"<code>{views.as_text(ident)}</code>"


LIMIT = 100  # cards beyond this are left out; the filters narrow the list
st.caption(
    f"{len(rows)} of {len(report.findings)} findings" + (f"; showing the first {LIMIT}" if len(rows) > LIMIT else "")
)
for row in rows.head(LIMIT).itertuples():
    with st.container(border=True):
        where = " · ".join(
            x
            for x in (
                row.requirement and links.anchor("requirements", row.requirement, id=row.requirement_id),
                row.system and "system " + links.anchor("systems", row.system, id=row.system),
            )
            if x
        )
        st.markdown(
            f":{BADGE.get(row.severity, 'gray')}-badge[{row.severity}] **{row.rule}** · {focus(row.focus)}"
            + (f" · {where}" if where else ""),
            unsafe_allow_html=True,
        )
        st.text(row.message)
        st.caption(f"Fix: {views.escape_md(row.fix)}")
