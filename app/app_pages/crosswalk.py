"""Crosswalk: another framework's controls with the coverage carried across from ISO/IEC 42001, and the review queue
of suggested mappings. `?framework=SCF&scope=claimsight&control=GOV-01` opens one control of one framework."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import streamlit as st
from aimsgraph.app import identity, links, state, views

from aimsgraph.crosswalk.coverage import CrossStatus
from aimsgraph.crosswalk.mappings import PREDICATES
from aimsgraph.crosswalk.suggest import review_mappings

PAGE = 15  # suggested mappings per page, as on the Suggestions page
STATUSES: tuple[CrossStatus, ...] = ("covered", "partial", "missing", "not-applicable", "unmapped")
RELATION_HELP = {
    "skos:exactMatch": "equal: the requirement says the same as the control (covering)",
    "skos:broadMatch": "the requirement is broader than the control (covering)",
    "skos:narrowMatch": "the requirement is narrower than the control (partial)",
    "skos:relatedMatch": "they overlap (partial)",
}
workspace = state.workspace()
root = str(workspace.root)
st.title("Crosswalk")
known = state.frameworks(root)
if not known:
    st.info(
        "No other framework is imported yet. Bring your own file: `aimsgraph framework import FILE --id ID` (OSCAL "
        "catalog JSON or a CSV id,title,text), then `aimsgraph crosswalk import MAPPINGS --framework ID` (SSSOM or "
        "a set-theory CSV) or `aimsgraph crosswalk suggest ID` to have mappings suggested for review here."
    )
    st.stop()
labels = {f.id: f"{f.id} · {f.title} ({f.controls} controls)" for f in known}
unknown = links.follow("framework", "cw_framework", labels)
if unknown is not None:
    links.not_found("framework", unknown, "crosswalk", labels, key="cw_framework_missing")
framework = views.pick(st, "Framework", labels, "cw_framework") or known[0].id
links.publish("framework", framework, "cw_framework")


def decide(pairs: list[tuple[str, str]], accept: bool) -> None:
    """Accept (as the chosen relation) or reject suggested mappings, and say so where the user looks."""
    predicate = str(st.session_state.get("cw_predicate") or "skos:relatedMatch")
    with views.guarded("Accepting" if accept else "Rejecting"):
        count = review_mappings(workspace.store, framework, pairs, accept, predicate, state.reviewer())
        state.changed()
        for control, requirement in pairs:  # a decided card's tick must not outlive it
            st.session_state.pop(f"cw_pick_{control}_{requirement}", None)
        verb = f"Accepted {count} as {predicate}" if accept else f"Rejected {count}"
        state.flash(f"{verb} mapping(s)" + (": coverage carried across again." if accept else "."))


def coverage_tab() -> None:
    """The carried status of every control in one scope, a filter by status, and one control's mappings."""
    rows = state.framework_coverage(root, framework)
    scopes = list(dict.fromkeys(r.scope for r in rows)) or ["organisation"]
    if links.follow("scope", "cw_scope", scopes) is not None:
        st.warning(f"No scope '{views.as_text(st.query_params.get('scope'))}': showing the organisation.")
    head = st.columns([2, 3])
    scope = head[0].selectbox("Scope", scopes, key="cw_scope", help="The organisation, or one AI system")
    links.publish("scope", None if scope == "organisation" else scope, "cw_scope")
    shown = [r for r in rows if r.scope == scope]
    counts = Counter(r.status for r in shown)
    mapped = len(shown) - counts["unmapped"] - counts["not-applicable"]
    head[1].metric(
        "Controls covered / mapped and applicable",
        f"{counts['covered']} / {mapped}",
        help="A control is covered when a 42001 requirement it maps to by exactMatch or broadMatch is covered here; "
        "partial when only narrowMatch or relatedMatch requirements are.",
    )
    st.caption(" · ".join(f"{s} {counts[s]}" for s in STATUSES))
    wanted = st.multiselect("Status", STATUSES, default=[], key="cw_status", placeholder="(all statuses)")
    listed = [r for r in shown if not wanted or r.status in wanted]
    frame = pd.DataFrame(
        [
            {
                "control": links.href("crosswalk", framework=framework, control=r.control),
                "title": r.title,
                "status": r.status,
                "requirements": ", ".join(r.requirements),
                "evidence": ", ".join(r.evidence),
            }
            for r in listed
        ]
    )
    if frame.empty:
        st.caption("No control has that status here.")
    else:
        st.dataframe(
            views.coloured(frame, "status"),
            hide_index=True,
            width="stretch",
            column_config={
                "control": st.column_config.LinkColumn("control", display_text=r"control=([^&]*)"),
                "title": st.column_config.TextColumn(width="large"),
            },
        )
    control_detail([r.control for r in shown])


