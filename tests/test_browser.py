"""The explorer in a real browser: Debian's chromium driven by Playwright, app started on a free port."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from aimsgraph.app.launch import Explorer, start_explorer

from aimsgraph.vocabulary.catalog import requirements_by_id
from benchmarks.browser import CHROMIUM as DEFAULT_CHROMIUM
from benchmarks.browser import CHROMIUM_FLAGS, block_outside_requests

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("AIMSGRAPH_CHROMIUM", DEFAULT_CHROMIUM)
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PAGES = ["", "requirements", "systems", "gaps", "suggestions", "documents", "graph", "sparql", "exports"]

if not shutil.which(CHROMIUM):
    pytest.skip(f"no chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture
def explorer(suggested_demo_dir: Path) -> Iterator[Explorer]:
    running = start_explorer(suggested_demo_dir, quiet=True)
    try:
        running.wait_ready(90)
        yield running
    finally:
        running.stop()


@pytest.fixture
def page() -> Iterator[sync_api.Page]:
    """A chromium tab that may reach only 127.0.0.1: any other request is aborted and fails the test."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        context = browser.new_context(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
        outside = block_outside_requests(context)
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()
        assert outside == [], f"the page asked a host other than 127.0.0.1: {sorted(set(outside))}"


def settle(page: sync_api.Page) -> None:
    """Wait until Streamlit has finished the script run (the app root says so) and drawn the page title."""
    page.wait_for_timeout(300)  # a click's rerun starts a moment after the click
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
    page.wait_for_selector("h1", state="visible")
    page.wait_for_timeout(800)  # charts draw a moment after the run ends


def open_page(page: sync_api.Page, base: str, name: str) -> None:
    page.goto(base + name)
    settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name or 'overview'}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0, name


def test_every_page_in_chromium(explorer: Explorer, page: sync_api.Page) -> None:
    for name in PAGES:
        open_page(page, explorer.url, name)
        if name == "sparql":  # the default query ran in a child of the server's fork server
            assert page.get_by_text("3 rows", exact=True).count() == 1
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(icon.startswith(explorer.url) for icon in icons)  # our favicon, served by the explorer
    assert page.request.get(icons[0]).body()[:8] == b"\x89PNG\r\n\x1a\n"


def covered_figure(page: sync_api.Page, base: str) -> str:
    page.goto(base)
    settle(page)
    # Covered and without-evidence figures: design evidence for a control changes the second only.
    metrics = page.locator("[data-testid='stMetric']")
    return " | ".join(metrics.nth(i).inner_text() for i in (0, 2))


def test_accept_a_suggestion_and_download_the_workbook(page: sync_api.Page, suggested_demo_dir: Path) -> None:
    from tests.test_app import missing_with_suggestion

    # Look the requirement up before serving: the store admits one process at a time.
    requirement = requirements_by_id()[missing_with_suggestion(suggested_demo_dir)].label
    served = start_explorer(suggested_demo_dir, quiet=True)
    try:
        served.wait_ready(90)
        before = covered_figure(page, served.url)
        page.goto(served.url + "suggestions")
        settle(page)
        page.locator("[data-testid='stSelectbox']").filter(has_text="Requirement").click()
        page.keyboard.type(requirement)
        page.keyboard.press("Enter")
        settle(page)
        page.locator("[data-testid='stCheckbox']").first.click()
        page.get_by_role("button", name="Accept 1").click()
        settle(page)
        page.screenshot(path=str(SHOTS / "suggestions-accepted.png"), full_page=True)
        page.get_by_text("Accepted 1 suggestion(s): coverage updated.").wait_for(timeout=10_000)
        assert covered_figure(page, served.url) != before
        page.goto(served.url + "exports")
        settle(page)
        with page.expect_download() as download:
            page.locator("[data-testid='stDownloadButton']").first.click()
        target = SHOTS.parent / "coverage.xlsx"
        download.value.save_as(target)
        assert target.read_bytes()[:2] == b"PK"
    finally:
        served.stop()


