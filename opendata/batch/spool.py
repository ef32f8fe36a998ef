"""A spool: a scratch SQLite database for what a run must remember about every document.

A batch run over a national corpus must not hold a row per document in memory: the plan (the
files found, their groups, the packages already written) and the catalogue's rows go into a
spool instead. It is SQLite's private temporary database (the empty file name): pages stay in
a small cache (:data:`CACHE_KIB`) and spill to a file in the temporary folder (``TMPDIR``)
that SQLite deletes itself when the spool is closed, or when the process ends, however it
ends. Nothing is written into the output folder, so a killed run leaves nothing to clean.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

CACHE_KIB = 2048  # page cache per spool: the memory a spool uses, whatever its size
BATCH = 1000  # rows inserted per executemany


class Spool:
    """``with Spool("CREATE TABLE …") as spool: spool.insert(…); spool.rows(…)``."""

    def __init__(self, schema: str) -> None:
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.executescript(schema)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def insert(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Run ``sql`` for every row, a thousand rows per transaction."""
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                self._insert(sql, chunk)
                chunk = []
        if chunk:
            self._insert(sql, chunk)

    def _insert(self, sql: str, chunk: list[tuple[Any, ...]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(sql, chunk)
        self.db.execute("COMMIT")

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, fetched a few at a time."""
        cursor = self.db.execute(sql, params)
        try:
            while chunk := cursor.fetchmany(256):
                yield from chunk
        finally:
            cursor.close()

    def value(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """The first column of the first row of a query (None when it has no row)."""
        row = self.db.execute(sql, params).fetchone()
        return None if row is None else row[0]
