"""Debian's chromium as the browser tests and benchmarks drive it (Playwright, headless, no outside network)."""

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
