"""The installed package carries its data: ontology, shapes, saved queries, the explorer and the demo."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from aimsgraph.vocabulary.resources import ONTOLOGY_FILES, ontology_file

ROOT = Path(__file__).resolve().parents[1]


def test_ontology_is_read_through_importlib_resources() -> None:
    for name in ONTOLOGY_FILES:
        assert "@prefix aims:" in ontology_file(name).read_text(encoding="utf-8")


@pytest.mark.slow
def test_wheel_ships_ontology_shapes_and_demo(tmp_path: Path) -> None:
    # Built from the committed files alone: a build/ or *.egg-info left in the checkout would let setuptools ship
    # modules that pyproject's package list leaves out, hiding the mistake from this test.
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)]
    subprocess.run([*command, str(source)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("aimsgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ONTOLOGY_FILES:
        assert f"aimsgraph/ontology/{name}" in names
    assert "aimsgraph/py.typed" in names
    assert "aimsgraph/app/favicon.png" in names  # the explorer's icon is served locally, never fetched
    assert any(n.startswith("aimsgraph/shapes/") and n.endswith(".ttl") for n in names)
    demo = ROOT / "examples" / "demo-org"
    for folder in ("org", "documents"):  # every file of the demo's data folders, whatever its suffix
        files = [p.name for p in (demo / folder).iterdir() if p.is_file()]
        assert files and all(f"aimsgraph/demo_org/{folder}/{name}" in names for name in files), folder
    assert not any("/tools/" in n for n in names)
    # Every module of the library and the explorer, so a subpackage missing from pyproject's list cannot ship broken.
    modules = [f"aimsgraph/{p.relative_to(ROOT / 'aimsgraph')}" for p in (ROOT / "aimsgraph").rglob("*.py")]
    modules += [f"aimsgraph/app/{p.relative_to(ROOT / 'app')}" for p in (ROOT / "app").rglob("*.py")]
    assert sorted(m for m in modules if m not in names) == []


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "aimsgraph", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "aimsgraph" in result.stdout


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """Top-level module names `path` imports: (at module level, anywhere else such as inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def names(nodes: list[ast.stmt] | list[ast.AST]) -> set[str]:
        found = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
        return found

    eager = names(tree.body)
    return eager, names(list(ast.walk(tree))) - eager


def _distribution_name(requirement: str) -> str:
    """The normalised project name a requirement (`Name[extra]>=1.0`) or a distribution name stands for."""
    return re.sub(r"[-_.]+", "-", re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]).lower()


def test_every_imported_third_party_module_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_distribution_name(r) for r in project["dependencies"]}
    extras = {name: {_distribution_name(r) for r in reqs} for name, reqs in project["optional-dependencies"].items()}
    providers = importlib.metadata.packages_distributions()
    # The library's module-level imports need the core install; lazy ones may come from the extra that needs them.
    optional = extras["embeddings"] | extras["crosswalk"]
    allowed = {"aimsgraph": (core, core | optional), "app": (core | extras["app"], core | extras["app"])}
    missing = []
    for folder, (eager_ok, lazy_ok) in allowed.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            eager, lazy = _imports(path)
            for module, ok in [(m, eager_ok) for m in eager] + [(m, lazy_ok) for m in lazy]:
                if module in sys.stdlib_module_names or module in ("aimsgraph", "__future__"):
                    continue
                if not {_distribution_name(d) for d in providers.get(module, [])} & ok:
                    missing.append(f"{path.relative_to(ROOT)}: {module} ({', '.join(providers.get(module, ['?']))})")
    assert not missing, "imported but not declared in pyproject.toml:\n" + "\n".join(missing)
