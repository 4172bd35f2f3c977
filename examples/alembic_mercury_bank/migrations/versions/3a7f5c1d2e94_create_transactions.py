"""create transactions

Revision ID: 3a7f5c1d2e94
Revises: 8d4e2b6a90c3
Create Date: 2026-11-09 10:15:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "3a7f5c1d2e94"
down_revision: Union[str, Sequence[str], None] = "8d4e2b6a90c3"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("description", sa.String(255)),
        sa.Column(
            "posted_at",
            sa.DateTime(),
            nullable=False,
            server_default=sa.text("CURRENT_TIMESTAMP"),
        ),
        sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ix_transactions_account_posted", "transactions", ["account_id", "posted_at"]
    )


def downgrade() -> None:
    # Dropping the table drops its indexes (MySQL refuses to drop one a
    # foreign key needs).
    op.drop_table("transactions")
