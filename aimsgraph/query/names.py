"""Prefixed names with dots (`iso:A.8.4`) written out as full IRIs before a query reaches the store.

SPARQL 1.1 allows dots inside a prefixed name's local part, and every catalog id but a clause's has them, yet
Oxigraph's parser stops at the first dot (`iso:A.8.4` is an error there). The documented prefixes must work, so
such names become `<https://w3id.org/aimsgraph/iso42001/A.8.4>`; string literals, IRIs and comments are left as
they are, and so is every name without a dot.
"""

from __future__ import annotations

import re

from aimsgraph.vocabulary.namespaces import PREFIXES

_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.IGNORECASE)
# Tokens to step over whole (long strings first), then a prefixed name whose local part has an inner dot.
_TOKENS = re.compile(
    r'(?P<skip>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*)'
    r"|(?<![\w:?$])(?P<prefix>[A-Za-z][\w-]*)?:(?P<local>[\w-]+(?:\.[\w-]+)+)"
)


def expand_dotted_names(text: str) -> str:
    """`text` with every prefixed name whose local part holds a dot written as a full IRI (known prefixes only)."""
    namespaces = {name: str(ns) for name, ns in PREFIXES.items()}
    namespaces |= {prefix or "": iri for prefix, iri in _DECLARED.findall(text)}

    def replace(match: re.Match[str]) -> str:
        if match.group("skip") is not None:
            return match.group(0)
        namespace = namespaces.get(match.group("prefix") or "")
        return f"<{namespace}{match.group('local')}>" if namespace is not None else match.group(0)

    return _TOKENS.sub(replace, text)
