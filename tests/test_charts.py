"""The Overview's server-drawn SVG charts: every figure is in a mark's hover title, values are escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from aimsgraph.app import charts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ET.Element:
    """The SVG element (inside its scroll wrapper, if any), parsed as XML: the markup must be well formed."""
    root = ET.fromstring(markup)
    return root if root.tag == f"{SVG}svg" else root.find(f"{SVG}svg")  # type: ignore[return-value]


def titles(svg: ET.Element, tag: str) -> list[str]:
    return [
        mark.findtext(f"{SVG}title") or "" for mark in svg.iter(f"{SVG}{tag}") if mark.find(f"{SVG}title") is not None
    ]


def test_stacked_bars_have_one_segment_per_status_with_its_count() -> None:
    rows = [
        {"label": "6 Planning", "status": "covered", "requirements": 5},
        {"label": "6 Planning", "status": "missing", "requirements": 1, "ids": ["6.3"]},
        {"label": "A.7 Data <for> AI", "status": "stale", "requirements": 2},
    ]
    svg = parsed(charts.stacked_bars(rows, ("covered", "design-only", "stale", "missing"), "requirements", "leaf"))
    assert titles(svg, "rect") == [
        "6 Planning: 5 of 6 leaf covered",
        "6 Planning: 1 of 6 leaf missing: 6.3",  # the tooltip names what it counts
        "A.7 Data <for> AI: 2 of 2 leaf stale",
    ]
    widths = [float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert widths[0] == pytest.approx(5 * widths[1], abs=0.5) and widths[2] == pytest.approx(2 * widths[1], abs=0.5)
    fills = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert fills == [charts.STATUS_COLOURS[s] for s in ("covered", "missing", "stale")]


def test_columns_are_as_tall_as_their_counts() -> None:
    svg = parsed(charts.columns({"violation": 8, "warning": 2, "info": 0}, charts.SEVERITY_COLOURS, "findings"))
    marks = {r.findtext(f"{SVG}title"): float(r.get("height", 0)) for r in svg.iter(f"{SVG}rect")}
    assert marks["8 findings: violation"] == pytest.approx(4 * marks["2 findings: warning"])
    assert marks["0 findings: info"] == 0


def test_lines_draw_every_run_and_skip_missing_values() -> None:
    runs = [
        {"run": "2026-11-01 09:00:00", "coverage %": 40.0, "violations": 12},
        {"run": "2026-11-20 09:00:00", "coverage %": 75.5, "violations": 3},
        {"run": "2026-11-27 09:00:00", "coverage %": None, "violations": 1},
    ]
    svg = parsed(charts.lines(runs, "run", ["coverage %", "violations"]))
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2
    assert titles(svg, "circle") == [
        "2026-11-01 09:00:00: coverage % 40",
        "2026-11-20 09:00:00: coverage % 76",
        "2026-11-01 09:00:00: violations 12",
        "2026-11-20 09:00:00: violations 3",
        "2026-11-27 09:00:00: violations 1",
    ]
    ticks = [t.text for t in svg.iter(f"{SVG}text")]
    assert "100" in ticks and "50" in ticks  # a round axis maximum above 75.5


@pytest.mark.parametrize(("value", "expected"), [(0, 1), (1, 1), (3, 5), (75.5, 100), (101, 200), (4999, 5000)])
def test_axis_maximum_is_round(value: float, expected: float) -> None:
    assert charts.nice(value) == expected


def test_heatmap_shades_each_cell_by_its_share_and_names_it() -> None:
    cells = [
        {
            "group": "A.5",
            "title": "Assessing impacts",
            "system": "organisation",
            "covered": 3,
            "required": 3,
            "covered %": 100,
        },
        {"group": "A.5", "title": "Assessing impacts", "system": "triage", "covered": 0, "required": 3, "covered %": 0},
    ]
    svg = parsed(charts.heatmap(cells, ["A.5"], ["organisation", "triage", "no-cell"]))
    shaded = {
        r.findtext(f"{SVG}title"): r.get("fill") for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None
    }
    assert shaded == {
        "A.5 Assessing impacts / organisation: 3 of 3 covered (100 %)": charts.shade(100),
        "A.5 Assessing impacts / triage: 0 of 3 covered (0 %)": charts.shade(0),
    }
    assert charts.shade(0) == "#d73027" and charts.shade(100) == "#1a9850" and charts.shade(50) == "#fee08b"
    row_labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert row_labels == ["A.5 Assessing impacts"]  # the group's title beside its id, not the id alone


def test_a_wide_heatmap_keeps_readable_cells_and_scrolls() -> None:
    systems = [f"system-{i}" for i in range(300)]
    cells = [
        {"group": "4", "title": "Context", "system": s, "covered": 1, "required": 2, "covered %": 50} for s in systems
    ]
    markup = charts.heatmap(cells, ["4"], systems)
    assert markup.startswith('<div style="overflow-x:auto">')
    svg = parsed(markup)
    widths = {float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None}
    assert widths == {12.0} and int(svg.get("width", 0)) > 300 * 12


def test_table_escapes_values_and_says_how_many_are_not_shown() -> None:
    rows = [{"risk": f"R-{i:03} <b>bold</b>", "why": "no owner"} for i in range(5)]
    markup = charts.table(rows, limit=3)
    assert markup.count("<tr>") == 4 and "2 more not shown" in markup
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert charts.table([]) == ""


def test_table_cells_can_be_deep_links_and_stay_escaped() -> None:
    rows = [
        {
            "evidence": charts.Anchor("ai-policy", "documents?id=ai-policy"),
            "requirements": [charts.Anchor("5.2", "requirements?id=5.2"), charts.Anchor("<i>x</i>", "a?b=1&c=2")],
        }
    ]
    markup = charts.table(rows, height=None)
    assert '<a href="documents?id=ai-policy" target="_self">ai-policy</a>' in markup
    assert '<a href="requirements?id=5.2" target="_self">5.2</a>, <a href="a?b=1&amp;c=2"' in markup
    assert "<i>" not in markup and "max-height" not in markup


def test_labels_cannot_break_out_of_the_markup() -> None:
    rows = [{"label": '"><script>alert(1)</script>', "status": "covered", "requirements": 1}]
    markup = charts.stacked_bars(rows, ("covered",), "requirements", "leaf")
    assert "<script>" not in markup and not re.search(r'data-label="[^"]*"[^ >/]', markup)
    parsed(markup)


def test_every_chart_is_a_markdown_html_block() -> None:
    """st.markdown passes a block starting with <div> through as is; a bare <svg> line would be a paragraph whose
    text Markdown rewrites (checked in Chromium: '*b* $x^2$' inside a bare SVG's <text> was dropped)."""
    bars = charts.stacked_bars([{"label": "a *b* $x$", "status": "covered", "n": 1}], ("covered",), "n", "leaf")
    cells = [{"group": "4", "title": "t", "system": "s", "covered": 1, "required": 1, "covered %": 100}]
    drawn = [
        bars,
        charts.columns({"violation": 1}, charts.SEVERITY_COLOURS, "findings"),
        charts.lines([{"run": "r", "v": 1}], "run", ["v"]),
        charts.heatmap(cells, ["4"], ["s"]),
        charts.table([{"risk": "R-1 $5k *now*"}]),
    ]
    assert all(markup.startswith("<div") and "\n" not in markup for markup in drawn)
    assert "a *b* $x$" in bars
