"""aimsgraph: map an organisation's evidence to ISO/IEC 42001 in an RDF knowledge graph.

The public Python API (docs/api.md) is importable from here, `from aimsgraph import Workspace, validate_workspace`.
Names are imported on first use, so `import aimsgraph` stays fast (no rdflib, no store, no model).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Each public name and the module that defines it.
_PUBLIC = {
    "AimsError": "aimsgraph.errors",
    "InputError": "aimsgraph.errors",
    "Requirement": "aimsgraph.vocabulary.catalog",
    "load_requirements": "aimsgraph.vocabulary.catalog",
    "Workspace": "aimsgraph.workspace",
    "IngestReport": "aimsgraph.documents.ingest",
    "ingest_documents": "aimsgraph.documents.ingest",
    "CoverageMatrix": "aimsgraph.coverage.matrix",
    "coverage_matrix": "aimsgraph.coverage.matrix",
    "QueryOutcome": "aimsgraph.query.sparql",
    "bind_parameters": "aimsgraph.query.sparql",
    "load_query": "aimsgraph.query.sparql",
    "run_query": "aimsgraph.query.sparql",
    "saved_queries": "aimsgraph.query.sparql",
    "results_json": "aimsgraph.query.results",
    "Finding": "aimsgraph.rules.findings",
    "ValidationReport": "aimsgraph.rules.findings",
    "validate_workspace": "aimsgraph.rules.validation",
    "SuggestionView": "aimsgraph.suggest.suggestions",
    "pending_suggestions": "aimsgraph.suggest.suggestions",
    "suggest_files": "aimsgraph.suggest.suggestions",
    "suggest_for_workspace": "aimsgraph.suggest.suggestions",
    "accept_suggestions": "aimsgraph.suggest.review",
    "reject_suggestions": "aimsgraph.suggest.review",
    "select_suggestions": "aimsgraph.suggest.review",
    "document_impact": "aimsgraph.analysis.impact",
    "person_impact": "aimsgraph.analysis.impact",
    "AuditPack": "aimsgraph.export.audit",
    "audit_pack": "aimsgraph.export.audit",
    "coverage_csv": "aimsgraph.export.audit",
    "coverage_html": "aimsgraph.export.audit",
    "coverage_json": "aimsgraph.export.audit",
    "coverage_markdown": "aimsgraph.export.audit",
    "graph_export": "aimsgraph.export.audit",
    "oscal_files": "aimsgraph.export.oscal",
    "coverage_workbook": "aimsgraph.export.xlsx",
}

__all__ = [  # the public names (docs/api.md); each is in _PUBLIC
    "AimsError",
    "AuditPack",
    "CoverageMatrix",
    "Finding",
    "IngestReport",
    "InputError",
    "QueryOutcome",
    "Requirement",
    "SuggestionView",
    "ValidationReport",
    "Workspace",
    "__version__",
    "accept_suggestions",
    "audit_pack",
    "bind_parameters",
    "coverage_csv",
    "coverage_html",
    "coverage_json",
    "coverage_markdown",
    "coverage_matrix",
    "coverage_workbook",
    "document_impact",
    "graph_export",
    "ingest_documents",
    "load_query",
    "load_requirements",
    "oscal_files",
    "pending_suggestions",
    "person_impact",
    "reject_suggestions",
    "results_json",
    "run_query",
    "saved_queries",
    "select_suggestions",
    "suggest_files",
    "suggest_for_workspace",
    "validate_workspace",
]

if TYPE_CHECKING:  # what the type checker and editors see; at run time __getattr__ imports on demand
    from aimsgraph.analysis.impact import document_impact, person_impact
    from aimsgraph.coverage.matrix import CoverageMatrix, coverage_matrix
    from aimsgraph.documents.ingest import IngestReport, ingest_documents
    from aimsgraph.errors import AimsError, InputError
    from aimsgraph.export.audit import (
        AuditPack,
        audit_pack,
        coverage_csv,
        coverage_html,
        coverage_json,
        coverage_markdown,
        graph_export,
    )
    from aimsgraph.export.oscal import oscal_files
    from aimsgraph.export.xlsx import coverage_workbook
    from aimsgraph.query.results import results_json
    from aimsgraph.query.sparql import QueryOutcome, bind_parameters, load_query, run_query, saved_queries
    from aimsgraph.rules.findings import Finding, ValidationReport
    from aimsgraph.rules.validation import validate_workspace
    from aimsgraph.suggest.review import accept_suggestions, reject_suggestions, select_suggestions
    from aimsgraph.suggest.suggestions import (
        SuggestionView,
        pending_suggestions,
        suggest_files,
        suggest_for_workspace,
    )
    from aimsgraph.vocabulary.catalog import Requirement, load_requirements
    from aimsgraph.workspace import Workspace


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'aimsgraph' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
