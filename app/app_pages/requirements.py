"""Requirements: the list with search and filters (status, group, scope), or one requirement (`?id=A.6.2.8`) with
its status per scope, evidence, suggestions to decide in place, findings and the risks that rely on it."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from aimsgraph.app import edit_forms, links, state, views
from aimsgraph.app.overview_data import group_of
from aimsgraph.app.rollup import rollup

from aimsgraph.errors import AimsError
from aimsgraph.facts.edit import edit_soa_row, record_file, record_values
from aimsgraph.facts.schema import SOA_STATUSES
from aimsgraph.suggest.review import accept_suggestions, reject_suggestions

workspace = state.workspace()
root = str(workspace.root)
st.title("Requirements")
state.show_flash()
matrix = state.coverage(root)
requirements = state.requirements()
labels = {r.id: r.label for r in requirements}

links.follow_id("requirement", "requirements", labels, "req_choice", "req_search_missing")
chosen = views.pick(st, "Open a requirement", labels, "req_choice", "Type an id or words of a title…")
links.publish("id", chosen, "req_choice")


def show_evidence(system: str | None, e: Any) -> None:
    """One evidence reference as the analyst reads it: document -> passage, scope, nature, who accepted it when, how."""
    register = not e.reviewer and e.method != "reviewed"
    how = "linked in the evidence register (org/)" if register else f"{e.method} by {e.reviewer or 'unknown'}"
    when = (e.decided or "")[:16].replace("T", " ")
    link = links.anchor("documents", f"{e.evidence} {e.title}", id=e.evidence, passage=e.passage)
    facts = [
        system or "organisation",
        e.nature,
        how + (f" on {when}" if when else ""),
        "current" if e.current else "not current",
    ]
    with st.container(border=True):
        st.markdown(f"{link} · " + " · ".join(escape(x) for x in facts), unsafe_allow_html=True)
        st.caption(views.escape_md(state.passage_text(root, e.passage)) if e.passage else "The whole document.")


def show_list() -> None:
    """Every requirement with its status in one scope, filtered; ids link to their page."""
    scopes = ["organisation", *matrix.systems]
    groups = list(dict.fromkeys(group_of(r.id) for r in requirements))  # catalog order
    cols = st.columns([3, 2, 2, 2])
    search = cols[0].text_input("Search id or title", key="req_search")
    status = cols[1].multiselect(
        "Status",
        ["covered", "design-only", "stale", "missing", "excluded", "not-applicable"],
        default=[s for s in st.query_params.get_all("status")],
        key="req_status",
    )
    group = cols[2].selectbox(
        "Group",
        ["(all)", *groups],
        key="req_group",
        index=([*["(all)"], *groups].index(g) if (g := st.query_params.get("group")) in groups else 0),
    )
    scope = cols[3].selectbox(
        "Scope", scopes, key="req_scope", index=scopes.index(s) if (s := st.query_params.get("system")) in scopes else 0
    )
    system = None if scope == "organisation" else scope
    mapped = framework_column()
    rows = []
    for r in requirements:
        found = rollup(matrix, r.id, system)
        if found is None or (group != "(all)" and group_of(r.id) != group):
            continue
        if (status and found.status not in status) or search.lower() not in r.label.lower():
            continue
        rows.append(
            {
                "id": links.href("requirements", id=r.id),
                "title": r.title,
                "kind": r.kind,
                "status": found.status,
                "in this scope": found.summary,
                "why": found.reason,
            }
            | ({mapped[0]: ", ".join(mapped[1].get(r.id, []))} if mapped else {})
        )
    st.caption(f"{len(rows)} of {len(requirements)} requirements · scope {scope}")
    if not rows:
        st.caption("No requirement matches these filters.")
        return
    st.dataframe(
        views.coloured(pd.DataFrame(rows), "status"),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(rows), 640),
        column_config={
            "id": links.link_column("requirements", "id"),
            "title": st.column_config.TextColumn(width="large"),
        },
    )


def framework_column() -> tuple[str, dict[str, list[str]]] | None:
    """With other frameworks imported, a selector; the chosen one's column name and requirement -> its controls."""
    known = [f.id for f in state.frameworks(root)]
    if not known:
        return None
    links.follow("framework", "req_framework", known)
    chosen = st.selectbox("Show the controls mapped from", ["(none)", *known], key="req_framework")
    links.publish("framework", None if chosen == "(none)" else chosen, "req_framework")
    if chosen == "(none)":
        return None
    by_requirement: dict[str, list[str]] = {}
    for requirement, found in state.mapped_controls(root).items():
        by_requirement[requirement] = sorted(m.control for m in found if m.framework == chosen)
    return f"{chosen} controls", by_requirement


