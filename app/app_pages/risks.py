"""Risks: the register with each risk's chain (risk -> treatment -> controls -> their coverage); `?id=R-001`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from aimsgraph.app import edit_forms, links, state, views
from aimsgraph.app.rollup import rollup

from aimsgraph.errors import AimsError
from aimsgraph.facts.edit import record_file, record_values, save_risk
from aimsgraph.facts.schema import TREATMENTS

workspace = state.workspace()
root = str(workspace.root)
st.title("Risks")
state.show_flash()
risks = state.risks(root)


def risk_form(editing: str | None) -> None:
    """Add a risk (editing None) or edit one, written back to the YAML file that holds it, checked as load checks."""
    try:
        path = record_file(workspace.org_dir, "risks", editing)
        row = (record_values(workspace.org_dir, "risks", editing) if editing else None) or {}
    except AimsError as exc:
        st.info(views.as_text(exc))  # a CSV-held register: edited by hand
        return
    opened = state.opened(path)
    people = edit_forms.people(workspace.store)
    owners, systems = [edit_forms.NONE, *people], [edit_forms.NONE, *(s["id"] for s in state.systems(root))]
    treatments, scale = [edit_forms.NONE, *TREATMENTS], [edit_forms.NONE, *map(str, range(1, 6))]
    controls = [r.id for r in state.requirements() if r.kind == "control"]
    name = editing or "new"
    with st.form(f"risk_form_{name}"):
        cols = st.columns([1, 3, 2])
        values: dict[str, Any] = {
            "id": cols[0].text_input("Id", value=row.get("id", ""), key=f"risk_id_{name}"),
            "title": cols[1].text_input("Title", value=row.get("title", ""), key=f"risk_title_{name}"),
            "system": cols[2].selectbox(
                "AI system", systems, index=edit_forms.choice_index(systems, row.get("system"))
            ),
        }
        values["description"] = st.text_area("Description", value=row.get("description", ""))
        cols = st.columns([1, 1, 1, 1])
        values["source"] = cols[0].text_input("Source", value=row.get("source", ""))
        values["likelihood"] = cols[1].selectbox(
            "Likelihood", scale, index=edit_forms.choice_index(scale, row.get("likelihood"))
        )
        values["impact"] = cols[2].selectbox("Impact", scale, index=edit_forms.choice_index(scale, row.get("impact")))
        values["owner"] = cols[3].selectbox(
            "Owner",
            owners,
            index=edit_forms.choice_index(owners, row.get("owner")),
            format_func=lambda o: people.get(o, o),
        )
        cols = st.columns([1, 3, 1])
        values["treatment"] = cols[0].selectbox(
            "Treatment", treatments, index=edit_forms.choice_index(treatments, row.get("treatment"))
        )
        chosen = [c for c in row.get("controls", []) if c in controls]
        values["controls"] = cols[1].multiselect("Treatment controls", controls, default=chosen)
        values["accepted_by"] = cols[2].selectbox(
            "Accepted by", owners, index=edit_forms.choice_index(owners, row.get("accepted_by"))
        )
        if st.form_submit_button("Save risk" if editing else "Add risk", type="primary"):
            save(path, opened, edit_forms.cleaned(values), editing)


def save(path: Path, opened: str, risk: dict[str, Any], editing: str | None) -> None:
    """All or nothing; a broken rule or a file changed meanwhile is shown under the form, the file unchanged."""
    if risk.get("likelihood"):
        risk["likelihood"] = int(risk["likelihood"])
    if risk.get("impact"):
        risk["impact"] = int(risk["impact"])
    with views.guarded("Not saved"):
        save_risk(workspace, opened, risk, editing)
        state.saved(path)
        state.changed()
        state.flash(f"Saved risk {risk.get('id')} to {path.parent.name}/{path.name}.")
        st.query_params["id"] = str(risk.get("id"))
        st.rerun()


with st.expander("Add a risk"):
    risk_form(None)
if not risks:
    st.info("No risks in the register yet: add one above, or write them in org/risks.yaml.")
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
    with st.expander(f"Edit {chosen}"):
        risk_form(chosen)
