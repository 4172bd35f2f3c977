"""upper-case the currency codes

A data migration that needs no connection: offline it is one UPDATE.

Revision ID: 7e3f1a9c5d42
Revises: e4a81f6b7d35
Create Date: 2026-11-22 09:00:00.000000

"""
from typing import Sequence, Union

from alembic import op


revision: str = "7e3f1a9c5d42"
down_revision: Union[str, Sequence[str], None] = "e4a81f6b7d35"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute("UPDATE accounts SET currency = UPPER(currency)")


def downgrade() -> None:
    pass
