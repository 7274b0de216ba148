"""Sign-in to the explorer: a real OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, the explorer started as
`aimsgraph app` starts it, and Chromium signing in as two people of the demo organisation and as a stranger.
Without an identity provider the explorer says it runs in local single-user mode."""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import streamlit as st
from aimsgraph.app.launch import WORKSPACE_ENV, Explorer, explorer_command, free_port, secrets_file, start_explorer
from aimsgraph.app.sign_in import LOCAL_MODE
from aimsgraph.app.views import as_text

from aimsgraph.errors import InputError
from aimsgraph.vocabulary.resources import app_entry
from aimsgraph.workspace import Config
from benchmarks.browser import CHROMIUM as DEFAULT_CHROMIUM
from benchmarks.browser import CHROMIUM_FLAGS, block_outside_requests
from tests.conftest import run_cli

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

st_testing = pytest.importorskip("streamlit.testing.v1")
CHROMIUM = os.environ.get("AIMSGRAPH_CHROMIUM", DEFAULT_CHROMIUM)
# Two people of the demo's org/people.yaml, signed in by their email; the stranger is nobody's.
PRIYA = {"sub": "priya", "email": "priya.nair@northwind-mutual.example", "name": "P. Nair (IdP)"}
MARCUS = {"sub": "marcus", "email": "Marcus.Brennan@northwind-mutual.example", "name": "M. Brennan (IdP)"}
STRANGER = "stranger@elsewhere.example"
# The provider's own pages link a stylesheet on a CDN: answered here with nothing, so no request leaves the machine.
PROVIDER_STYLESHEET = "https://cdn.jsdelivr.net/npm/@picocss/**"


# ---------------------------------------------------------------- settings and the command line
def test_the_explorer_reads_secrets_from_the_workspace_only(tmp_path: Path) -> None:
    command = explorer_command(tmp_path, 8599)
    assert command.count("--secrets.files") == 1
    assert command[command.index("--secrets.files") + 1] == str(tmp_path.resolve() / ".streamlit" / "secrets.toml")
    assert secrets_file(tmp_path) == tmp_path.resolve() / ".streamlit" / "secrets.toml"


def test_unknown_user_setting_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "aimsgraph.toml"
    config.write_text("[workspace]\nname = 'x'\n", encoding="utf-8")
    assert Config.read(config).unknown_user == "viewer"
    config.write_text("[sign_in]\nunknown_user = 'refuse'\n", encoding="utf-8")
    assert Config.read(config).unknown_user == "refuse"
    config.write_text("[sign_in]\nunknown_user = 'admin'\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        Config.read(config)
    assert str(raised.value) == f"{config}: sign_in.unknown_user: unknown_user must be viewer or refuse, not 'admin'"


# ---------------------------------------------------------------- the gate under AppTest (st.user seeded)
def auth_section(provider: str = "http://127.0.0.1:9/") -> dict[str, str]:
    """An [auth] section as the docs show it (placeholders; the AppTest runs never reach the provider)."""
    return {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": "aimsgraph-explorer",
        "client_secret": secrets.token_hex(16),
        "server_metadata_url": provider + ".well-known/openid-configuration",
    }


def explorer_test(demo_dir: Path, monkeypatch: pytest.MonkeyPatch, **user: object) -> st_testing.AppTest:
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))
    test = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60)
    test.secrets["auth"] = auth_section()
    if user:
        test.user = {"is_logged_in": True, **user}
    return test


def sidebar_text(test: st_testing.AppTest) -> str:
    parts = [m.value for m in test.sidebar.markdown] + [c.value for c in test.sidebar.caption]
    return "\n".join(parts + [w.value for w in test.sidebar.warning])


def test_without_a_provider_the_sidebar_says_local_mode(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))
    test = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60).run()
    assert not test.exception
    assert LOCAL_MODE in [c.value for c in test.sidebar.caption]
    assert test.title[0].value != "Sign in" and "sign_out" not in [b.key for b in test.sidebar.button]


