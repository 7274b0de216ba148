"""Exports: a download button for every export the library offers (built when clicked, not on every run)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import streamlit as st
from aimsgraph.app import state, views

from aimsgraph.errors import AimsError
from aimsgraph.export import audit as ex
from aimsgraph.export.oscal import oscal_files, plan_name
from aimsgraph.export.xlsx import coverage_workbook

workspace = state.workspace()
st.title("Exports")
st.caption("Everything an auditor asks for, from the current state of the workspace. Files are built when you click.")
Build = Callable[[], str | bytes]
OSCAL_RESULTS = "assessment-results.json"


def pack() -> ex.AuditPack:
    return ex.audit_pack(workspace)


def soa_csv() -> str:
    header, rows = ex.soa_table(pack())
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def safe(build: Build) -> Build:
    """A build that turns an AimsError into a text file saying what went wrong, not a broken download."""

    def run() -> str | bytes:
        try:
            return build()
        except AimsError as exc:
            return f"export failed: {exc}\n"

    return run


# (title, what it is for, file name, how to build it)
EXPORTS: list[tuple[str, str, str, Build]] = [
    (
        "Coverage workbook",
        "Matrix, SoA, findings and evidence register in one XLSX.",
        "coverage.xlsx",
        lambda: coverage_workbook(pack()),
    ),
    (
        "Coverage matrix (CSV)",
        "Requirement x AI system, one status per cell.",
        "coverage.csv",
        lambda: ex.coverage_csv(pack()),
    ),
    (
        "Coverage report (HTML)",
        "A readable report to attach to the audit file.",
        "coverage.html",
        lambda: ex.coverage_html(pack()),
    ),
    (
        "Coverage report (Markdown)",
        "The same, for a wiki or a pull request.",
        "coverage.md",
        lambda: ex.coverage_markdown(pack()),
    ),
    ("Coverage (JSON)", "Machine-readable coverage with evidence.", "coverage.json", lambda: ex.coverage_json(pack())),
    (
        "Statement of Applicability (CSV)",
        "Every Annex A control with decision, status and evidence.",
        "soa.csv",
        soa_csv,
    ),
    (
        "OSCAL assessment results",
        f"For GRC tools that read NIST OSCAL; they import the plan below ({plan_name(OSCAL_RESULTS)}).",
        OSCAL_RESULTS,
        lambda: oscal_files(pack(), workspace.config.name, OSCAL_RESULTS)[OSCAL_RESULTS],
    ),
    (
        "OSCAL assessment plan",
        "The objectives and reviewed controls the results refer to; keep it beside them.",
        plan_name(OSCAL_RESULTS),
        lambda: oscal_files(pack(), workspace.config.name, OSCAL_RESULTS)[plan_name(OSCAL_RESULTS)],
    ),
    (
        "Knowledge graph (TriG)",
        "Every named graph of the workspace.",
        "aimsgraph.trig",
        lambda: ex.graph_export(workspace.store, "trig"),
    ),
    (
        "Knowledge graph (JSON-LD)",
        "The same graph as JSON-LD.",
        "aimsgraph.jsonld",
        lambda: ex.graph_export(workspace.store, "json-ld"),
    ),
]

for index, (title, what, name, build) in enumerate(EXPORTS):
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{title}**  \n{what}")
        views.download(right, "Download", safe(build), name, key=f"export_{index}")
