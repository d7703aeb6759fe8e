"""IRCC's published rounds for the service, read from the database once and again after an import.

``openentry history import`` (from any process) adds a ``history_imports`` row; a request first
reads the newest row's id, and the rounds are read again only when it has changed since they
were last read (a few hundred rounds and draws take a tenth of a second to read, the id a
millisecond).
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, func, select

from openentry.db.history_models import HistoryImportRow
from openentry.history.catalogue import RoundCatalogue
from openentry.history.store import load_catalogue


class CatalogueCache:
    """The catalogue as of the latest import."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._catalogue: RoundCatalogue | None = None

    def _latest_import(self, engine: Engine) -> int | None:
        with engine.connect() as connection:
            latest: int | None = connection.execute(select(func.max(HistoryImportRow.id))).scalar()
            return latest

    def get(self, engine: Engine) -> RoundCatalogue:
        """The published rounds and draws (the bundled ones loaded on first use)."""
        latest = self._latest_import(engine)
        with self._lock:
            if self._catalogue is None or latest is None or latest != self._version:
                self._catalogue = load_catalogue(engine)
                self._version = self._latest_import(engine)
            return self._catalogue
