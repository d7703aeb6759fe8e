"""Profile versions in time, and rounds that say how they were asked for and tie-broken.

- ``pool_batches.effective_at``: the moment a load's additions and updates take effect
  (``openentry pool load --at``); a round at an earlier moment sees each profile as it stood
  then. Existing batches take effect when they were loaded.
- ``rounds.request_key``: the idempotency key of ``round run --key`` (unique: a repeat returns the
  recorded round); ``rounds.eligible``: how many candidates qualified; ``rounds.tiebreak_id``:
  the id of the last candidate invited, which decides ties at the cut-off with the same
  submission time (ids in ascending code-point order).

Revision ID: 0003_versions_keys
Revises: 0002_lean_pool
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from openentry.db.base import UtcDateTime

revision: str = "0003_versions_keys"
down_revision: str | Sequence[str] | None = "0002_lean_pool"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pool_batches") as batch:
        batch.add_column(sa.Column("effective_at", UtcDateTime, nullable=True))
    op.execute("UPDATE pool_batches SET effective_at = loaded_at")
    with op.batch_alter_table("pool_batches") as batch:
        batch.alter_column("effective_at", existing_type=UtcDateTime, nullable=False)
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("request_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("eligible", sa.Integer, nullable=True))
        batch.add_column(sa.Column("tiebreak_id", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_rounds_request_key", ["request_key"])


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint("uq_rounds_request_key", type_="unique")
        batch.drop_column("tiebreak_id")
        batch.drop_column("eligible")
        batch.drop_column("request_key")
    with op.batch_alter_table("pool_batches") as batch:
        batch.drop_column("effective_at")
