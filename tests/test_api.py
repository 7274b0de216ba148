"""The public Python API: importable from `aimsgraph` lazily, every name documented, and docs/api.md's examples run."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import zipfile
from importlib import import_module
from pathlib import Path

import pytest

import aimsgraph
from tests.conftest import DEMO, ROOT, copy_workspace, set_model

API_PAGE = ROOT / "docs" / "api.md"
HEAVY = ("rdflib", "pyoxigraph", "oxrdflib", "pyshacl", "numpy", "bm25s", "torch", "sentence_transformers", "click")


def test_import_aimsgraph_loads_no_heavy_package() -> None:
    """`import aimsgraph` must stay fast: the public names load on first use, not at package import."""
    code = "import json, sys, aimsgraph; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True).stdout)
    heavy = sorted(name for name in loaded if name.split(".")[0] in HEAVY or name.startswith("aimsgraph."))
    assert heavy == []


def test_every_public_name_resolves_to_its_module() -> None:
    public = set(aimsgraph.__all__) - {"__version__"}
    assert public == set(aimsgraph._PUBLIC)
    for name in sorted(public):
        value = getattr(aimsgraph, name)
        assert value is getattr(import_module(aimsgraph._PUBLIC[name]), name), name
        assert value.__doc__, f"{name} has no docstring"
    assert set(dir(aimsgraph)) >= public
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        aimsgraph.nothing_here  # noqa: B018


def test_every_public_name_is_on_the_api_page() -> None:
    page = API_PAGE.read_text(encoding="utf-8")
    missing = sorted(name for name in aimsgraph._PUBLIC if f"`{name}`" not in page)
    assert not missing, f"document these in docs/api.md: {missing}"


def page_examples() -> list[str]:
    """The ```python blocks of docs/api.md, in order."""
    return re.findall(r"^```python\n(.*?)^```", API_PAGE.read_text(encoding="utf-8"), re.S | re.M)


def test_api_page_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's blocks, run in order as one script beside a copy of the demo (BM25 alone, for speed)."""
    set_model(copy_workspace(DEMO, tmp_path / "demo"), "none")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    printed = io.StringIO()
    blocks = page_examples()
    assert len(blocks) >= 6
    with contextlib.redirect_stdout(printed):
        for number, block in enumerate(blocks, start=1):
            exec(compile(block, f"docs/api.md block {number}", "exec"), names)
    assert "nowhere: no such folder" in printed.getvalue()
    assert names["accepted"] == names["rejected"] == 1
    assert zipfile.is_zipfile(tmp_path / "audit-pack.xlsx")
    assert json.loads((tmp_path / "assessment-results.json").read_text(encoding="utf-8"))["assessment-results"]
    assert (tmp_path / "coverage.csv").read_text(encoding="utf-8").count("\n") > 80
