"""The pool, rounds and invitations ledger (default branch).

Revision ID: 0001_pool
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from openentry.db.base import UtcDateTime

revision: str = "0001_pool"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("pool",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pool_batches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("loaded_at", UtcDateTime, nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("profile_count", sa.Integer, nullable=False),
        sa.Column("columns", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pool_batches"),
    )
    op.create_table(
        "pool_candidates",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("primary_noc", sa.String(5), nullable=True),
        sa.Column("profile", sa.JSON, nullable=True),
        sa.Column("batch_id", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pool_candidates"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["pool_batches.id"], name="fk_pool_candidates_batch_id_pool_batches"
        ),
    )
    op.create_index("ix_pool_candidates_submitted_at", "pool_candidates", ["submitted_at"])
    op.create_index("ix_pool_candidates_primary_noc", "pool_candidates", ["primary_noc"])
    op.create_index("ix_pool_candidates_batch_id", "pool_candidates", ["batch_id"])
    sequence = op.create_table(
        "round_sequence",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_round_sequence"),
    )
    op.bulk_insert(sequence, [{"id": 1, "last_number": 0}])
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("held_at", UtcDateTime, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("criteria", sa.JSON, nullable=False),
        sa.Column("size", sa.Integer, nullable=True),
        sa.Column("invited", sa.Integer, nullable=False),
        sa.Column("cutoff", sa.SmallInteger, nullable=True),
        sa.Column("tiebreak", UtcDateTime, nullable=True),
        sa.Column("rules_version", sa.JSON, nullable=False),
        sa.Column("score_bands", sa.JSON, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.UniqueConstraint("number", name="uq_rounds_number"),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("round_id", sa.Integer, nullable=False),
        sa.Column("candidate_id", sa.String(64), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("crs", sa.SmallInteger, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("issued_at", UtcDateTime, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_invitations_round_id_rounds"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["pool_candidates.id"], name="fk_invitations_candidate_id_pool_candidates"
        ),
        sa.UniqueConstraint("round_id", "candidate_id", name="uq_invitations_round_candidate"),
    )
    op.create_index("ix_invitations_round_id", "invitations", ["round_id"])
    op.create_index("ix_invitations_candidate_id", "invitations", ["candidate_id"])
    op.create_table(
        "candidate_events",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("candidate_id", sa.String(64), nullable=False),
        sa.Column("invitation_id", sa.Integer, nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("occurred_at", UtcDateTime, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_candidate_events"),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["pool_candidates.id"], name="fk_candidate_events_candidate_id_pool_candidates"
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitations.id"], name="fk_candidate_events_invitation_id_invitations"
        ),
    )
    op.create_index("ix_candidate_events_candidate_id", "candidate_events", ["candidate_id"])
    op.create_index("ix_candidate_events_invitation_id", "candidate_events", ["invitation_id"])


def downgrade() -> None:
    for table in (
        "candidate_events",
        "invitations",
        "rounds",
        "round_sequence",
        "pool_candidates",
        "pool_batches",
    ):
        op.drop_table(table)
