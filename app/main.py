"""The aimsgraph explorer: coverage, gaps, evidence review, graph, SPARQL and exports for one workspace."""

from __future__ import annotations

import streamlit as st
from aimsgraph.app import sign_in, state, views
from aimsgraph.app.icon import FAVICON

from aimsgraph.rules.validation import validate_workspace

# A local file, served by the explorer: a Material icon here becomes a favicon URL on an outside font host.
st.set_page_config(page_title="aimsgraph explorer", page_icon=str(FAVICON), layout="wide")


def _page(name: str, title: str, icon: str, default: bool = False) -> st.Page:
    # url_path named, not inferred from the file: deep links (app/links.py) are part of what users bookmark.
    path = None if default else name
    return st.Page(f"app_pages/{name}.py", title=title, icon=f":material/{icon}:", default=default, url_path=path)


PAGES = {
    "Coverage": [
        _page("overview", "Overview", "dashboard", default=True),
        _page("requirements", "Requirements", "checklist"),
        _page("systems", "AI systems", "memory"),
        _page("risks", "Risks", "warning"),
        _page("gaps", "Gaps", "report"),
        _page("crosswalk", "Crosswalk", "compare_arrows"),
    ],
    "Evidence": [
        _page("suggestions", "Suggestions", "rule"),
        _page("documents", "Documents", "description"),
        _page("graph", "Graph", "hub"),
    ],
    "Data": [
        _page("sparql", "SPARQL", "terminal"),
        _page("exports", "Exports", "download"),
    ],
}

workspace = state.workspace()
sign_in.require_sign_in(workspace)  # with an identity provider configured, nothing below runs before sign-in
navigation = st.navigation(PAGES)
with st.sidebar:
    sign_in.sidebar_user(workspace)
    st.caption(f"Workspace **{views.as_text(workspace.config.name)}**  \n{views.as_text(workspace.root.name)}")
    if st.button("Record a validation run", key="record_run", icon=":material/fact_check:"):
        with views.guarded("Validation"):
            validate_workspace(workspace, record=True)
            state.changed()
            st.toast("Validation run recorded.")
navigation.run()
