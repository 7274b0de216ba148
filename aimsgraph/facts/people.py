"""Who acts: every decision and write names a person of the org facts, never a login name or free text.

The acting person is, first to last: the id given on the command line (`--reviewer`), `$AIMSGRAPH_PERSON`, the
workspace's `[user] person`. A write that needs a person refuses one that is missing or not among the people.
"""

from __future__ import annotations

import os

from rdflib import URIRef

from aimsgraph.errors import InputError
from aimsgraph.store import Store
from aimsgraph.vocabulary.namespaces import org_iri

PERSON_ENV = "AIMSGRAPH_PERSON"
PEOPLE = "SELECT ?id WHERE { ?p a aims:Person ; aims:id ?id }"
SHOWN = 12  # known ids listed in an error line before it is cut short


def configured_person(given: str | None = None, configured: str = "") -> str:
    """The acting person's id as configured ('' when none): `given`, else $AIMSGRAPH_PERSON, else `configured`."""
    return (given or os.environ.get(PERSON_ENV) or configured or "").strip()


def known_people(store: Store) -> list[str]:
    """The ids of the people of the org facts, sorted."""
    return sorted({str(row[0]) for row in store.values(PEOPLE) if row[0]})


def person_iri(ident: str) -> URIRef:
    """The IRI of person `ident` of the org facts (urn:aims:person:<id>)."""
    return org_iri("person", ident)


def check_person(known: list[str], ident: str, field: str = "--reviewer") -> URIRef:
    """The IRI of `ident` if it is among `known`, else a one-line InputError listing the known ids."""
    if not ident:
        how = f"pass {field} ID, set ${PERSON_ENV}, or set [user] person in aimsgraph.toml"
        raise InputError(f"no person is set for this write; {how}", field=field)
    if ident not in known:
        listed = ", ".join(known[:SHOWN]) + (f" and {len(known) - SHOWN} more" if len(known) > SHOWN else "")
        raise InputError(f"'{ident}' is not a person of the org facts; known people: {listed or 'none'}", field=field)
    return person_iri(ident)


def acting_person(store: Store, ident: str, field: str = "--reviewer") -> URIRef:
    """The IRI of the acting person `ident`, checked against the people in `store` (InputError if unknown)."""
    return check_person(known_people(store), ident, field)