def upload_a_corrupt_file(page: sync_api.Page, base: str, documents: Path) -> None:
    """A corrupt PDF is refused under the button with the reason, and nothing of it is left in documents/."""
    before = sorted(p.name for p in documents.iterdir())
    page.goto(base + "documents")
    settle(page)
    broken = {"name": "broken.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not really a pdf"}
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files=[broken])
    page.get_by_role("button", name="Store", exact=True).click()
    page.get_by_text(re.compile(r"Not stored: broken\.pdf: cannot be read")).wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(SHOTS / "documents-corrupt-upload.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert sorted(p.name for p in documents.iterdir()) == before  # not the file, not a hidden part of it


def expand_a_node(page: sync_api.Page, prefix: str) -> None:
    """Click the first drawn node whose IRI starts with `prefix` and wait until the graph has grown."""
    page.wait_for_selector(".js-plotly-plot g.points path.point")  # plotly draws after the script run ends
    counts = page.get_by_text(re.compile(r"^\d+ nodes, \d+ edges"))
    before = int(counts.inner_text().split()[0])
    # plotly keeps each point's IRI in the figure's data.
    index = page.evaluate(
        f"() => document.querySelector('.js-plotly-plot').data[1].customdata.findIndex(n => n.startsWith('{prefix}'))"
    )
    assert index >= 0
    nodes = page.locator("g.scatterlayer g.trace").nth(1).locator("path.point")  # trace 0 draws the edges
    box = nodes.nth(index).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # where an analyst clicks
    page.wait_for_function(
        f"() => document.body.innerText.match(/(\\d+) nodes, \\d+ edges/)[1] != {before}",
        timeout=30_000,
    )
    settle(page)
    assert int(counts.inner_text().split()[0]) > before


def test_clicking_a_node_expands_the_graph(explorer: Explorer, page: sync_api.Page) -> None:
    page.goto(explorer.url + "graph")
    settle(page)
    expand_a_node(page, "urn:aims:risk:")  # a risk node: it has controls and an owner to show
    page.screenshot(path=str(SHOTS / "graph-expanded.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0


def shot(page: sync_api.Page, folder: Path, name: str) -> None:
    """A screenshot of the whole page kept as a test artefact (at 1440 px wide, as an analyst's screen)."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0, name


def test_the_analysts_journey(page: sync_api.Page, suggested_demo_dir: Path, tmp_path: Path) -> None:
    """Deep link -> evidence -> passage in its document -> back; a heatmap cell -> its list; tick one of two cards,
    accept it, the other stays unticked; undo it; expand a graph node and open its page. (Editing an SoA row in the
    browser is test_day_to_day_edits_in_the_browser.)"""
    from tests.test_app import missing_suggestions

    requirement, ids, _texts = missing_suggestions(suggested_demo_dir)
    assert len(ids) >= 2, "the journey needs a requirement with two pending suggestions"
    page.set_viewport_size({"width": 1440, "height": 900})
    served = start_explorer(suggested_demo_dir, quiet=True)
    try:
        served.wait_ready(90)
        page.goto(served.url + "requirements?id=A.6.2.8")
        settle(page)
        page.get_by_role("heading", name="A.6.2.8 AI system recording of event logs").wait_for()
        shot(page, tmp_path, "1-requirement")
        evidence = page.locator("a[href^='documents?id=']").first  # its register evidence: the whole document
        title = evidence.inner_text()
        evidence.click()
        settle(page)
        assert "/documents?id=" in page.url
        page.get_by_role("heading", name=title).wait_for()
        shot(page, tmp_path, "2-document-viewer")
        page.go_back()
        settle(page)
        assert page.url.endswith("requirements?id=A.6.2.8")
        page.get_by_role("heading", name="A.6.2.8 AI system recording of event logs").wait_for()

        page.goto(served.url + f"requirements?id={requirement}")  # a suggested passage, followed to its place
        settle(page)
        page.locator("a[href*='passage=']").first.click()
        settle(page)
        assert "passage=" in page.url
        hit = page.locator("#passage-hit")
        hit.wait_for()
        box = hit.bounding_box()
        assert box is not None and 0 <= box["y"] < 900  # highlighted and scrolled into view
        shot(page, tmp_path, "2b-passage-highlighted")
        page.go_back()
        settle(page)
        assert page.url.endswith(f"requirements?id={requirement}")

        page.goto(served.url)
        settle(page)
        shot(page, tmp_path, "3-overview")
        cell = page.locator("a[href*='requirements?group=A.6'][href*='system=']").first
        cell.click()
        settle(page)
        assert "group=A.6" in page.url and "system=" in page.url
        listed = page.locator("[data-testid='stCaptionContainer']").filter(has_text="requirements · scope")
        assert re.search(r"\d+ of \d+ requirements", listed.inner_text())
        shot(page, tmp_path, "4-heatmap-cell-list")

        page.goto(served.url + f"suggestions?requirement={requirement}")
        settle(page)
        cards = page.locator("[data-testid='stCheckbox']")
        assert cards.count() == len(ids)
        cards.nth(0).click()
        settle(page)
        page.get_by_role("button", name="Accept 1").click()
        settle(page)
        page.get_by_text("Accepted 1 suggestion(s): coverage updated.").first.wait_for()
        boxes = page.locator("[data-testid='stCheckbox'] input")
        assert boxes.count() == len(ids) - 1
        assert all(not boxes.nth(i).is_checked() for i in range(boxes.count()))  # never ticked, not ticked now
        assert page.get_by_role("button", name="Accept 0").is_disabled()
        shot(page, tmp_path, "5-suggestions-accepted")
        page.get_by_role("button", name=re.compile(r"Undo \(accepted 1\)")).click()
        settle(page)
        page.get_by_text("are pending again").first.wait_for()
        assert page.locator("[data-testid='stCheckbox']").count() == len(ids)
        shot(page, tmp_path, "6-suggestions-undone")
        page.goto(served.url + "graph?node=claimsight")  # expand a node, then open its page
        settle(page)
        expand_a_node(page, "urn:aims:risk:")
        shot(page, tmp_path, "6b-graph-expanded")
        page.locator("a[href^='risks?id=']").filter(has_text="open its page").first.click()
        settle(page)
        assert "/risks?id=R-" in page.url
        page.get_by_role("heading", name=re.compile(r"^R-\d+ ")).wait_for()
        for name in ("risks?id=R-001", "systems?id=nope"):
            page.goto(served.url + name)
            settle(page)
            shot(page, tmp_path, name.replace("?", "-").replace("=", "-"))
        assert page.get_by_text("No AI system 'nope'").count() == 1
    finally:
        served.stop()
        SHOTS.mkdir(parents=True, exist_ok=True)  # the journey's screenshots also beside the other pages' ones
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, SHOTS / f"journey-{png.name}")


def choose(page: sync_api.Page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label` as a user does: open it, type, Enter."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).last.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def test_day_to_day_edits_in_the_browser(page: sync_api.Page, suggested_demo_dir: Path, tmp_path: Path) -> None:
    """Edit an SoA row and see org/soa.yaml changed with its comments kept; an edit that breaks a rule shows load's
    message with the file unchanged; a corrupt upload leaves nothing; an upload registered, then suggested for."""
    soa, risks = suggested_demo_dir / "org" / "soa.yaml", suggested_demo_dir / "org" / "risks.yaml"
    before, risks_before = soa.read_text(encoding="utf-8"), risks.read_bytes()
    page.set_viewport_size({"width": 1440, "height": 900})
    served = start_explorer(suggested_demo_dir, quiet=True)
    try:
        served.wait_ready(90)
        page.goto(served.url + "requirements?id=A.4.6")  # the demo's SoA row with no owner
        settle(page)
        choose(page, "Owner", "jkowalski")
        page.get_by_role("button", name="Save SoA row").click()
        settle(page)
        page.get_by_text("Saved the SoA row of A.4.6 to org/soa.yaml.").wait_for()
        shot(page, tmp_path, "7-soa-row-saved")
        after = soa.read_text(encoding="utf-8")
        changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
        assert len(changed) == 1 and "control: A.4.6" in changed[0][1] and "owner: jkowalski" in changed[0][1]
        assert [x for x in after.splitlines() if "#" in x] == [x for x in before.splitlines() if "#" in x]

        page.goto(served.url + "risks")
        settle(page)
        page.get_by_text("Add a risk").click()
        page.get_by_role("textbox", name="Id", exact=True).fill("R 100")  # not an id: load refuses it
        page.get_by_role("textbox", name="Title", exact=True).fill("A risk with a bad id")
        page.get_by_role("button", name="Add risk").click()
        settle(page)
        page.get_by_text(re.compile(r"Not saved: org/risks\.yaml:\d+: risks\[15\]\.id: 'R 100' is not")).wait_for()
        shot(page, tmp_path, "8-risk-refused")
        assert risks.read_bytes() == risks_before

        documents = suggested_demo_dir / "documents"
        upload_a_corrupt_file(page, served.url, documents)
        note = {
            "name": "Vendor Review.md",
            "mimeType": "text/markdown",
            "buffer": b"# Vendor review\n\n" + b"We assess "
            b"each AI supplier's data handling and incident reporting before contract renewal.\n" * 3,
        }
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files=[note])
        page.get_by_role("button", name="Store", exact=True).click()
        settle(page)
        assert (
            page.get_by_role("textbox", name="Id", exact=True).input_value() == "vendor-review"
        )  # the file's name without its extension
        choose(page, "Kind", "report")
        page.get_by_role("button", name="Register").click()
        settle(page)
        page.get_by_text("Registered vendor-review in org/evidence.yaml").wait_for()
        assert "file: documents/Vendor-Review.md" in (suggested_demo_dir / "org" / "evidence.yaml").read_text()
        page.get_by_role("button", name=re.compile(r"Suggest for this document")).click()
        settle(page)
        page.get_by_text(re.compile(r"\d+ suggestion\(s\) for vendor-review")).wait_for(timeout=60_000)
        shot(page, tmp_path, "9-registered-and-suggested")
    finally:
        served.stop()
        SHOTS.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, SHOTS / f"edits-{png.name}")