def show_scopes(requirement: str) -> None:
    """Status in the organisation and each AI system, with the reason for an excluded or not-applicable cell."""
    rows = []
    for system in [None, *matrix.systems]:
        found = rollup(matrix, requirement, system)
        if found is not None:
            scope = system or "organisation"
            rows.append({"scope": scope, "status": found.status, "summary": found.summary, "why": found.reason})
    if rows:
        frame = pd.DataFrame(rows)
        if (frame["summary"] == frame["status"]).all():  # a leaf: its summary is its status, said once
            frame = frame.drop(columns="summary")
        st.dataframe(views.coloured(frame, "status"), hide_index=True, width="stretch")


def decide(suggestion: str, accept: bool) -> None:
    """Accept (for the systems the document's register entry names) or reject one suggestion, from this page."""
    reviewer = state.reviewer()
    with views.guarded("Accepting" if accept else "Rejecting"):
        if accept:
            accept_suggestions(workspace, [suggestion], reviewer)
        else:
            reject_suggestions(workspace, [suggestion], reviewer)
        state.changed()
        state.flash(f"{'Accepted' if accept else 'Rejected'} {suggestion}: coverage updated.")


def show_suggestions(requirement: str) -> None:
    """Its pending suggestions, best first, each with accept and reject in place."""
    mine = sorted((s for s in state.suggestions(root) if s.requirement == requirement), key=lambda s: -s.score)
    if not mine:
        st.caption("No pending suggestions for this requirement.")
    for s in mine[:10]:
        with st.container(border=True):
            top = st.columns([6, 1, 1], vertical_alignment="center")
            where = links.anchor("documents", s.document, id=s.document, passage=s.passage)
            top[0].markdown(
                f"{where} · {views.escape_md(s.passage_location)} · score **{s.score:.2f}**", unsafe_allow_html=True
            )
            top[0].text(s.passage_text[:400])
            top[1].button("Accept", key=f"req_acc_{s.id}", on_click=decide, args=(s.id, True), type="primary")
            top[2].button("Reject", key=f"req_rej_{s.id}", on_click=decide, args=(s.id, False))
    if len(mine) > 10:
        st.markdown(
            links.anchor("suggestions", f"All {len(mine)} in the review queue", requirement=requirement),
            unsafe_allow_html=True,
        )


def show_detail(requirement: str) -> None:
    r = state.requirement_index()[requirement]
    st.markdown(links.anchor("requirements", "← all requirements"), unsafe_allow_html=True)
    st.subheader(r.label)
    st.caption(f"{r.kind}" + (f" · part of {state.label(r.parent)}" if r.parent else ""))
    st.text(r.description)
    with st.expander("What evidence looks like"):
        st.text("Design: " + "; ".join(r.design_evidence) + "\nOperating: " + "; ".join(r.operating_evidence))
    st.markdown("#### Status per scope")
    show_scopes(requirement)
    st.markdown("#### Evidence")
    refs = [(s, e) for (q, s), cell in matrix.cells.items() if q == requirement for e in cell.evidence]
    for system, e in refs:
        show_evidence(system, e)
    if not refs:
        st.caption(
            "No evidence linked yet" + (": see its sub-requirements above." if r.id not in matrix.leaves() else ".")
        )
    st.markdown("#### Suggestions to review")
    show_suggestions(requirement)
    st.markdown("#### Findings")
    found = [f for f in state.report(root).findings if f.requirement == requirement]
    for f in found[:50]:
        st.text(f"{f.severity} · {f.rule} ({f.focus}): {f.message}\nFix: {f.fix}")
    if not found:
        st.caption("No findings for this requirement.")
    st.markdown("#### Risks that rely on it")
    risks = [r for r in state.risks(root) if requirement in r["controls"]]
    for risk in risks:
        st.markdown(
            links.anchor("risks", f"{risk['id']} {risk['title']}", id=risk["id"])
            + f" · system {views.escape_md(risk['system'] or '–')} · score {risk['score'] or '–'}"
            + f" · {risk['treatment']}",
            unsafe_allow_html=True,
        )
    if not risks:
        st.caption("No risk treatment names this requirement.")
    if r.kind == "control":
        st.markdown("#### Statement of Applicability")
        show_soa(requirement)
    show_mapped_controls(requirement)


