"""Ontario's Express Entry draws; change records name a round number or a draw id (history branch).

Revision ID: history_0002
Revises: history_0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "history_0002"
down_revision: str | Sequence[str] | None = "history_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "history_provincial_draws",
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("province", sa.String(2), nullable=False),
        sa.Column("stream", sa.String(32), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("invitations", sa.Integer, nullable=True),
        sa.Column("crs_min", sa.Integer, nullable=True),
        sa.Column("crs_max", sa.Integer, nullable=True),
        sa.Column("profiles_from", sa.Date, nullable=True),
        sa.Column("profiles_to", sa.Date, nullable=True),
        sa.Column("target_noc_count", sa.Integer, nullable=True),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("source_kind", sa.String(32), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("import_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_history_provincial_draws"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["history_imports.id"],
            name="fk_history_provincial_draws_import_id_history_imports",
        ),
    )
    op.create_index("ix_history_provincial_draws_date", "history_provincial_draws", ["date"])
    with op.batch_alter_table("history_changes") as batch:
        batch.alter_column(
            "round_number", existing_type=sa.String(8), type_=sa.String(64), existing_nullable=False
        )


def downgrade() -> None:
    # Changes to Ontario draws go with the draws.
    op.execute("DELETE FROM history_changes WHERE length(round_number) > 8")
    with op.batch_alter_table("history_changes") as batch:
        batch.alter_column(
            "round_number", existing_type=sa.String(64), type_=sa.String(8), existing_nullable=False
        )
    op.drop_index("ix_history_provincial_draws_date", table_name="history_provincial_draws")
    op.drop_table("history_provincial_draws")
