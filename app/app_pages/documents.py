"""Documents: what the workspace holds; upload (size-capped, kept inside documents/) and ingest with progress."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from aimsgraph.app import document_facts, edit_forms, links, state, viewer, views
from aimsgraph.app.uploads import TYPES, save_upload

from aimsgraph.documents.ingest import ingest_documents, slug
from aimsgraph.errors import AimsError
from aimsgraph.facts.edit import record_file, register_document
from aimsgraph.facts.schema import DESIGN_KINDS, OPERATING_KINDS

workspace = state.workspace()
root = str(workspace.root)
st.title("Documents")
state.show_flash()
docs = state.documents(root)
names = {d["id"]: f"{d['id']} {d['title']}" for d in docs}
links.follow_id("document", "documents", names, "doc_view", "doc_search_missing")
opened = views.pick(st, "Open a document", names, key="doc_view", placeholder="Choose a document to read it")
if opened != st.query_params.get("id") and "passage" in st.query_params:
    del st.query_params["passage"]  # the passage belonged to the document the URL named before
links.publish("id", opened, "doc_view")
if opened is not None:
    viewer.show(root, opened, st.query_params.get("passage"))
    st.stop()


def run_ingest(paths: list[Path] | None) -> None:
    bar = st.progress(0.0, text="Reading documents…")

    def progress(files: list[Path]) -> Iterator[Path]:
        for done, path in enumerate(files):
            bar.progress(done / max(len(files), 1), text=f"Reading {path.name} ({done + 1} of {len(files)})")
            yield path
        bar.progress(1.0, text="Done")

    with views.guarded("Ingest"):
        result = ingest_documents(workspace, paths, progress=progress)
        state.changed()
        skipped = views.as_text("; ".join(f"{Path(s.path).name!r}: {s.reason}" for s in result.skipped))
        state.flash(
            f"Ingested {len(result.ingested)}, unchanged {len(result.unchanged)}"
            + (f", skipped {len(result.skipped)} ({skipped})" if result.skipped else "")
            + ".",
            "warning" if result.skipped else "success",
        )
        st.rerun()


upload = st.file_uploader("Add documents", type=list(TYPES), accept_multiple_files=True, key="doc_upload")
cols = st.columns([1, 1, 4])
if cols[0].button("Store", type="primary", disabled=not upload, key="doc_store"):
    stored = []
    for file in upload or []:
        with views.guarded("Not stored"):  # shown here, under the button the user pressed (the line names the file)
            stored.append(save_upload(workspace.documents_dir, file.name, file.getvalue()).name)
    if stored:
        st.success(f"Stored {', '.join(stored)}: register it below, then suggest requirements for it.")
        st.session_state["reg_file"] = f"{workspace.documents_dir.name}/{stored[-1]}"  # the register form opens on it
if cols[1].button("Ingest all", key="doc_ingest_all"):
    run_ingest(None)


def register(file: str, path: Path, opened: str, entry: dict[str, Any]) -> None:
    """Add the register entry (all or nothing, checked as load checks), then read the file's passages."""
    with views.guarded("Not registered"):
        register_document(workspace, opened, entry)
        state.saved(path)
        ingest_documents(workspace, [workspace.root / file])
        state.changed()
        st.session_state[state.REGISTERED] = entry["id"]
        state.flash(f"Registered {entry['id']} in {path.parent.name}/{path.name} and read its passages.")
        st.rerun()


def register_form(waiting: list[str]) -> None:
    """The register facts of an uploaded file: id (its name without extension), title, kind, owner, dates, systems."""
    try:
        path = record_file(workspace.org_dir, "evidence")
    except AimsError as exc:
        st.info(views.as_text(exc))
        return
    file = st.selectbox("Uploaded file", waiting, key="reg_file")
    stem = Path(file).stem
    people = edit_forms.people(workspace.store)
    with st.form("register_form"):
        cols = st.columns([2, 3, 2])
        entry: dict[str, Any] = {
            "id": cols[0].text_input("Id", value=slug(stem), key=f"reg_id_{file}"),
            "title": cols[1].text_input("Title", value=stem.replace("-", " ").replace("_", " "), key=f"reg_t_{file}"),
            "file": file,
            "kind": cols[2].selectbox("Kind", list(DESIGN_KINDS + OPERATING_KINDS), key=f"reg_kind_{file}"),
        }
        cols = st.columns([2, 1, 1, 3])
        owners = [edit_forms.NONE, *people]
        entry["owner"] = cols[0].selectbox("Owner", owners, format_func=lambda o: people.get(o, o), key=f"reg_o_{file}")
        entry["issued"] = cols[1].date_input("Issued", value=date.today(), key=f"reg_issued_{file}")
        entry["review_interval"] = cols[2].text_input("Review interval", value="P12M", key=f"reg_ri_{file}")
        systems = [s["id"] for s in state.systems(root)]
        entry["systems"] = cols[3].multiselect("AI systems", systems, key=f"reg_sys_{file}")
        if st.form_submit_button("Register", type="primary"):
            register(file, path, state.opened(path), edit_forms.cleaned(entry))


def suggest_for(document: str) -> None:
    """Rank requirements for the workspace's documents as `aimsgraph suggest` does, then show this one's."""
    from aimsgraph.suggest.suggestions import suggest_for_workspace  # BM25 and the model: imported on use

    with views.guarded("Suggest"), st.spinner("Ranking requirements…"):
        views_found = suggest_for_workspace(workspace)
        state.changed()
        mine = sum(1 for v in views_found if v.document == document)
        st.session_state.pop(state.REGISTERED, None)
        st.success(f"{mine} suggestion(s) for {document}.")
        st.markdown(links.anchor("suggestions", "Review them", document=document), unsafe_allow_html=True)


st.subheader("Register an uploaded document")
just = st.session_state.get(state.REGISTERED)
if just and st.button(f"Suggest for this document ({just})", type="primary", key="doc_suggest"):
    suggest_for(just)
waiting = document_facts.unregistered_files(workspace.store, workspace.root)
if waiting:
    register_form(waiting)
else:
    st.caption("Every file in documents/ is in the register.")

if docs:
    st.dataframe(
        pd.DataFrame([{**d, "id": links.href("documents", id=d["id"])} for d in docs]),
        hide_index=True,
        width="stretch",
        # Title and file give way so that kind and dates stay on screen at 1440 px.
        column_config={
            "id": links.link_column("documents", "id"),
            "title": st.column_config.TextColumn(width="medium"),
            "file": st.column_config.TextColumn(width="medium"),
        },
    )
else:
    st.info("No documents yet: list them in org/evidence.yaml or upload them here.")

st.subheader("What depends on a document")
if docs and state.unused_documents(root) is not None:
    chosen = views.pick(
        st, "Document", names, key="doc_impact", placeholder="Choose a document to see what its loss would uncover"
    )
    impact = state.document_impact(root, chosen) if chosen else None
    if impact is not None:
        views.table(
            [
                {
                    "requirement": state.label(x.requirement),
                    "scope": x.system or "organisation",
                    "now": x.before,
                    "without it": x.after,
                }
                for x in impact.losses
            ],
            "Nothing: every requirement it supports has other current evidence.",
        )
    unused = state.unused_documents(root) or []
    st.markdown(f"**Documents that support nothing** ({len(unused)})")
    views.table([{"id": u.evidence, "title": u.title, "file": u.file} for u in unused], "None.")
