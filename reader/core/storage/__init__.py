"""SQLite storage: the source of truth, and the only place in Reader with SQL.

- ``connection``: the ``Storage`` (one connection, a lock, ``transaction()`` and ``read()``),
  and how a failing database is described in one sentence;
- ``schema``: the numbered migrations on ``PRAGMA user_version`` (it says how to add a table);
- one module per domain, each a set of plain functions that take the connection:
  ``articles``, ``highlights``, ``notes``, ``tags``, ``changes`` (the change counter search
  follows, and tombstones), ``index_feed`` (what the search index reads), ``review`` (daily
  review state of highlights, written by the ``Library``'s ``reader.core.review.Review``).

Only ``reader.core.library`` (and the batch it hands out) writes through these; everything
else goes through the ``Library``.
"""

from reader.core.storage.connection import ConstraintError, Storage, utc_now
from reader.core.storage.index_feed import IndexRecord
from reader.core.storage.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["ConstraintError", "IndexRecord", "MIGRATIONS", "SCHEMA_VERSION", "Storage", "utc_now"]
