"""The Overview's charts as inline SVG drawn on the server, with the numbers behind each mark as its hover title.

Why not Vega-Lite (st.altair_chart, st.line_chart): on a first visit the browser must fetch and start the chart
bundle before anything is drawn, about a second on our 2-core machine, which alone put the Overview over its 2 s
budget. These charts are a few kilobytes of SVG that arrive with the page (through st.markdown: views.html); every
mark keeps its figures in an SVG <title>, which browsers show on hover, and the exports hold the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any, NamedTuple

Link = Callable[..., str] | None  # the deep link a mark opens, from the mark's keys (app/links.py builds them)
STATUS_COLOURS = {"covered": "#2e8b57", "design-only": "#e0b040", "stale": "#f08c3c", "missing": "#d9534f"}
SEVERITY_COLOURS = {"violation": "#d9534f", "warning": "#f0ad4e", "info": "#5bc0de"}
SERIES_COLOURS = ("#1f77b4", "#d9534f", "#f0ad4e", "#2e8b57")
MUTED = "#8a8f98"  # axis lines, gridlines and the empty state: readable on light and dark themes
ROW = 26  # px per bar row or heatmap row
CHAR = 6.2  # px per character of 12 px text, for label columns (a generous average)


class Anchor(NamedTuple):
    """A table cell that is a deep link: `text` shown (escaped), `href` opened in the same tab."""

    text: str
    href: str


def _svg(width: float, height: float, label: str, body: list[str], scroll: bool = False) -> str:
    """An SVG in the page's font and colour that shrinks with its column (never grows), or keeps its size and
    scrolls sideways (`scroll`, for wide heatmaps whose cells would otherwise get too small to read)."""
    size = f'width="{width:.0f}"' if scroll else 'width="100%"'
    style = "" if scroll else f"max-width:{width:.0f}px;height:auto;"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" {size} '
        f'role="img" aria-label="{escape(label)}" '
        f'style="{style}font-family:inherit;font-size:12px;fill:currentColor">' + "".join(body) + "</svg>"
    )
    # Always inside a <div>: Markdown passes a block that starts with <div> through untouched, while a bare <svg>
    # line is a paragraph whose text would still be read as Markdown (emphasis, $math$ in a label).
    return f'<div style="overflow-x:auto">{svg}</div>' if scroll else f"<div>{svg}</div>"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str, extra: str = "", href: str = "") -> str:
    """A mark with its figures as the hover title; with `href`, a link to the list it counts (same tab)."""
    rect = (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}" {extra}>'
        f"<title>{escape(title)}</title></rect>"
    )
    return f'<a href="{escape(href)}" target="_self" style="cursor:pointer">{rect}</a>' if href else rect


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def _legend(items: Mapping[str, str], y: float, x: float = 0) -> list[str]:
    """Colour swatches with names in one row from x."""
    out = []
    for name, colour in items.items():
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(_text(x + 14, y, name))
        x += 14 + CHAR * len(name) + 16
    return out


def stacked_bars(
    rows: Sequence[Mapping[str, Any]],
    statuses: Sequence[str],
    key: str,
    unit: str,
    width: int = 600,
    label_chars: int = 46,
    link: Link = None,
) -> str:
    """One horizontal bar per label (first-seen order), split by status: rows of {label, status, <key>: count}."""
    labels = list(dict.fromkeys(str(r["label"]) for r in rows))
    counts: dict[str, dict[str, int]] = {label: {} for label in labels}
    groups: dict[str, str] = {}
    named: dict[tuple[str, str], str] = {}  # the ids a segment counts, for its hover title (at most 8 named)
    for r in rows:
        counts[str(r["label"])][str(r["status"])] = int(r[key])
        ids = [str(i) for i in r.get("ids", [])]
        if ids:
            more = f" and {len(ids) - 8} more" if len(ids) > 8 else ""
            named[(str(r["label"]), str(r["status"]))] = ": " + ", ".join(ids[:8]) + more
        groups[str(r["label"])] = str(r.get("group", r["label"]))
    longest = max((len(label) for label in labels), default=0)
    left = CHAR * min(longest, label_chars) + 10
    top, right = 24, 36
    scale = (width - left - right) / max((sum(c.values()) for c in counts.values()), default=1)
    body = _legend({s: STATUS_COLOURS.get(s, MUTED) for s in statuses}, 12)
    for i, label in enumerate(labels):
        y = top + i * ROW
        body.append(_text(left - 8, y + 17, _clip(label, label_chars), "end", f'data-label="{escape(label)}"'))
        x, total = left, sum(counts[label].values())
        for status in statuses:
            n = counts[label].get(status, 0)
            if n:
                title = f"{label}: {n} of {total} {unit} {status}{named.get((label, status), '')}"
                href = link(groups[label], status) if link else ""
                body.append(_rect(x, y + 4, n * scale, ROW - 8, STATUS_COLOURS.get(status, MUTED), title, href=href))
                x += n * scale
        body.append(_text(x + 4, y + 17, str(total), extra=f'fill="{MUTED}"'))
    height = top + len(labels) * ROW + 20
    body.append(_text(left, height - 4, f"{unit} (bar length)", extra=f'fill="{MUTED}"'))
    return _svg(width, height, f"{unit} per group by status", body)


def columns(
    values: Mapping[str, int],
    colours: Mapping[str, str],
    unit: str,
    width: int = 360,
    height: int = 220,
    link: Link = None,
) -> str:
    """Vertical bars, one per key, with the count above each."""
    top, bottom, gap = 18, 24, 24
    peak = max(values.values(), default=0) or 1
    slot = (width - gap) / max(len(values), 1)
    body = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="{MUTED}"/>']
    for i, (name, n) in enumerate(values.items()):
        h = (height - top - bottom) * n / peak
        x = gap / 2 + i * slot + gap / 2
        title, href = f"{n} {unit}: {name}", link(name) if link else ""
        body.append(_rect(x, height - bottom - h, slot - gap, h, colours.get(name, MUTED), title, href=href))
        body.append(_text(x + (slot - gap) / 2, height - bottom - h - 4, str(n), "middle"))
        body.append(_text(x + (slot - gap) / 2, height - 6, name, "middle"))
    return _svg(width, height, f"{unit} by {', '.join(values)}", body)


def lines(
    points: Sequence[Mapping[str, Any]], x: str, series: Sequence[str], width: int = 420, height: int = 220
) -> str:
    """One line per series over the points in order (x is the label key); a lone point is a dot."""
    top, bottom, left, right = 28, 22, 34, 12
    values = [float(p[s]) for p in points for s in series if p.get(s) is not None]
    peak = nice(max(values, default=0))
    step = (width - left - right) / max(len(points) - 1, 1)
    colours = dict(zip(series, SERIES_COLOURS, strict=False))
    body = _legend(colours, 12)
    for tick in (0, peak / 2, peak):
        y = height - bottom - (height - top - bottom) * tick / peak
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{MUTED}" stroke-opacity="0.3"/>'
        )
        body.append(_text(left - 4, y + 4, f"{tick:.0f}", "end", f'fill="{MUTED}"'))
    for name in series:
        drawn = [
            (left + i * step, height - bottom - (height - top - bottom) * float(p[name]) / peak, p)
            for i, p in enumerate(points)
            if p.get(name) is not None
        ]
        if len(drawn) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in drawn)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colours[name]}" stroke-width="2"/>')
        for px, py, p in drawn:
            body.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colours[name]}">'
                f"<title>{escape(f'{p[x]}: {name} {float(p[name]):.0f}')}</title></circle>"
            )
    if points:
        body.append(_text(left, height - 6, str(points[0][x]), extra=f'fill="{MUTED}"'))
        if len(points) > 1:
            body.append(_text(width - right, height - 6, str(points[-1][x]), "end", f'fill="{MUTED}"'))
    return _svg(width, height, f"{', '.join(series)} across {len(points)} runs", body)


def nice(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above `value` (an axis maximum with round ticks)."""
    step = 1.0
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def shade(share: float) -> str:
    """Red (0 %) through yellow (50 %) to green (100 %): the colour of a heatmap cell."""
    stops = ((0.0, (215, 48, 39)), (50.0, (254, 224, 139)), (100.0, (26, 152, 80)))
    share = min(max(share, 0.0), 100.0)
    (a, ca), (b, cb) = (stops[0], stops[1]) if share <= 50 else (stops[1], stops[2])
    t = (share - a) / (b - a)
    return "#" + "".join(f"{round(u + (v - u) * t):02x}" for u, v in zip(ca, cb, strict=True))


