"""backfill a sync state for every account

A data migration that reads through the connection, one row at a time: it
cannot be written down offline, so `retort import alembic` asks for a hand.

Revision ID: 4b8e6d2f0a13
Revises: 9c2d7e5a1b60
Create Date: 2026-11-26 10:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "4b8e6d2f0a13"
down_revision: Union[str, Sequence[str], None] = "9c2d7e5a1b60"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    bind = op.get_bind()
    accounts = bind.execute(
        sa.text(
            "SELECT a.id FROM accounts a "
            "LEFT JOIN sync_state s ON s.account_id = a.id WHERE s.id IS NULL"
        )
    ).fetchall()
    for (account_id,) in accounts:
        bind.execute(
            sa.text("INSERT INTO sync_state (account_id, status) VALUES (:a, 'idle')"),
            {"a": account_id},
        )


def downgrade() -> None:
    pass