def control_detail(listed: list[str]) -> None:
    """One control (`?control=`): its text, every mapping with its relation and the requirement's page."""
    controls = {c.id: c for c in state.framework_controls(root, framework)}
    choices = {c: f"{c} {controls[c].title}" for c in listed if c in controls}
    unknown = links.follow("control", "cw_control", choices)
    if unknown is not None:
        st.warning(f"No control '{views.as_text(unknown)}' in {views.as_text(framework)}.")
    chosen = views.pick(st, "Control", choices, "cw_control", "Choose a control to see its mappings")
    links.publish("control", chosen, "cw_control")
    if chosen is None:
        return
    control = controls[chosen]
    st.subheader(f"{control.id} {control.title}")
    if control.text:
        st.markdown(views.as_text(control.text))
    accepted = [m for m in state.mappings(root, framework, "accepted") if m.control == chosen]
    if not accepted:
        st.caption("No accepted mapping: this control is unmapped.")
    parts = [
        f"{links.anchor('requirements', state.label(m.requirement), id=m.requirement)} · "
        f"{views.as_text(m.predicate)} · {views.as_text(m.justification)} by {views.as_text(m.agent or '–')}"
        for m in accepted
    ]
    if parts:
        st.markdown("<br>".join(parts), unsafe_allow_html=True)


def review_tab() -> None:
    """The suggested mappings best first, filtered and paged, each with its tick box; the ticked ones decided."""
    pending = sorted(state.mappings(root, framework, "suggested"), key=lambda m: (-(m.score or 0), m.control))
    if not pending:
        st.info(f"No suggested mapping is pending. Run `aimsgraph crosswalk suggest {framework}` to rank some.")
        return
    cols = st.columns([2, 3, 2, 2])
    identity.reviewer_box(cols[3])
    only_control = cols[0].selectbox("Control", ["(all)", *sorted({m.control for m in pending})], key="cw_q_control")
    only_req = cols[1].selectbox(
        "Requirement",
        ["(all)", *sorted({m.requirement for m in pending})],
        key="cw_q_req",
        format_func=lambda r: r if r == "(all)" else state.label(r),
    )
    cols[2].selectbox(
        "Accept as",
        list(PREDICATES),
        index=list(PREDICATES).index("skos:relatedMatch"),
        key="cw_predicate",
        format_func=lambda p: p.removeprefix("skos:"),
        help="; ".join(f"{p.removeprefix('skos:')}: {text}" for p, text in RELATION_HELP.items()),
    )
    shown = [m for m in pending if only_control in ("(all)", m.control) and only_req in ("(all)", m.requirement)]
    pages = max((len(shown) + PAGE - 1) // PAGE, 1)
    if int(st.session_state.get("cw_page", 1)) > pages:
        st.session_state["cw_page"] = pages
    head = st.columns([4, 1], vertical_alignment="bottom")
    number = int(head[1].number_input(f"Page (of {pages})", 1, pages, key="cw_page"))
    page = shown[(number - 1) * PAGE : number * PAGE]
    head[0].caption(f"{len(pending)} suggested mappings pending; {len(shown)} match, best first.")
    chosen = [(m.control, m.requirement) for m in page if st.session_state.get(f"cw_pick_{m.control}_{m.requirement}")]
    bar = st.columns([1, 1, 5], vertical_alignment="center")
    bar[0].button(
        f"Accept {len(chosen)}",
        type="primary",
        disabled=not chosen,
        key="cw_accept",
        on_click=decide,
        args=(chosen, True),
    )
    bar[1].button(f"Reject {len(chosen)}", disabled=not chosen, key="cw_reject", on_click=decide, args=(chosen, False))
    with bar[2]:
        state.show_flash()
    controls = {c.id: c for c in state.framework_controls(root, framework)}
    for m in page:
        with st.container(border=True):
            row = st.columns([0.4, 6, 1.6, 0.9, 0.9], vertical_alignment="center")
            row[0].checkbox("select", key=f"cw_pick_{m.control}_{m.requirement}", label_visibility="collapsed")
            title = controls[m.control].title if m.control in controls else ""
            control_link = links.anchor("crosswalk", m.control, framework=framework, control=m.control)
            row[1].markdown(
                f"**{control_link}** {views.as_text(title)}  \n→ "
                f"{links.anchor('requirements', state.label(m.requirement), id=m.requirement)}",
                unsafe_allow_html=True,
            )
            row[2].markdown(f"score **{(m.score or 0):.2f}** · rank {m.rank or '–'}")
            pair = [(m.control, m.requirement)]
            row[3].button("Accept", key=f"cw_acc_{m.control}_{m.requirement}", on_click=decide, args=(pair, True))
            row[4].button("Reject", key=f"cw_rej_{m.control}_{m.requirement}", on_click=decide, args=(pair, False))
            if m.control in controls and controls[m.control].text:
                st.caption(views.as_text(controls[m.control].text[:400]))


pending_count = len(state.mappings(root, framework, "suggested"))
coverage, review = st.tabs(["Coverage carried across", f"Review suggested mappings ({pending_count})"])
with coverage:
    coverage_tab()
with review:
    review_tab()