def test_with_a_provider_only_the_sign_in_page_shows(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = explorer_test(demo_dir, monkeypatch).run()
    assert not test.exception
    assert [t.value for t in test.title] == ["Sign in"]
    assert test.button(key="sign_in_0").label == "Sign in with 127.0.0.1"
    assert LOCAL_MODE not in sidebar_text(test) and not test.sidebar.button  # no page, no workspace actions


def test_a_signed_in_person_is_named_with_their_id(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = explorer_test(demo_dir, monkeypatch, email=MARCUS["email"], name=MARCUS["name"]).run()
    assert not test.exception and test.title[0].value != "Sign in"
    text = sidebar_text(test)
    assert "Signed in as **Marcus Brennan** (mbrennan)" in text and "not among" not in text
    assert test.sidebar.button(key="sign_out").label == "Sign out"


def test_an_unverified_email_is_nobody(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = explorer_test(demo_dir, monkeypatch, email=PRIYA["email"], email_verified=False, name="Mallory").run()
    assert not test.exception
    assert "(pnair)" not in sidebar_text(test) and "signed in as a viewer" in sidebar_text(test)


def test_a_stranger_is_a_viewer_or_refused_by_setting(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = explorer_test(demo_dir, monkeypatch, email=STRANGER).run()
    assert not test.exception and test.title[0].value != "Access refused"
    assert f"{as_text(STRANGER)} is not among this workspace's people: signed in as a viewer." in sidebar_text(test)
    config = demo_dir / "aimsgraph.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[sign_in]\nunknown_user = "refuse"\n', encoding="utf-8")
    st.cache_resource.clear()  # the explorer reads its settings when it opens the workspace: as after a restart
    refused = explorer_test(demo_dir, monkeypatch, email=STRANGER).run()
    assert [t.value for t in refused.title] == ["Access refused"]
    assert refused.error[0].value == as_text(f"{STRANGER} is not among the people of this workspace's org facts.")
    assert refused.button(key="sign_out").label == "Sign out"


def test_incomplete_auth_settings_are_one_line(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    test = explorer_test(demo_dir, monkeypatch)
    del test.secrets["auth"]["cookie_secret"]
    test.run()
    assert not test.exception
    assert [t.value for t in test.title] == ["Sign-in is not set up"]
    assert as_text("secrets.toml: [auth] is missing cookie_secret") in test.error[0].value
    assert not test.button  # no way in, and no fallback to local mode


def test_a_broken_secrets_file_never_opens_the_explorer(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit skips a secrets file it cannot parse: the explorer must not then run without sign-in."""
    broken = secrets_file(demo_dir)
    broken.parent.mkdir()
    broken.write_text('[auth]\nclient_id = "unterminated\n', encoding="utf-8")
    result = run_cli("-w", str(demo_dir), "app", "--no-browser")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"aimsgraph: error: {broken}: not valid TOML (") and result.stderr.count("\n") == 1
    monkeypatch.setenv(WORKSPACE_ENV, str(demo_dir))
    test = st_testing.AppTest.from_file(str(app_entry()), default_timeout=60).run()
    assert [t.value for t in test.title] == ["Sign-in is not set up"] and not test.button


# ---------------------------------------------------------------- a real provider and a real browser
@pytest.fixture
def provider() -> Iterator[str]:
    """oidc-provider-mock on a free 127.0.0.1 port, knowing Priya and Marcus; its base URL."""
    oidc = pytest.importorskip("oidc_provider_mock")
    from werkzeug.serving import make_server

    users = [oidc.User(sub=u["sub"], claims={"email": u["email"], "name": u["name"]}) for u in (PRIYA, MARCUS)]
    server = make_server("127.0.0.1", 0, oidc.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def signed_explorer(demo_dir: Path, provider: str) -> Iterator[Explorer]:
    """The explorer on the demo with the workspace's .streamlit/secrets.toml pointing at the provider."""
    port = free_port()
    settings = auth_section(provider) | {"redirect_uri": f"http://127.0.0.1:{port}/oauth2callback"}
    target = secrets_file(demo_dir)
    target.parent.mkdir()
    target.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in settings.items()), encoding="utf-8")
    running = start_explorer(demo_dir, port, quiet=True)
    try:
        running.wait_ready(90)
        yield running
    finally:
        running.stop()


@pytest.fixture
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        yield launched
        launched.close()


def new_tab(browser: Browser) -> tuple[Page, list[str]]:
    """A tab in a fresh context (its own cookies) that may reach only 127.0.0.1; the list records any other request."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    outside = block_outside_requests(context)
    context.route(PROVIDER_STYLESHEET, lambda route: route.fulfill(body="", content_type="text/css"))
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    return tab, outside


def settled(tab: Page, heading: str) -> None:
    """Wait for the script run to end with `heading` as the page's title."""
    tab.get_by_role("heading", name=heading, exact=True).wait_for()
    tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")


def sign_in(tab: Page, base: str, subject: str | None = None, typed: str | None = None) -> None:
    """From the explorer's sign-in page through the provider's authorize page and back."""
    tab.goto(base)
    settled(tab, "Sign in")
    tab.get_by_role("button", name="Sign in with 127.0.0.1").click()
    tab.get_by_role("heading", name="Authorize Client").wait_for()
    if typed is not None:  # someone the provider has never seen: the subject typed is also the email claim
        tab.get_by_placeholder("sub").fill(typed)
        tab.get_by_role("button", name="Authorize").click()
    else:
        tab.get_by_role("button", name=subject, exact=True).click()
    tab.wait_for_url(base)


@pytest.mark.browser
@pytest.mark.slow
def test_two_people_sign_in_and_out_in_chromium(signed_explorer: Explorer, browser: Browser) -> None:
    base = signed_explorer.url
    first, outside_first = new_tab(browser)
    sign_in(first, base, PRIYA["sub"])
    sidebar = first.get_by_test_id("stSidebar")
    sidebar.get_by_text("Signed in as Priya Nair (pnair)").wait_for()
    assert sidebar.get_by_text(PRIYA["email"]).count() == 1
    settled(first, "Overview")
    sidebar.get_by_role("button", name="Sign out").click()
    # Streamlit ends the provider's session too (RP-initiated logout); this provider asks to confirm.
    first.get_by_role("button", name="End session").click()
    settled(first, "Sign in")
    first.goto(base + "suggestions")
    settled(first, "Sign in")  # a deep link shows nothing before sign-in either

    second, outside_second = new_tab(browser)
    sign_in(second, base, MARCUS["sub"])
    second.get_by_test_id("stSidebar").get_by_text("Signed in as Marcus Brennan (mbrennan)").wait_for()

    third, outside_third = new_tab(browser)
    sign_in(third, base, typed=STRANGER)
    third.get_by_text(f"{STRANGER} is not among this workspace's people: signed in as a viewer.").wait_for()
    assert outside_first == outside_second == outside_third == []


def test_a_new_workspace_keeps_its_secrets_out_of_version_control(tmp_path: Path) -> None:
    from aimsgraph.workspace import Workspace

    Workspace.init(tmp_path / "ws").close()
    assert ".streamlit/secrets.toml" in (tmp_path / "ws" / ".gitignore").read_text(encoding="utf-8").splitlines()
