"""Every st.cache_* wrapper and session_state key of the explorer, in one place.

The workspace (and its store, which an on-disk Oxigraph lets one process hold) is a cache_resource that nobody
mutates; figures are cache_data keyed by the workspace folder and cleared whenever the app changes the store.
"""

from __future__ import annotations

import importlib
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st
from aimsgraph.app import facts
from aimsgraph.app.launch import WORKSPACE_ENV, workspace_argument
from aimsgraph.app.overview_data import OverviewFigures, overview_figures

from aimsgraph.coverage.matrix import CoverageMatrix, coverage_matrix
from aimsgraph.coverage.view import refresh_view
from aimsgraph.errors import AimsError
from aimsgraph.facts.people import known_people
from aimsgraph.rules.findings import ValidationReport
from aimsgraph.rules.validation import validate_workspace
from aimsgraph.vocabulary.catalog import Requirement, load_requirements
from aimsgraph.workspace import Workspace

if TYPE_CHECKING:
    from aimsgraph.analysis.impact import BrokenChain, Impact, SinglePoint, UnusedDocument
    from aimsgraph.crosswalk.coverage import ControlCoverage
    from aimsgraph.crosswalk.frameworks import Control, FrameworkInfo
    from aimsgraph.crosswalk.mappings import Mapping
    from aimsgraph.suggest.suggestions import SuggestionView

# session_state keys
GRAPH_FOCUS = "graph_focus"  # the expanded nodes, oldest first
GRAPH_START = "graph_start_seen"  # the start node GRAPH_FOCUS was built from
GRAPH_CLICKED = "graph_clicked"  # the last node click acted on
GRAPH_LIMIT = "graph_limit"  # edges drawn per expanded node ("show more" raises it)
GRAPH_POSITIONS = "graph_positions"  # where each drawn node is, kept across expansions
GRAPH_ROUND = "graph_round"  # bumped on a restart: a new chart key forgets the old selection
REVIEWER = "reviewer"
LAST_DECISION = "last_decision"  # (verb, suggestion ids) of the last accept/reject, for its Undo button
SUGGESTION_PAGE = "sugg_page"
SPARQL_TEXT = "sparql_text"
FLASH = "flash"
OPENED = "opened_files"  # org file -> its SHA-256 when a form first showed it (aimsgraph.facts.edit refuses stale)
REGISTERED = "registered_document"  # the evidence id just registered, for its "Suggest for this document" button


def workspace_dir() -> Path | None:
    """The folder given after `--` as `--workspace DIR`, else $AIMSGRAPH_WORKSPACE."""
    given = workspace_argument(sys.argv[1:])
    if given is not None:
        return given
    value = os.environ.get(WORKSPACE_ENV)
    return Path(value) if value else None


def _close(workspace: Workspace) -> None:
    workspace.close()


@st.cache_resource(show_spinner="Opening the workspace…", on_release=_close)
def _open(root: str) -> Workspace:
    workspace = Workspace.open(Path(root))
    workspace.sync()  # also opens the store, so the cached value is never changed afterwards
    return workspace


def workspace() -> Workspace:
    """The open workspace; on a missing or broken one, a clear message on the page and the run stops."""
    folder = workspace_dir()
    if folder is None:
        st.error(f"No workspace given: start the explorer with `aimsgraph app -w DIR` (or set {WORKSPACE_ENV}).")
        st.stop()
    try:
        return _open(str(folder.resolve()))
    except AimsError as exc:
        st.error(f"Cannot open the workspace: {exc}")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def root() -> str:
    return str(workspace().root)


def changed() -> None:
    """The store changed (review, ingest, validation run): drop every cached figure and bring the view up to date."""
    st.cache_data.clear()
    _figures.clear()  # not st.cache_resource.clear(): that would also close the open workspace
    refresh_view(workspace().store)


# ---------------------------------------------------------------- catalog and org facts
# The catalog ships with the package and never changes: a resource (no copy per call; labels are looked up often).
@st.cache_resource(show_spinner=False)
def requirements() -> tuple[Requirement, ...]:
    return tuple(load_requirements())


@st.cache_resource(show_spinner=False)
def requirement_index() -> dict[str, Requirement]:
    return {r.id: r for r in requirements()}


@st.cache_resource(show_spinner=False)
def common_words() -> frozenset[str]:
    """Words too common in the catalog to explain a suggestion (app/terms.py)."""
    from aimsgraph.app.terms import common_words as words

    return words(requirements())


def label(requirement_id: str) -> str:
    """'A.6.2.8 AI system recording of event logs': an id with its title."""
    found = requirement_index().get(requirement_id)
    return found.label if found else requirement_id


@st.cache_data(show_spinner=False)
def people(root: str) -> list[str]:
    """The person ids of the org facts: the reviewer box's choices."""
    return known_people(_open(root).store)