def heatmap(
    cells: Sequence[Mapping[str, Any]], rows: Sequence[str], cols: Sequence[str], width: int = 1200, link: Link = None
) -> str:
    """Share covered per (row group, column system): cells of {group, title, system, covered, required, covered %}.

    Columns share `width` (at most 96 px each, at least 12); past that the chart is wider than `width` and scrolls.
    """
    at = {(str(c["group"]), str(c["system"])): c for c in cells}
    titles = {str(c["group"]): str(c.get("title") or "") for c in cells}
    names = {r: _clip(f"{r} {titles.get(r, '')}".strip(), 30) for r in rows}  # an id alone says little
    longest = max((len(c) for c in cols), default=0)
    turned = len(cols) > 12
    left = CHAR * max((len(n) for n in names.values()), default=1) + 12
    top = 22 + ((CHAR * min(longest, 18) * 0.87 + 14) if turned else 24)
    cell = min(max((width - left) / max(len(cols), 1), 12.0), 96.0)
    width = max(int(left + cell * len(cols)) + 1, 380)
    body = _legend({f"{p} %": shade(p) for p in (0, 25, 50, 75, 100)}, 12, left)
    for j, col in enumerate(cols):
        cx = left + j * cell + cell / 2
        name = _clip(col, 18)
        if turned:
            body.append(_text(cx + 3, top - 6, name, extra=f'transform="rotate(-60 {cx + 3:.1f} {top - 6:.1f})"'))
        else:
            body.append(_text(cx, top - 8, name, "middle"))
    for i, row in enumerate(rows):
        y = top + i * ROW
        body.append(_text(left - 8, y + 17, names[row], "end"))
        for j, col in enumerate(cols):
            c = at.get((row, col))
            if c is None:
                continue
            title = f"{row} {c['title']} / {col}: {c['covered']} of {c['required']} covered ({c['covered %']} %)"
            href = link(row, col) if link else ""
            fill = shade(float(c["covered %"]))
            body.append(_rect(left + j * cell, y, cell, ROW, fill, title, 'stroke="white"', href=href))
    height = top + len(rows) * ROW + 4
    return _svg(width, height, "share of requirements covered per group and AI system", body, scroll=True)


