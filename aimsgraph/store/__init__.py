"""The one door to the triple store: nothing outside this package knows which backend holds the data.

Read with `Store.select` (RDF terms), `Store.values` (lexical forms, the bulk path) or `Store.answer` (a user query
of any form); cache derived values with `cached` / `cached_rows`, which follow the store's writes.
"""

from aimsgraph.store.answers import QueryOutcome, Snapshot
from aimsgraph.store.backend import Row, Store, Terms
from aimsgraph.store.cache import cached, cached_rows, clear_caches

__all__ = ["QueryOutcome", "Row", "Snapshot", "Store", "Terms", "cached", "cached_rows", "clear_caches"]