def reviewer() -> str:
    """Who decides (app/identity.py acting_person): the signed-in person, else the reviewer box's, else [user]."""
    from aimsgraph.app.identity import acting_person  # identity reads these caches: imported on use

    return acting_person()


@st.cache_data(show_spinner=False)
def systems(root: str) -> list[dict[str, str]]:
    return facts.systems(_open(root).store)


@st.cache_data(show_spinner=False)
def people_records(root: str, generation: int) -> list[dict[str, str]]:
    """The org facts' people, per store generation (a reload of org/people changes who may sign in)."""
    return facts.people(_open(root).store)


@st.cache_data(show_spinner=False)
def risks(root: str) -> list[dict[str, Any]]:
    return facts.risks(_open(root).store)


@st.cache_data(show_spinner=False)
def risk_threshold(root: str) -> int | None:
    return facts.risk_threshold(_open(root).store)


@st.cache_data(show_spinner=False)
def documents(root: str) -> list[dict[str, str]]:
    return facts.documents(_open(root).store)


@st.cache_data(show_spinner=False, max_entries=200)
def neighbours(root: str, iri: str, limit: int) -> list[tuple[str, str, str, str]]:
    return facts.neighbours(_open(root).store, iri, limit)


@st.cache_data(show_spinner=False, max_entries=500)
def passage_text(root: str, iri: str) -> str:
    return facts.passage_text(_open(root).store, iri)


@st.cache_data(show_spinner=False, max_entries=200)
def node_label(root: str, iri: str) -> str:
    return facts.node_label(_open(root).store, iri)


# ---------------------------------------------------------------- figures from the library
def generation(root: str) -> int:
    """The store's write counter: figures are cached per generation, so any write through the store refreshes them."""
    return int(_open(root).store.generation)


# A resource, not data: the matrix and report are large, and pages only read them (no copy per access).
@st.cache_resource(show_spinner="Computing coverage and checking the gap rules…", max_entries=4)
def _figures(root: str, generation: int) -> tuple[CoverageMatrix, ValidationReport]:
    """Coverage matrix, then the validation report (which reuses the store reads coverage cached: one after the
    other took 3.6 s at 100k triples, side by side 5.3-6.4 s)."""
    workspace = _open(root)
    matrix = coverage_matrix(workspace.store)
    # Viewing is not a validation run: record=False keeps the history to deliberate runs.
    return matrix, validate_workspace(workspace, record=False)


def coverage(root: str) -> CoverageMatrix:
    """The coverage matrix (aimsgraph.coverage.matrix)."""
    return _figures(root, generation(root))[0]


def report(root: str) -> ValidationReport:
    """The validation report (aimsgraph.rules.validation)."""
    return _figures(root, generation(root))[1]


@st.cache_data(show_spinner=False, max_entries=4)
def _overview(root: str, generation: int) -> OverviewFigures:
    return overview_figures(*_figures(root, generation))


def overview(root: str) -> OverviewFigures:
    """The Overview's counts and chart rows (small), from the coverage matrix and the validation report."""
    return _overview(root, generation(root))


@st.cache_data(show_spinner=False)
def suggestions(root: str) -> list[SuggestionView]:
    from aimsgraph.suggest.suggestions import (
        pending_suggestions,  # 0.4 s of imports (BM25, ranking): not for every page
    )

    return pending_suggestions(_open(root).store)


@st.cache_data(show_spinner=False)
def document_systems(root: str) -> dict[str, list[str]]:
    """Evidence id -> the AI systems its register entry names."""
    return facts.document_systems(_open(root).store)


@st.cache_data(show_spinner=False, max_entries=50)
def document_view(root: str, document: str, generation: int) -> tuple[dict[str, str], list[Any]]:
    """A document's register entry and its versions with passages (app/document_facts.py), per store generation."""
    from aimsgraph.app.document_facts import register_entry, versions

    store = _open(root).store
    return register_entry(store, document), versions(store, document)


@st.cache_data(show_spinner=False)
def last_suggestion_run(root: str) -> dict[str, Any] | None:
    return facts.last_suggestion_run(_open(root).store)


@st.cache_data(show_spinner=False)
def history(root: str) -> list[dict[str, Any]]:
    """Recorded validation runs, oldest first (the history graph that validate_workspace(record=True) fills)."""
    return facts.history(_open(root).store)


def restart_graph(start: str) -> None:
    """Start the Graph page again from one node, forgetting expansions and the chart's selection."""
    st.session_state[GRAPH_FOCUS] = [start]
    st.session_state[GRAPH_START] = start
    st.session_state[GRAPH_CLICKED] = None
    st.session_state.pop(GRAPH_POSITIONS, None)
    st.session_state[GRAPH_ROUND] = st.session_state.get(GRAPH_ROUND, 0) + 1


def graph_chart_key() -> str:
    return f"graph_chart_{st.session_state.get(GRAPH_ROUND, 0)}"


