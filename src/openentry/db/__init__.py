"""Storage: SQLAlchemy 2.0 models, the unit of work and Alembic migrations."""

from openentry.db.base import Base, UtcDateTime
from openentry.db.engine import DatabaseError, make_engine, migrate, open_database, session_scope

__all__ = ["Base", "DatabaseError", "UtcDateTime", "make_engine", "migrate", "open_database", "session_scope"]
