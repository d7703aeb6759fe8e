"""Lean pool_candidates: no secondary indexes nor batch foreign key (bulk loads of a million rows).

Rounds read the pool column-wise from its batches, never through these indexes; each index and
the per-row foreign-key check cost more than a third of a million-row load.

Revision ID: 0002_lean_pool
Revises: 0001_pool
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_lean_pool"
down_revision: str | Sequence[str] | None = "0001_pool"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_pool_candidates_submitted_at": "submitted_at",
    "ix_pool_candidates_primary_noc": "primary_noc",
    "ix_pool_candidates_batch_id": "batch_id",
}


def upgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="pool_candidates")
    with op.batch_alter_table("pool_candidates") as batch:
        batch.drop_constraint("fk_pool_candidates_batch_id_pool_batches", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("pool_candidates") as batch:
        batch.create_foreign_key(
            "fk_pool_candidates_batch_id_pool_batches", "pool_batches", ["batch_id"], ["id"]
        )
    for name, column in _INDEXES.items():
        op.create_index(name, "pool_candidates", [column])
