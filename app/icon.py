"""The explorer's favicon, drawn by code: a hub node with six linked nodes, in the theme's primary colour.

Shipped as app/favicon.png so the browser asks the explorer for it (a Material icon as page_icon becomes a
font-host URL, which fails offline). Redraw with `python -m aimsgraph.app.icon > app/favicon.png`; a test
checks the committed file still matches the drawing.
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw

FAVICON = Path(__file__).with_name("favicon.png")
SIZE = 64
PRIMARY = (31, 95, 139, 255)  # theme.primaryColor in .streamlit/config.toml
ACCENT = (120, 170, 205, 255)


def draw_icon(size: int = SIZE) -> Image.Image:
    """The icon as an RGBA image: spokes from the centre to six outer nodes (drawn 4x, then scaled down smooth)."""
    return _draw(size * 4).resize((size, size), Image.Resampling.LANCZOS)


def _draw(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    centre, reach, node = size / 2, size * 0.36, size * 0.09
    outer = [(centre + reach * math.cos(a), centre + reach * math.sin(a)) for a in _angles(6)]
    for x, y in outer:
        pen.line([(centre, centre), (x, y)], fill=ACCENT, width=max(2, size // 16))
    for x, y in outer:
        pen.ellipse([x - node, y - node, x + node, y + node], fill=PRIMARY)
    hub = node * 1.8
    pen.ellipse([centre - hub, centre - hub, centre + hub, centre + hub], fill=PRIMARY)
    return image


def _angles(count: int) -> list[float]:
    return [math.pi / 2 + 2 * math.pi * i / count for i in range(count)]


def icon_png() -> bytes:
    """The icon as PNG bytes."""
    buffer = io.BytesIO()
    draw_icon().save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


if __name__ == "__main__":
    sys.stdout.buffer.write(icon_png())
