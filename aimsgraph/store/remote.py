"""A remote SPARQL store's connection: its endpoints, the credentials sent with every request, one-line failures.

Credentials come from the environment or a file named in `[store]`, never from aimsgraph.toml itself, and never
appear in an error, a log line or `stats`: only the endpoint URL (without any user part) is ever shown.
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aimsgraph.errors import InputError, StoreError

AUTH_KINDS = ("none", "basic", "bearer")
PROBE = "?query=ASK%7B%7D"  # the cheapest query every SPARQL 1.1 endpoint answers


def checked_url(url: str, field: str) -> str:
    """`url` if it is an http(s) URL without credentials in it, else a one-line InputError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"'{url}' is not an http(s) URL like http://127.0.0.1:7878", field=field)
    if parts.username or parts.password:
        shown = parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()
        raise InputError(
            f"{shown}: credentials do not go in the URL; set [store] auth with username_env/password_env or token_env",
            field=field,
        )
    return url


def oxigraph_endpoints(base: str) -> tuple[str, str]:
    """The query and update endpoints of an Oxigraph server (`oxigraph serve`) at `base`."""
    base = checked_url(base.rstrip("/"), "--store")
    return f"{base}/query", f"{base}/update"


def auth_headers(settings: Mapping[str, Any], root: Path) -> dict[str, str]:
    """The Authorization header `[store]` asks for (basic or bearer), its secrets read from the environment or a
    file (relative to the workspace `root`); {} when `auth` is unset or "none"."""
    kind = str(settings.get("auth", "none"))
    if kind not in AUTH_KINDS:
        raise InputError(f"unknown auth '{kind}' (expected {', '.join(AUTH_KINDS)})", field="store.auth")
    if kind == "basic":
        user = settings.get("username") or _secret(settings, "username", root)
        password = _secret(settings, "password", root)
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    if kind == "bearer":
        return {"Authorization": f"Bearer {_secret(settings, 'token', root)}"}
    return {}


def _secret(settings: Mapping[str, Any], name: str, root: Path) -> str:
    """One secret from `<name>_env` (an environment variable's name) or `<name>_file` (a file holding it)."""
    env, file = settings.get(f"{name}_env"), settings.get(f"{name}_file")
    if env:
        value = os.environ.get(str(env), "")
        if not value:
            raise InputError(f"environment variable {env} is not set", field=f"store.{name}_env")
        return value
    if file:
        path = (root / str(file)).resolve()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}", field=f"store.{name}_file") from None
    raise InputError(f'set {name}_env or {name}_file for auth = "{settings.get("auth")}"', field="store")


def failure(url: str, exc: BaseException) -> StoreError:
    """One line saying why the store at `url` did not answer: refused connection, refused credentials, HTTP status."""
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code in (401, 403):
            return StoreError(
                f"the SPARQL store at {url} refused the credentials (HTTP {exc.code}); check [store] auth"
            )
        return StoreError(f"the SPARQL store at {url} answered HTTP {exc.code} {exc.reason}")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return StoreError(f"cannot reach the SPARQL store at {url}: connection refused; is the server running?")
    text = getattr(reason, "strerror", None) or str(reason)
    return StoreError(f"cannot reach the SPARQL store at {url}: {text}")


def probe(url: str, headers: Mapping[str, str]) -> StoreError | None:
    """Why `url` does not answer a trivial query (None when it does): to explain a failed request in one line."""
    request = urllib.request.Request(url + PROBE, headers={**headers, "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            reply.read()
    except OSError as exc:
        return failure(url, exc)
    return None
