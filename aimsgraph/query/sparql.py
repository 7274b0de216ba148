"""User SPARQL, read-only by construction: saved queries, a guard, typed parameters, time and row limits."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from pyparsing import ParseException
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier

from aimsgraph.coverage.view import reads_view, view_store
from aimsgraph.errors import InputError, StoreError
from aimsgraph.query.isolation import QueryTimeLimit, call_in_child, run_in_child
from aimsgraph.query.names import expand_dotted_names
from aimsgraph.store import QueryOutcome, Store
from aimsgraph.vocabulary.namespaces import PREFIXES
from aimsgraph.vocabulary.resources import query_files

__all__ = [
    "Parameter",
    "QueryOutcome",
    "QueryRefused",
    "QueryTimeLimit",
    "QueryTooLong",
    "SavedQuery",
    "bind_parameters",
    "check_read_only",
    "load_query",
    "parse_parameters",
    "parse_saved_query",
    "query_form",
    "run_query",
    "saved_queries",
    "typed_value",
]
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')  # what an IRI cannot hold
# FROM / FROM NAMED may only name graphs of the store, never something a store could fetch.
_REMOTE = re.compile(r"^(https?|ftp|file):", re.IGNORECASE)
MAX_LENGTH = 100_000  # characters ([query] max_length): bounds what one query makes the parser chew on
GUARD_CACHE = 256  # checked queries remembered by text
# Oxigraph nests `a + b + ...` and `{...} UNION {...} ...` one level per term and overflows its stack (the process
# dies) between 4,000 and 8,000 of them: a query nesting deeper than this is refused before it reaches the store.
MAX_DEPTH = 2000


@dataclass(frozen=True)
class Parameter:
    """A parameter a saved query declares with `# param: NAME KIND [DEFAULT]` (KIND: date, id, iri, string)."""

    name: str
    kind: str = "string"
    default: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    """A query with its name, one-line description and declared parameters."""

    name: str
    text: str
    description: str = ""
    parameters: tuple[Parameter, ...] = ()
    shipped: bool = False


class QueryRefused(InputError):
    """A query that parses but is not allowed: an update, SERVICE, or a remote FROM."""


class QueryTooLong(InputError):
    """A query longer than [query] max_length, refused before it is parsed."""

    def __init__(self, length: int, max_length: int) -> None:
        super().__init__(
            f"query is {length:,} characters long, over the limit of {max_length:,}: shorten it or raise "
            "[query] max_length in aimsgraph.toml"
        )


# ---------------------------------------------------------------- saved queries
def parse_saved_query(name: str, text: str) -> SavedQuery:
    """A query's text with its `# description:` and `# param:` header read (as for a .rq file)."""
    description, params = "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key.strip() == "description":
            description = value.strip()
        elif key.strip() == "param":
            parts = value.split()
            params.append(
                Parameter(parts[0], parts[1] if len(parts) > 1 else "string", parts[2] if len(parts) > 2 else None)
            )
    return SavedQuery(name, text, description, tuple(params))


