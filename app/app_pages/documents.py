"""Documents: what the workspace holds; upload (size-capped, kept inside documents/) and ingest with progress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import streamlit as st
from aimsgraph.app import links, state, viewer, views
from aimsgraph.app.uploads import TYPES, save_upload

from aimsgraph.documents.ingest import ingest_documents

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
if cols[0].button("Store and ingest", type="primary", disabled=not upload, key="doc_store"):
    stored = []
    for file in upload or []:
        with views.guarded("Upload"):
            stored.append(save_upload(workspace.documents_dir, file.name, file.getvalue()))
    if stored:
        run_ingest(stored)
if cols[1].button("Ingest all", key="doc_ingest_all"):
    run_ingest(None)

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
