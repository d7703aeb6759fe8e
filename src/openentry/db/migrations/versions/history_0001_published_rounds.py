"""Published rounds, feed imports and the changes each import made (history branch).

Revision ID: history_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from openentry.db.base import UtcDateTime

revision: str = "history_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("history",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "history_imports",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("imported_at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_history_imports"),
    )
    op.create_table(
        "history_rounds",
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("program", sa.String(8), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("list_version", sa.Integer, nullable=True),
        sa.Column("invitations", sa.Integer, nullable=True),
        sa.Column("cutoff", sa.Integer, nullable=True),
        sa.Column("tiebreak", UtcDateTime, nullable=True),
        sa.Column("tiebreak_published", sa.String(200), nullable=True),
        sa.Column("draw_datetime", UtcDateTime, nullable=True),
        sa.Column("programs", sa.String(500), nullable=True),
        sa.Column("pool_as_of", sa.Date, nullable=True),
        sa.Column("bands", sa.JSON, nullable=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_history_rounds"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["history_imports.id"], name="fk_history_rounds_import_id_history_imports"
        ),
    )
    op.create_index("ix_history_rounds_date", "history_rounds", ["date"])
    op.create_table(
        "history_changes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.Column("round_number", sa.String(8), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.JSON, nullable=True),
        sa.Column("new_value", sa.JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_history_changes"),
        sa.ForeignKeyConstraint(
            ["import_id"], ["history_imports.id"], name="fk_history_changes_import_id_history_imports"
        ),
    )
    op.create_index("ix_history_changes_import_id", "history_changes", ["import_id"])


def downgrade() -> None:
    op.drop_index("ix_history_changes_import_id", table_name="history_changes")
    op.drop_table("history_changes")
    op.drop_index("ix_history_rounds_date", table_name="history_rounds")
    op.drop_table("history_rounds")
    op.drop_table("history_imports")
