"""The one door to the triple store: nothing outside this package knows which backend holds the data."""

from aimsgraph.store.backend import Store
from aimsgraph.store.fastquery import Row, cached, cached_rows, clear_caches, rows

__all__ = ["Row", "Store", "cached", "cached_rows", "clear_caches", "rows"]
