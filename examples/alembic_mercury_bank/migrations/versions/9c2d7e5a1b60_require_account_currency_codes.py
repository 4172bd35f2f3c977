"""longer account names, currency codes checked

Revision ID: 9c2d7e5a1b60
Revises: 7e3f1a9c5d42
Create Date: 2026-11-24 15:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "9c2d7e5a1b60"
down_revision: Union[str, Sequence[str], None] = "7e3f1a9c5d42"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Batch mode: PostgreSQL and MySQL alter in place, SQLite rebuilds the
    # table, which offline needs the table's definition (copy_from).
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column(
            "name", existing_type=sa.String(100), type_=sa.String(200), existing_nullable=False
        )
        batch_op.create_check_constraint(
            "ck_accounts_currency", "currency IN ('USD', 'EUR', 'GBP')"
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint("ck_accounts_currency", type_="check")
        batch_op.alter_column(
            "name", existing_type=sa.String(200), type_=sa.String(100), existing_nullable=False
        )
