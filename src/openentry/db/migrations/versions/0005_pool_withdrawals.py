"""A candidate's withdrawal of their profile (issue 13 §2).

- ``pool_withdrawals``: one row per withdrawn submission (the candidate, the ``submitted_at`` of
  the submission withdrawn, when it was withdrawn, when that was recorded), append-only. A
  profile submitted again is a new submission (crs-and-programs.md §4.3); the unique constraint
  on (candidate, submission) lets the database refuse a second withdrawal of the same one.

Revision ID: 0005_withdrawals
Revises: 0004_service
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from openentry.db.base import UtcDateTime

revision: str = "0005_withdrawals"
down_revision: str | Sequence[str] | None = "0004_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pool_withdrawals",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("withdrawn_at", UtcDateTime, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pool_withdrawals"),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["pool_candidates.id"],
            name="fk_pool_withdrawals_candidate_id_pool_candidates",
        ),
        sa.UniqueConstraint("candidate_id", "submitted_at", name="uq_pool_withdrawals_submission"),
    )


def downgrade() -> None:
    op.drop_table("pool_withdrawals")
