"""add phone to users

Revision ID: e4a81f6b7d35
Revises: 5b9d3e7c1f08
Create Date: 2026-11-20 11:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "e4a81f6b7d35"
down_revision: Union[str, Sequence[str], None] = "5b9d3e7c1f08"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("phone", sa.String(30), nullable=True))
    op.create_index("ix_transactions_pending", "transactions", ["pending"])


def downgrade() -> None:
    op.drop_index("ix_transactions_pending", table_name="transactions")
    # SQLite before 3.35 cannot drop a column; batch mode rebuilds the table there.
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("phone")
