"""create sync state for the bank sync job

The sync job's state, developed on its own branch beside the transactions
work and merged by 5b9d3e7c1f08.

Revision ID: c62b0e8f4a17
Revises: 8d4e2b6a90c3
Create Date: 2026-11-10 16:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "c62b0e8f4a17"
down_revision: Union[str, Sequence[str], None] = "8d4e2b6a90c3"
branch_labels: Union[str, Sequence[str], None] = ("sync",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("last_synced_at", sa.DateTime(), nullable=True),
        sa.Column("sync_cursor", sa.String(255)),
        sa.Column("status", sa.String(20), nullable=False, server_default="idle"),
    )


def downgrade() -> None:
    op.drop_table("sync_state")
