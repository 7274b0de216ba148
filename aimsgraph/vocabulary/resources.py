"""The one place that reads package data (ontology, shapes, saved queries) via importlib.resources."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

ONTOLOGY_FILES = ("aims.ttl", "view.ttl", "roles.ttl", "iso42001.ttl", "applicability.ttl")


def _folder(package: str) -> Traversable:
    return resources.files(f"aimsgraph.{package}")


def ontology_file(name: str) -> Traversable:
    """A file of the shipped ontology folder (aims.ttl, view.ttl, roles.ttl, iso42001.ttl)."""
    return _folder("ontology").joinpath(name)


def shape_files() -> list[Traversable]:
    """Every shipped SHACL shapes file, sorted by name."""
    return sorted((f for f in _folder("shapes").iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


def query_files() -> list[Traversable]:
    """Every shipped saved query (.rq), sorted by name."""
    return sorted((f for f in _folder("queries").iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)


def app_entry() -> Traversable:
    """The Streamlit entry script of the explorer."""
    return _folder("app").joinpath("main.py")
