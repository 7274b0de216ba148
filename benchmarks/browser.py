"""Debian's chromium as the browser tests and benchmarks drive it (Playwright, headless, no outside network)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route, WebSocket

CHROMIUM = "/usr/bin/chromium"
# Never `playwright install`: it downloads a browser from outside. These flags keep chromium from calling home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOST = "127.0.0.1"  # where the explorer listens; any other host is outside the machine


def block_outside_requests(context: BrowserContext) -> list[str]:
    """Abort every request of `context` to a host other than 127.0.0.1; the list returned records each one
    (web sockets to other hosts are recorded too). Call before opening pages."""
    outside: list[str] = []

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    def watch(socket: WebSocket) -> None:
        if urlsplit(socket.url).hostname != LOCAL_HOST:
            outside.append(socket.url)

    def on_page(page: Page) -> None:
        page.on("websocket", watch)

    context.route("**/*", route)
    context.on("page", on_page)
    return outside