def opened(path: Path) -> str:
    """The file's fingerprint as this session first read it (kept until saved or the page is reloaded)."""
    from aimsgraph.facts.edit import fingerprint

    kept: dict[str, str] = st.session_state.setdefault(OPENED, {})
    return kept.setdefault(str(path), fingerprint(path))


def saved(path: Path) -> None:
    """The session wrote `path`: the next form reads it afresh."""
    st.session_state.setdefault(OPENED, {}).pop(str(path), None)


def flash(message: str, level: str = "success") -> None:
    """Keep a one-shot message (success, warning or error) to show after the next rerun."""
    st.session_state[FLASH] = (level, message)


def show_flash() -> None:
    """Show the message kept by flash(), once."""
    level, message = st.session_state.pop(FLASH, (None, None))
    if message:
        {"warning": st.warning, "error": st.error}.get(level or "", st.success)(message)


# ---------------------------------------------------------------- other frameworks (aimsgraph.crosswalk)
@st.cache_data(show_spinner=False)
def frameworks(root: str) -> list[FrameworkInfo]:
    """The imported frameworks beside ISO/IEC 42001."""
    from aimsgraph.crosswalk.frameworks import list_frameworks

    return list_frameworks(_open(root).store)


@st.cache_data(show_spinner=False, max_entries=8)
def framework_controls(root: str, framework: str) -> list[Control]:
    from aimsgraph.crosswalk.frameworks import framework_controls as controls

    return controls(_open(root).store, framework)


@st.cache_data(show_spinner="Carrying coverage across…", max_entries=8)
def _framework_coverage(root: str, framework: str, generation: int) -> list[ControlCoverage]:
    from aimsgraph.crosswalk.coverage import framework_coverage as carried

    return carried(_open(root).store, framework)


def framework_coverage(root: str, framework: str) -> list[ControlCoverage]:
    """Every control of `framework` in every scope with its carried status (aimsgraph.crosswalk.coverage)."""
    return _framework_coverage(root, framework, generation(root))


@st.cache_data(show_spinner=False, max_entries=16)
def mappings(root: str, framework: str, status: str) -> list[Mapping]:
    """The stored mappings of `framework` with one status (accepted, suggested or rejected)."""
    from aimsgraph.crosswalk.mappings import stored_mappings

    return stored_mappings(_open(root).store, framework, {status})


@st.cache_data(show_spinner=False)
def mapped_controls(root: str) -> dict[str, list[Mapping]]:
    """42001 requirement id -> the accepted mappings of every imported framework's controls to it."""
    from aimsgraph.crosswalk.mappings import stored_mappings

    store = _open(root).store
    found: dict[str, list[Mapping]] = {}
    for info in frameworks(root):
        for mapping in stored_mappings(store, info.id):
            found.setdefault(mapping.requirement, []).append(mapping)
    return found


# ---------------------------------------------------------------- analytics (aimsgraph.analysis.impact)
@st.cache_data(show_spinner=False)
def weak_spots(root: str) -> tuple[list[SinglePoint], list[BrokenChain]]:
    """Single points of failure and broken risk chains."""
    from aimsgraph.analysis.impact import broken_risk_chains, single_points_of_failure  # networkx: imported on use

    matrix = coverage(root)
    return single_points_of_failure(matrix), broken_risk_chains(_open(root).store, matrix)


@st.cache_data(show_spinner=False)
def unused_documents(root: str) -> list[UnusedDocument]:
    from aimsgraph.analysis.impact import unused_documents as unused

    return unused(_open(root).store)


@st.cache_data(show_spinner="Working out what depends on it…", max_entries=50)
def document_impact(root: str, evidence: str) -> Impact:
    from aimsgraph.analysis.impact import document_impact as impact

    return impact(_open(root).store, evidence)


# ---------------------------------------------------------------- warming up before the first visit
def warm(folder: Path) -> None:
    """Open the workspace and compute what the Overview shows, so the first visit finds it in the caches.

    Called by aimsgraph.app.launch in a thread beside the starting server (no page, so no st.* output here).
    """
    root = str(folder.resolve())
    _open(root)
    with ThreadPoolExecutor(max_workers=2) as pool:
        # The page imports and the figures overlap: Oxigraph queries run outside the GIL.
        imports = pool.submit(_warm_libraries)
        overview(root)
        imports.result()
    refresh_view(_open(root).store)  # a new day, or writes by the CLI since: SPARQL tools read today's view
    for figure in (systems, suggestions, history, weak_spots):
        figure(root)


def _warm_libraries() -> None:
    """Import what the Overview imports (its charts are SVG drawn here: no chart library to load)."""
    for module in ("aimsgraph.suggest.suggestions", "aimsgraph.analysis.impact", "aimsgraph.app.charts", "pandas"):
        importlib.import_module(module)
