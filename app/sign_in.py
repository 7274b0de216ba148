"""The explorer's sign-in gate: with an identity provider configured, nothing but a sign-in page until the user has
signed in; a signed-in user is named in the sidebar with a Sign out button. Without one, the sidebar says so."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

import streamlit as st
from aimsgraph.app import identity, views
from aimsgraph.app.launch import SECRETS_FILE, check_secrets

from aimsgraph.errors import InputError
from aimsgraph.workspace import Workspace

LOCAL_MODE = "Local single-user mode: no sign-in configured (see docs)"
DOCS = "docs/explorer.md, section Sign-in"


def require_sign_in(workspace: Workspace) -> None:
    """Return when the page may be shown; otherwise draw the sign-in, set-up or refusal page and stop the run."""
    section = identity.auth_section()
    if section is None:
        try:
            check_secrets(workspace.root)  # Streamlit skips a broken file: the explorer would then open to anyone
        except InputError as exc:
            _stop_page("Sign-in is not set up", f"{exc} (see {DOCS}).")
        return
    problem = identity.settings_problem(section)
    if problem is None and importlib.util.find_spec("authlib") is None:
        problem = "sign-in needs Authlib: pip install 'streamlit[auth]'"
    if problem is not None:
        _stop_page("Sign-in is not set up", f"{workspace.root / SECRETS_FILE}: {problem} (see {DOCS}).")
    if not identity.signed_in():
        _sign_in_page(workspace, section)
    if identity.signed_in_person() is None and workspace.config.unknown_user == "refuse":
        who = identity.signed_in_email() or identity.display_name()  # the email the user knows themselves by
        _stop_page("Access refused", f"{who} is not among the people of this workspace's org facts.", sign_out=True)


def _sign_in_page(workspace: Workspace, section: Mapping[str, object]) -> None:
    st.title("Sign in")
    st.write(f"The explorer on **{views.as_text(workspace.config.name)}** asks you to sign in first.")
    for index, provider in enumerate(identity.providers(section)):
        st.button(
            f"Sign in with {provider.label}",
            key=f"sign_in_{index}",
            icon=":material/login:",
            on_click=st.login,
            args=(provider.name,),
            type="primary",
        )
    st.stop()


def _stop_page(title: str, line: str, sign_out: bool = False) -> None:
    st.title(title)
    st.error(views.as_text(line))  # paths and emails shown as written, never read as Markdown
    if sign_out:
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def sidebar_user(workspace: Workspace) -> None:
    """In the sidebar: who is signed in (and Sign out), or that the explorer runs in local single-user mode."""
    if not identity.sign_in_configured():
        st.caption(LOCAL_MODE, help=f"Add an [auth] section to {workspace.root / SECRETS_FILE}: {DOCS}.")
        return
    person = identity.signed_in_person()
    email = identity.signed_in_email() or ""
    name = views.as_text(identity.display_name())
    st.markdown(f"Signed in as **{name}**" + (f" ({views.as_text(person)})" if person else ""))
    if email:
        st.caption(views.as_text(email))
    if person is None:
        st.warning(f"{views.as_text(email or name)} is not among this workspace's people: signed in as a viewer.")
    st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