def saved_queries() -> list[SavedQuery]:
    """Every query shipped in aimsgraph/queries, sorted by name."""
    queries = [parse_saved_query(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in query_files()]
    return [replace(q, shipped=True) for q in queries]


def load_query(spec: str) -> SavedQuery:
    """A saved query by name, or a .rq file by path."""
    if spec.endswith(".rq") or "/" in spec:
        path = Path(spec)
        if not path.is_file():
            raise InputError("no such query file", source=spec)
        return parse_saved_query(path.stem, path.read_text(encoding="utf-8"))
    for query in saved_queries():
        if query.name == spec:
            return query
    names = ", ".join(q.name for q in saved_queries())
    raise InputError(f"unknown saved query '{spec}'; saved queries: {names} (or pass a .rq file)")


# ---------------------------------------------------------------- parameters
def typed_value(value: str, kind: str = "auto") -> Identifier:
    """A parameter value as an RDF term: `<iri>` is an IRI, YYYY-MM-DD an xsd:date, anything else a literal."""
    if (value.startswith("<") and value.endswith(">")) or kind == "iri":
        iri = value.strip("<>")
        if not iri or _NOT_IRI.search(iri):
            raise InputError(f"{iri!r} is not an IRI (no spaces, <, >, quotes or braces)")
        return URIRef(iri)
    if kind == "date" or (kind == "auto" and _DATE.match(value)):
        try:
            return Literal(date.fromisoformat(value))
        except ValueError:
            raise InputError(f"'{value}' is not a date (expected YYYY-MM-DD)") from None
    return Literal(value)


def parse_parameters(pairs: list[str]) -> dict[str, str]:
    """`name=value` strings (from -p) as a dict; a malformed pair is a one-line InputError."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not _NAME.match(name):
            raise InputError(f"parameter '{pair}' must look like name=value", field="-p")
        values[name] = value
    return values


def bind_parameters(query: SavedQuery, values: Mapping[str, str]) -> dict[str, Identifier]:
    """Bindings for `query`: declared parameters typed by their kind and defaulted; others typed by look."""
    declared = {p.name for p in query.parameters}
    unknown = sorted(set(values) - declared)
    if unknown and (query.shipped or declared):
        known = ", ".join(sorted(declared)) or "none"
        raise InputError(f"query '{query.name}' has no parameter {unknown[0]} (its parameters: {known})")
    bindings = {name: typed_value(value) for name, value in values.items()}
    for param in query.parameters:
        raw = values.get(param.name, param.default)
        if raw is None:
            raise InputError(f"query '{query.name}' needs a value for {param.name}: add -p {param.name}=VALUE")
        raw = date.today().isoformat() if raw == "today" else raw
        bindings[param.name] = typed_value(raw, param.kind if param.kind != "string" else "auto")
    return bindings


# ---------------------------------------------------------------- the read-only guard
def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for value in node:
            yield from _walk(value)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # anything that is not a valid update is simply not one
        return False
    return True


def check_read_only(text: str, max_length: int = MAX_LENGTH) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) of `text`, or an InputError for anything else.

    Refused: a query over `max_length` characters, syntax errors (with line and column), updates and LOAD,
    SERVICE, and FROM / FROM NAMED naming a remote IRI, after BASE and prefixes (all of them could change data or
    reach the network). No time limit: run_query and query_form bound the parse by the query's.
    """
    return _guard(text, max_length)[0]


def query_form(text: str, *, timeout: float, max_length: int = MAX_LENGTH, started: float | None = None) -> str:
    """check_read_only with the parse in a child process killed at `timeout` s from `started` (monotonic; now)."""
    return _guard_in_child(text, timeout, max_length, time.monotonic() if started is None else started)[0]


_checked_queries: OrderedDict[str, tuple[str, tuple[str, ...]]] = OrderedDict()
_checked_lock = threading.Lock()


def _remembered(text: str) -> tuple[str, tuple[str, ...]] | None:
    """An earlier guard's answer for `text` (rdflib's parse takes 15-70 ms a query, often more than the query)."""
    with _checked_lock:
        if text in _checked_queries:
            _checked_queries.move_to_end(text)
            return _checked_queries[text]
    return None


def _remember(text: str, answer: tuple[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
    with _checked_lock:
        _checked_queries[text] = answer
        while len(_checked_queries) > GUARD_CACHE:
            _checked_queries.popitem(last=False)
    return answer


def _guard(text: str, max_length: int) -> tuple[str, tuple[str, ...]]:
    """The query form and the IRIs its FROM / FROM NAMED clauses name, after the read-only checks (in this thread)."""
    if len(text) > max_length:
        raise QueryTooLong(len(text), max_length)
    return _remembered(text) or _remember(text, _parsed_guard(text))


def _guard_in_child(text: str, timeout: float, max_length: int, started: float) -> tuple[str, tuple[str, ...]]:
    """_guard with rdflib's parse (seconds for a long expression) in a child killed at the time limit."""
    if len(text) > max_length:
        raise QueryTooLong(len(text), max_length)
    if known := _remembered(text):
        return known
    answer = call_in_child(partial(_guard_answer, text), timeout - (time.monotonic() - started), timeout)
    if answer[0] == "refused":  # a refusal crosses the process boundary as text: raised here as its kind
        raise QueryRefused(answer[1])
    if answer[0] == "input":
        raise InputError(answer[1])
    return _remember(text, answer)


def _guard_answer(text: str) -> tuple[str, Any]:
    """In the child: _parsed_guard's answer, or ("refused" | "input", one-line message)."""
    try:
        return _parsed_guard(text)
    except QueryRefused as exc:
        return "refused", str(exc)
    except InputError as exc:
        return "input", str(exc)


def _parsed_guard(text: str) -> tuple[str, tuple[str, ...]]:
    """The uncached guard; refusals raise."""
    try:
        return _checked(text)
    except RecursionError:  # rdflib's parser recurses per bracket: deep nesting is a user's query, not a crash
        raise InputError("query nested too deeply (brackets or groups inside each other): flatten it") from None


def _checked(text: str) -> tuple[str, tuple[str, ...]]:
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryRefused(
                "updates (INSERT, DELETE, LOAD, CLEAR, DROP ...) are not allowed: queries are read-only"
            ) from None
        raise InputError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    query = parsed[1]
    for node in _walk(parsed):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryRefused("SERVICE is not allowed: queries may not reach other endpoints")
    if (depth := _depth(parsed)) > MAX_DEPTH:
        raise InputError(
            f"query nests {depth:,} levels deep (a chain of + || && or UNION counts one per term; at most "
            f"{MAX_DEPTH:,}): split it"
        )
    iris = []
    # CompValue.get has its own signature (no default argument), hence the explicit test.
    for clause in query["datasetClause"] if "datasetClause" in query else []:  # noqa: SIM401
        iri = _absolute(clause["default"] if "default" in clause else clause["named"], parsed[0])
        if _REMOTE.match(iri):
            raise QueryRefused(f"FROM <{iri}> is not allowed: only graphs of this store may be named")
        iris.append(iri)
    return FORMS[query.name], tuple(iris)


def _depth(node: Any) -> int:
    """How deep the store's evaluation of `node` nests: one per element, and one per term of an operator chain."""
    if isinstance(node, CompValue):
        chain = next((len(node[key]) for key in ("other", "graph") if isinstance(node.get(key), list)), 0)
        return 1 + chain + max((_depth(value) for value in node.values()), default=0)
    if isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        return max((_depth(value) for value in node), default=0)
    return 0


def _absolute(iri: Any, prologue: Any) -> str:
    """A FROM clause's IRI as the store would read it: a prefixed name expanded, a relative IRI against BASE."""
    base, namespaces = "", {name: str(ns) for name, ns in PREFIXES.items()}
    for declaration in prologue:  # in order: a later BASE or PREFIX resolves against the BASE before it
        if declaration.name == "Base":
            base = urljoin(base, str(declaration.iri))
        else:
            namespaces[declaration.prefix or ""] = urljoin(base, str(declaration.iri))
    if isinstance(iri, CompValue):  # a prefixed name (pname)
        return namespaces.get(iri.prefix or "", f"{iri.prefix or ''}:") + (iri.localname or "")
    return urljoin(base, str(iri))


def _view_day(bindings: Mapping[str, Identifier]) -> date:
    """The as-of day of the coverage view a query reads: its ?as_of binding, else today."""
    value = bindings.get("as_of")
    day = value.toPython() if isinstance(value, Literal) else None
    return day if isinstance(day, date) else date.today()


# ---------------------------------------------------------------- running
def _collect(store: Store, text: str, bindings: Mapping[str, Identifier], row_limit: int) -> QueryOutcome:
    try:
        return store.answer(text, bindings, row_limit)
    except (RuntimeError, SyntaxError) as exc:  # the store's evaluation errors
        message = str(exc).splitlines()[0]
        if "SELECT projection" in message:
            message += " (a parameter must be a variable the query SELECTs)"
        raise InputError(f"query failed: {message}") from None


def run_query(
    store: Store,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    timeout: float = 30.0,
    row_limit: int = 10000,
    isolate: bool = False,
    max_length: int = MAX_LENGTH,
    started: float | None = None,
) -> QueryOutcome:
    """Check that `text` is read-only, then run it with `bindings` (initBindings) within the limits.

    The time limit counts from `started` (time.monotonic(); default now) and covers the parse. With `isolate` an
    embedded store is queried (and the query parsed) in child processes that the time limit kills (for long-lived
    processes such as the endpoint); otherwise in a daemon thread, which a process that exits after the answer
    (the CLI) stops with it. A query naming the coverage view reads the view of its ?as_of day (today's is kept
    in the store).
    """
    started = time.monotonic() if started is None else started
    values = dict(bindings or {})
    if not (isolate and store.embedded):
        return _in_thread(store, text, values, row_limit, (timeout, started), max_length)
    form, iris = _guard_in_child(text, timeout, max_length, started)
    target = view_store(store, _view_day(values)) if reads_view(iris) else store
    collect = partial(_collect, text=expand_dotted_names(text), bindings=values, row_limit=row_limit)  # pickles
    outcome: QueryOutcome = run_in_child(target, collect, timeout - (time.monotonic() - started), timeout)
    outcome.form = form  # pyoxigraph answers DESCRIBE as triples, like CONSTRUCT
    return outcome


def _in_thread(
    store: Store,
    text: str,
    bindings: dict[str, Identifier],
    row_limit: int,
    limit: tuple[float, float],
    max_length: int,
) -> QueryOutcome:
    """Guard and run in a daemon thread; `limit` is (seconds, monotonic start) and covers both."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            form, iris = _guard(text, max_length)
            target = view_store(store, _view_day(bindings)) if reads_view(iris) else store
            # iso:A.8.4 is valid SPARQL that Oxigraph's parser refuses: written out first
            box["outcome"] = _collect(target, expand_dotted_names(text), bindings, row_limit)
            box["outcome"].form = form  # pyoxigraph answers DESCRIBE as triples, like CONSTRUCT
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    # A daemon thread: a runaway query cannot be killed, but it cannot keep the process alive either.
    worker = threading.Thread(target=work, name="aimsgraph-query", daemon=True)
    worker.start()
    worker.join(max(limit[0] - (time.monotonic() - limit[1]), 0.0))
    if worker.is_alive():
        raise QueryTimeLimit(limit[0])
    if "error" in box:
        error = box["error"]
        if isinstance(error, InputError | StoreError):
            raise error
        raise StoreError(f"{store.location or store.kind}: query failed: {str(error).splitlines()[0]}") from error
    outcome: QueryOutcome = box["outcome"]
    return outcome