def show_soa(control: str) -> None:
    """The control's SoA row as org/ writes it, with a form that writes a change back to that file."""
    try:
        path = record_file(workspace.org_dir, "soa", control)
        row = record_values(workspace.org_dir, "soa", control)
    except AimsError as exc:
        st.info(views.as_text(exc))  # a CSV-held row: edited by hand
        return
    if row is None:
        st.caption(f"No SoA row for {control}: add one to org/soa.yaml.")
        return
    opened = state.opened(path)
    people = edit_forms.people(workspace.store)
    owners = [edit_forms.NONE, *people]
    statuses = [edit_forms.NONE, *SOA_STATUSES]
    with st.form(f"soa_form_{control}"):
        st.caption(f"Saved to {path.parent.name}/{path.name}, checked as `aimsgraph load` checks it.")
        cols = st.columns([1, 2, 2, 2])
        applicable = cols[0].checkbox("Applicable", value=row.get("applicable", "").lower() in ("true", "yes"))
        status = cols[1].selectbox("Status", statuses, index=edit_forms.choice_index(statuses, row.get("status")))
        owner = cols[2].selectbox(
            "Owner",
            owners,
            index=edit_forms.choice_index(owners, row.get("owner")),
            format_func=lambda o: people.get(o, o),
        )
        reviewed = cols[3].date_input("Reviewed", value=edit_forms.as_date(row.get("reviewed")))
        justification = st.text_area("Justification", value=row.get("justification", ""))
        if st.form_submit_button("Save SoA row", type="primary"):
            values = {"applicable": applicable, "status": status, "owner": owner, "reviewed": reviewed}
            save_soa(control, path, opened, edit_forms.cleaned(values | {"justification": justification}))


def save_soa(control: str, path: Path, opened: str, changes: dict[str, Any]) -> None:
    """Write the row back (all or nothing); a broken rule or a file changed meanwhile shows here, file unchanged."""
    with views.guarded("Not saved"):
        edit_soa_row(workspace, opened, control, changes)
        state.saved(path)
        state.changed()
        state.flash(f"Saved the SoA row of {control} to {path.parent.name}/{path.name}.")
        st.rerun()


def show_mapped_controls(requirement: str) -> None:
    """The other frameworks' controls mapped to this requirement (accepted mappings), each a link to its crosswalk."""
    if not state.frameworks(root):
        return
    st.markdown("#### Other frameworks' controls mapped to it")
    mapped = state.mapped_controls(root).get(requirement, [])
    parts = [
        links.anchor("crosswalk", f"{m.framework} {m.control}", framework=m.framework, control=m.control)
        + f" · {escape(m.predicate.removeprefix('skos:'))} · {escape(m.justification)}"
        for m in sorted(mapped, key=lambda m: (m.framework, m.control))
    ]
    if parts:
        st.markdown("<br>".join(parts), unsafe_allow_html=True)
    else:
        st.caption("No accepted mapping names this requirement.")


if chosen is None:
    show_list()
else:
    show_detail(chosen)