def _cell(value: object) -> str:
    """A table cell's text, HTML-escaped and with Markdown's link and image brackets as entities, so user text never
    becomes a link or an image however the surrounding Markdown is read; Anchors (one or a list) become our links."""
    if isinstance(value, Anchor):
        return f'<a href="{escape(value.href)}" target="_self">{_cell(value.text)}</a>'
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return escape(str(value)).replace("[", "&#91;").replace("]", "&#93;").replace("!", "&#33;")


def table(rows: Sequence[Mapping[str, Any]], limit: int = 200, height: int | None = 320) -> str:
    """Rows as a plain HTML table that scrolls past `height` px (None: never), the first `limit` rows with a count of
    the rest. A cell may be an Anchor (or a list of them): a link to the page of what it names.

    For the Overview's short lists: st.dataframe's grid is a large bundle of its own to load on a first visit.
    """
    if not rows:
        return ""
    names = list(rows[0])
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(n, ''))}</td>" for n in names) + "</tr>" for r in rows[:limit])
    more = f"<p><small>{len(rows) - limit} more not shown.</small></p>" if len(rows) > limit else ""
    scroll = f"max-height:{height}px;overflow-y:auto" if height else ""
    return (
        f'<div style="{scroll}"><table style="width:100%;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{more}"
    )
