"""The explorer's Crosswalk page and framework selector under AppTest, on the mini workspace with a small framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from aimsgraph.app.launch import WORKSPACE_ENV

from aimsgraph.vocabulary.resources import app_entry
from tests.conftest import run_cli
from tests.test_crosswalk import small_framework

st_testing = pytest.importorskip("streamlit.testing.v1")


def _app(folder: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> st_testing.AppTest:
    monkeypatch.setenv(WORKSPACE_ENV, str(folder))
    app = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60)
    app.run()
    app.switch_page(f"app_pages/{page}.py")
    for name, value in params.items():  # after switch_page, which starts the new page from a bare URL
        app.query_params[name] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_crosswalk_page_shows_the_carried_statuses(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = small_framework(mini_dir, tmp_path)
    app = _app(mini_dir, monkeypatch, "crosswalk", framework="X")
    # X-1 covered; X-5 unmapped and X-4 not applicable leave three mapped and applicable.
    assert {m.label: m.value for m in app.metric}["Controls covered / mapped and applicable"] == "1 / 3"
    frame = app.dataframe[0].value
    shown = dict(zip(frame["control"].str.extract(r"control=([^&]*)")[0], frame["status"], strict=True))
    assert shown == expected
    app.query_params["control"] = "X-2"
    app.run()
    assert "X-2 Two" in [h.value for h in app.subheader]


def test_a_ticked_mapping_is_accepted_as_the_chosen_relation(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_framework(mini_dir, tmp_path)
    made = run_cli("-w", str(mini_dir), "crosswalk", "suggest", "X", "--top-k", "2", "--model", "none")
    assert made.exit_code == 0, made.stderr
    app = _app(mini_dir, monkeypatch, "crosswalk", framework="X")
    boxes = [c for c in app.checkbox if c.key and c.key.startswith("cw_pick_")]
    assert len(boxes) >= 2
    first = boxes[0].key.removeprefix("cw_pick_")
    boxes[0].check()
    app.selectbox(key="cw_predicate").set_value("skos:exactMatch")
    app.run()
    app.button(key="cw_accept").click().run()
    assert not app.exception and not app.error
    ticked = [c.key for c in app.checkbox if c.key and c.key.startswith("cw_pick_") and c.value]
    assert ticked == []  # the other card was never ticked and stays so
    assert "Accepted 1 as skos:exactMatch" in app.success[0].value
    st.cache_resource.clear()  # closes the explorer's workspace (its store lock), as quitting the explorer would
    exported = run_cli("-w", str(mini_dir), "crosswalk", "export", "--framework", "X").stdout
    control, requirement = first.split("_", 1)
    assert f"X:{control}\tskos:exactMatch\tISO42001:{requirement}\tsemapv:MappingReview" in exported
    left = json.loads(run_cli("-w", str(mini_dir), "crosswalk", "review", "X", "--format", "json").stdout)
    assert (control, requirement) not in {(p["control"], p["requirement"]) for p in left}


def test_overview_carries_coverage_for_a_chosen_framework(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_framework(mini_dir, tmp_path)
    app = _app(mini_dir, monkeypatch, "overview", framework="X")
    assert app.selectbox(key="overview_framework").value == "X"
    organisation = next(m for m in app.markdown if "<td>organisation</td>" in m.value)
    cells = organisation.value.split("<td>organisation</td>", 1)[1].split("</tr>", 1)[0]
    assert cells.count("<td>1</td>") == 5  # one control of each carried status


def test_unknown_framework_in_a_link_is_not_found(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_framework(mini_dir, tmp_path)
    app = _app(mini_dir, monkeypatch, "crosswalk", framework="NOPE")
    assert "No framework 'NOPE'" in app.error[0].value


def test_no_framework_says_how_to_import_one(mini_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(mini_dir, monkeypatch, "crosswalk")
    assert "framework import" in app.info[0].value


def test_requirements_show_the_controls_mapped_to_them(
    mini_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_framework(mini_dir, tmp_path)
    mapping = (tmp_path / "x-map.csv").read_text(encoding="utf-8").splitlines()[1:]
    requirement = mapping[0].split(",")[1]  # X-1 maps to it, and so does X-2
    mapped_here = sorted(line.split(",")[0] for line in mapping if line.split(",")[1] == requirement)
    app = _app(mini_dir, monkeypatch, "requirements", framework="X")
    frame = app.dataframe[0].value
    row = frame[frame["id"] == f"requirements?id={requirement}"]
    assert row["X controls"].tolist() == [", ".join(mapped_here)]
    app.query_params.clear()
    app.query_params["id"] = requirement
    app.run()
    listed = next(m.value for m in app.markdown if "crosswalk?framework=X" in m.value)
    assert all(f"control={c}" in listed for c in mapped_here)
