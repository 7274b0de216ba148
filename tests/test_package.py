"""The installed package carries its data: ontology, shapes, saved queries, the explorer and the demo."""

from __future__ import annotations

import subprocess
import sys
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
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
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


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "aimsgraph", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "aimsgraph" in result.stdout
