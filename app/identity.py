"""Who is using the explorer: the user signed in through the workspace's identity provider, and the person of the
org facts that user is (matched by email).

Sign-in is on when the workspace's `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's `st.login`,
OpenID Connect); without one the explorer is the local single-user tool and nobody signs in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
from aimsgraph.app import state

# What Streamlit needs before st.login can work: shared by every provider, then per provider.
SHARED_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class Provider:
    """One identity provider of the [auth] section: the name st.login takes (None: the default) and its label."""

    name: str | None
    label: str


def auth_section() -> Mapping[str, Any] | None:
    """The [auth] section of the secrets Streamlit reads (the workspace's .streamlit/secrets.toml), if any."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) else None


def sign_in_configured() -> bool:
    """True when the workspace configures an identity provider: the explorer then requires sign-in."""
    return auth_section() is not None


def providers(section: Mapping[str, Any]) -> list[Provider]:
    """The providers of an [auth] section: the flat one (its host as label) and each named subsection."""
    found = []
    if "client_id" in section:
        host = urlsplit(str(section.get("server_metadata_url", ""))).hostname
        found.append(Provider(None, host or "the identity provider"))
    for name, value in section.items():
        if isinstance(value, Mapping) and "client_id" in value:
            found.append(Provider(str(name), str(name)))
    return found


def settings_problem(section: Mapping[str, Any]) -> str | None:
    """What is wrong with an [auth] section (one line), or None when st.login can use it."""
    missing = [key for key in SHARED_KEYS if not section.get(key)]
    if not providers(section):
        return "no provider: set client_id, client_secret and server_metadata_url under [auth]"
    for provider in providers(section):
        keys = section if provider.name is None else section[provider.name]
        where = "" if provider.name is None else f"auth.{provider.name}."
        missing += [where + key for key in PROVIDER_KEYS if not keys.get(key)]
    return f"[auth] is missing {', '.join(missing)}" if missing else None


def signed_in() -> bool:
    """True when someone has signed in through the identity provider."""
    # get(), not the attribute: Streamlit defines is_logged_in only where it sees an [auth] section.
    return st.user.get("is_logged_in") is True


def signed_in_email() -> str | None:
    """The signed-in user's email, or None (nobody signed in, no email, or one the provider says is unverified)."""
    if not signed_in():
        return None
    email, verified = st.user.get("email"), st.user.get("email_verified")
    # An unverified address could be anyone's: it must not make its holder a person of the organisation.
    if not isinstance(email, str) or not email.strip() or verified is False:
        return None
    return email.strip()


def person_by_email(people: list[dict[str, str]], email: str) -> dict[str, str] | None:
    """The person whose org-facts email is `email` (compared without case), or None."""
    wanted = email.casefold()
    return next((p for p in people if p["email"] and p["email"].strip().casefold() == wanted), None)


def signed_in_person_row() -> dict[str, str] | None:
    """The org facts' row (id, name, email) of the signed-in user, or None when nobody or no known person is."""
    email = signed_in_email()
    if email is None:
        return None
    root = state.root()
    return person_by_email(state.people_records(root, state.generation(root)), email)


def signed_in_person() -> str | None:
    """The person id of the signed-in user (org facts, matched by email), or None when no known person is."""
    row = signed_in_person_row()
    return row["id"] if row else None


def display_name() -> str:
    """How the sidebar names the signed-in user: the person's name, else the provider's name, else the email."""
    row = signed_in_person_row()
    if row and row["name"]:
        return row["name"]
    name = st.user.get("name")
    return name if isinstance(name, str) and name else str(st.user.get("email") or st.user.get("sub") or "unknown")


def acting_person() -> str:
    """Who the explorer's decisions and edits are recorded as: the signed-in person when sign-in is on (never a
    name typed in a box), else the person picked in the reviewer box, else the workspace's [user] person."""
    if sign_in_configured():
        return signed_in_person() or ""
    return str(st.session_state.get(state.REVIEWER) or state.workspace().person())


def reviewer_box(where: Any) -> None:
    """The reviewer: with sign-in, the signed-in person named (not a choice); without, a box of the org's people."""
    if sign_in_configured():
        where.text_input("Reviewer", value=acting_person() or "(not a person of the org facts)", disabled=True)
        return
    people, me = state.people(state.root()), state.workspace().person()
    where.selectbox(
        "Reviewer",
        people,
        key=state.REVIEWER,
        index=people.index(me) if me in people and state.REVIEWER not in st.session_state else None,
        placeholder="who are you?",
        help="Decisions are recorded for this person of the org facts ([user] person in aimsgraph.toml by default).",
    )
