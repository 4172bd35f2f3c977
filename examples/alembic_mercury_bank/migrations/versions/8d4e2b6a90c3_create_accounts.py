"""create accounts

Revision ID: 8d4e2b6a90c3
Revises: 1f0c9a7e3b21
Create Date: 2026-11-05 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# An older template's spelling: plain assignments, no annotations.
revision = "8d4e2b6a90c3"
down_revision = "1f0c9a7e3b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("balance", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("currency", sa.CHAR(3), nullable=False, server_default="USD"),
    )
    op.create_index("ix_accounts_user_id", "accounts", ["user_id"])


def downgrade():
    # Dropping the table drops its indexes (MySQL refuses to drop one a
    # foreign key needs).
    op.drop_table("accounts")
