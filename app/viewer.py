"""The document viewer: register facts, the original file, what the document supports and what its loss would
uncover, and its passages in reading order with the linked or suggested requirements beside each one; the passage
named in the URL (`documents?id=X&passage=IRI`) highlighted and scrolled to."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path

import streamlit as st
from aimsgraph.app import links, state, views
from aimsgraph.app.document_facts import Version

HIT = "background:#fff3bf;border-left:4px solid #e0b040"
SCROLL = "<script>document.getElementById('passage-hit')?.scrollIntoView({block: 'center'});</script>"


def show(root: str, document: str, passage: str | None) -> None:
    """The whole viewer for one evidence id."""
    entry, found = state.document_view(root, document, state.generation(root))
    st.markdown(links.anchor("documents", "← all documents"), unsafe_allow_html=True)
    st.subheader(f"{document} {entry.get('title', '')}".strip())
    version = next((v for v in found if any(p["iri"] == passage for p in v.passages)), found[0] if found else None)
    register(root, entry, version)
    supports(root, document)
    if version is None:
        st.caption("Not ingested yet: no passages to show (Documents page: Ingest all).")
        return
    if not version.current:
        st.warning("This passage is from an earlier version of the document, since replaced.")
    passages(root, document, version, passage)


def register(root: str, entry: dict[str, str], version: Version | None) -> None:
    """Register facts, the SHA-256 status and the original file to download."""
    recorded = entry.get("recorded sha256", "")
    sha = version.sha256 if version else ""
    status = "not recorded" if not recorded else ("matches the file" if recorded == sha else "differs from the file")
    facts = {k: v for k, v in entry.items() if k != "recorded sha256"} | {"sha-256": f"{sha[:16]}… ({status})"}
    cols = st.columns([3, 1])
    cols[0].dataframe([facts], hide_index=True, width="stretch")
    file = Path(root) / (version.file if version else entry.get("file", ""))
    inside = file.resolve().is_relative_to(Path(root).resolve())
    if version and inside and file.is_file():
        views.download(cols[1], "Original file", file.read_bytes, file.name, key="doc_original")


def supports(root: str, document: str) -> None:
    """The requirements it is evidence for, and what would go without it."""
    matrix = state.coverage(root)
    rows = [
        {"requirement": links.href("requirements", id=r), "scope": s or "organisation", "status": cell.status}
        for (r, s), cell in matrix.cells.items()
        if any(e.evidence == document for e in cell.evidence)
    ]
    left, right = st.columns(2)
    with left:
        st.markdown(f"**What it supports** ({len(rows)})")
        if rows:
            column = {"requirement": links.link_column("requirements", "requirement")}
            st.dataframe(rows, hide_index=True, width="stretch", height=220, column_config=column)
        else:
            st.caption("Nothing yet.")
    with right:
        losses = state.document_impact(root, document).losses
        st.markdown(f"**What would be lost without it** ({len(losses)})")
        views.table(
            [
                {
                    "requirement": x.requirement,
                    "scope": x.system or "organisation",
                    "now": x.before,
                    "without it": x.after,
                }
                for x in losses
            ],
            "Nothing: every requirement it supports has other current evidence.",
            height=220,
        )


def passages(root: str, document: str, version: Version, passage: str | None) -> None:
    """Passages in reading order, each with its requirements beside it, the named one highlighted."""
    beside: dict[str, list[str]] = defaultdict(list)
    for (r, _s), cell in state.coverage(root).cells.items():
        for e in cell.evidence:
            if e.evidence == document and e.passage and links.anchor("requirements", r, id=r) not in beside[e.passage]:
                beside[e.passage].append(links.anchor("requirements", r, id=r))
    for s in state.suggestions(root):
        if s.document == document:
            beside[s.passage].append(
                links.anchor("suggestions", f"{s.requirement}?", requirement=s.requirement, document=document)
            )
    st.markdown(
        f"**Passages** ({len(version.passages)}) · `{escape(version.file)}` · accepted links, then suggested ones (?)"
    )
    body = []
    for p in version.passages:
        hit = p["iri"] == passage
        where = " · ".join(x for x in (p["page"] and f"p. {p['page']}", p["heading"]) if x)
        body.append(
            f'<div {"id=passage-hit " if hit else ""}style="display:grid;grid-template-columns:4fr 1fr;gap:12px;'
            f'padding:6px 8px;margin:2px 0;{HIT if hit else ""}"><div><small style="opacity:0.7">{escape(where)}'
            f"</small><div style='white-space:pre-wrap'>{escape(p['text'])}</div></div>"
            f"<div><small>{' '.join(beside.get(p['iri'], []))}</small></div></div>"
        )
    st.html(
        f'<div style="max-height:640px;overflow-y:auto;border:1px solid #ddd;border-radius:6px">{"".join(body)}</div>'
        + (SCROLL if passage else ""),
        unsafe_allow_javascript=True,
    )
