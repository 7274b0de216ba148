"""Suggestions: the review queue, best first, filtered and paged; accept or reject one card or the ticked ones, with
the result and its Undo where the user looks. `?requirement=..&document=..&system=..` opens it filtered."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st
from aimsgraph.app import identity, links, state, views
from aimsgraph.app.terms import meaningful

from aimsgraph.suggest.review import accept_suggestions, known_systems, reject_suggestions, undo_decisions
from aimsgraph.suggest.suggestions import SuggestionView, suggest_for_workspace

COMMENT = "sugg_comment"  # the reviewer's note for the next accept
PAGE = 15  # cards per page: enough to scan, short enough that the buttons stay near
workspace = state.workspace()
root = str(workspace.root)
st.title("Suggestions")
pending = state.suggestions(root)
doc_systems = state.document_systems(root)


def highlight(text: str, terms: list[str]) -> str:
    """The passage as HTML (escaped for HTML and Markdown: it is user text) with every meaningful term marked."""
    escaped = views.as_text(text)
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        escaped = re.sub(f"\\b({re.escape(views.as_text(term))})", r"<mark>\1</mark>", escaped, flags=re.IGNORECASE)
    return escaped


def reviewer() -> str:
    return state.reviewer()


def decide(ids: list[str], accept: bool, scope: list[str] | None) -> None:
    """Accept (for `scope`, None: each document's registered systems) or reject; keep it for Undo and say so."""
    with views.guarded("Accepting" if accept else "Rejecting"):
        if accept:
            comment = str(st.session_state.get(COMMENT) or "") or None
            count = accept_suggestions(workspace, ids, reviewer(), scope, comment)
            st.session_state[COMMENT] = ""  # a note belongs to one decision
        else:
            count = reject_suggestions(workspace, ids, reviewer())
        verb = "Accepted" if accept else "Rejected"
        state.changed()
        st.session_state[state.LAST_DECISION] = (verb, ids)
        for ident in ids:  # a decided card's tick must not outlive it
            st.session_state.pop(f"sugg_pick_{ident}", None)
        state.flash(f"{verb} {count} suggestion(s)" + (": coverage updated." if accept else "."))
        st.toast(f"{verb} {count} suggestion(s).")


def undo() -> None:
    verb, ids = st.session_state.pop(state.LAST_DECISION)
    with views.guarded("Undo"):
        undo_decisions(workspace.store, ids, reviewer())
        state.changed()
        state.flash(f"Undone: the {len(ids)} suggestion(s) {verb.lower()} are pending again.")


if st.button("Suggest evidence for all documents", key="run_suggest"):
    with st.spinner("Ranking passages against the requirements…"), views.guarded("Suggesting"):
        made = suggest_for_workspace(workspace)
        state.changed()
        state.flash(f"{len(made)} suggestions made.")
        st.rerun()
last = state.last_suggestion_run(root)
if last:
    learnt = (
        f"learnt from {last['examples']} earlier decisions (accepted, rejected or linked by hand): near copies of "
        "those passages and documents rank their requirement higher, or lower when rejected"
        if last["examples"]
        else "learnt from no earlier decisions (none yet, or no embedding model to compare passages with)"
    )
    st.caption(f"Last suggested {last['at']} UTC with {last['model']}; {learnt}.")


def filters() -> list[SuggestionView]:
    """The filter row (started by the URL's requirement, document and system) and the pending suggestions it keeps."""
    cols = st.columns([3, 2, 2, 1.3, 1.5])
    requirements = sorted({s.requirement for s in pending})
    documents = sorted({s.document for s in pending})
    systems = known_systems(workspace.store)

    def chooser(
        where: int, label: str, options: list[str], key: str, param: str, fmt: Callable[[str], str] = str
    ) -> str:
        given = st.query_params.get(param)
        index = options.index(given) + 1 if given in options else 0
        return cols[where].selectbox(label, ["(all)", *options], index=index, key=key, format_func=fmt)

    only = chooser(
        0, "Requirement", requirements, "sugg_req", "requirement", lambda r: r if r == "(all)" else state.label(r)
    )
    document = chooser(1, "Document", documents, "sugg_doc", "document")
    system = chooser(2, "AI system", systems, "sugg_system", "system")
    floor = cols[3].number_input("Score at least", 0.0, 1.0, 0.0, 0.05, key="sugg_min")
    identity.reviewer_box(cols[4])
    for param, value in (("requirement", only), ("document", document), ("system", system)):
        links.publish(param, None if value == "(all)" else value, f"sugg_{param}")
    return sorted(
        (
            s
            for s in pending
            if only in ("(all)", s.requirement)
            and document in ("(all)", s.document)
            and (system == "(all)" or system in doc_systems.get(s.document, []))
            and s.score >= floor
        ),
        key=lambda s: (-s.score, s.id),
    )


def card(s: SuggestionView) -> bool:
    """One suggestion with its tick box (keyed by the suggestion's id), links, passage and its own buttons."""
    with st.container(border=True):
        top = st.columns([0.4, 6, 1.6, 0.9, 0.9], vertical_alignment="center")
        ticked = bool(top[0].checkbox("select", key=f"sugg_pick_{s.id}", label_visibility="collapsed"))
        where = links.anchor("documents", s.document, id=s.document, passage=s.passage)
        top[1].markdown(
            f"**{links.anchor('requirements', state.label(s.requirement), id=s.requirement)}**  \n"
            f"{where} · {views.escape_md(s.passage_location)} · `{s.id}`",
            unsafe_allow_html=True,
        )
        top[2].markdown(f"score **{s.score:.2f}** · rank {s.rank} · {s.method}")
        top[3].button("Accept", key=f"sugg_acc_{s.id}", on_click=decide, args=([s.id], True, None), type="primary")
        top[4].button("Reject", key=f"sugg_rej_{s.id}", on_click=decide, args=([s.id], False, None))
        if s.learnt_from:
            st.caption(f"Ranked up: nearly the same text was linked to it before ({', '.join(s.learnt_from)}).")
        terms = meaningful(s.matched_terms, state.common_words())
        st.markdown(f"<div style='font-size:0.92em'>{highlight(s.passage_text, terms)}</div>", unsafe_allow_html=True)
    return ticked


def action_bar(page: list[SuggestionView]) -> None:
    """Bulk accept/reject of exactly the ticked cards on this page, the scope, and the last result with its Undo."""
    chosen = [s.id for s in page if st.session_state.get(f"sugg_pick_{s.id}")]
    registered = sorted({x for s in page if s.id in chosen for x in doc_systems.get(s.document, [])})
    scope = st.multiselect(
        "Accepted evidence covers these AI systems (none: the organisation as a whole)",
        known_systems(workspace.store),
        default=registered,
        key=f"sugg_scope_{'-'.join(registered)}",  # a new default when the chosen documents' systems change
        help="Defaults to the systems the ticked documents' register entries name.",
    )
    st.text_input(
        "Comment on accept (optional; kept with the decision for the audit trail)",
        key=COMMENT,
        placeholder="e.g. checked against the signed copy; covers the 2026 cycle only",
    )
    cols = st.columns([1, 1, 1.4, 4], vertical_alignment="center")
    cols[0].button(
        f"Accept {len(chosen)}",
        type="primary",
        disabled=not chosen,
        key="sugg_accept",
        on_click=decide,
        args=(chosen, True, list(scope)),
    )
    cols[1].button(
        f"Reject {len(chosen)}", disabled=not chosen, key="sugg_reject", on_click=decide, args=(chosen, False, None)
    )
    if state.LAST_DECISION in st.session_state:
        verb, ids = st.session_state[state.LAST_DECISION]
        cols[2].button(f"Undo ({verb.lower()} {len(ids)})", key="sugg_undo", on_click=undo, icon=":material/undo:")
    with cols[3]:
        state.show_flash()


shown = filters()
pages = max((len(shown) + PAGE - 1) // PAGE, 1)
if int(st.session_state.get(state.SUGGESTION_PAGE, 1)) > pages:  # fewer pages after a filter or a decision
    st.session_state[state.SUGGESTION_PAGE] = pages
head = st.columns([4, 1], vertical_alignment="bottom")
number = int(head[1].number_input(f"Page (of {pages})", 1, pages, key=state.SUGGESTION_PAGE))
page = shown[(number - 1) * PAGE : number * PAGE]
head[0].caption(
    f"{len(pending)} suggestions pending; {len(shown)} match, best first; "
    f"showing {min((number - 1) * PAGE + 1, len(shown))}-{min(number * PAGE, len(shown))}."
)
action_bar(page)
if not pending:
    st.info("The review queue is empty: ingest documents (Documents page) and run the suggestions.")
for s in page:
    card(s)
