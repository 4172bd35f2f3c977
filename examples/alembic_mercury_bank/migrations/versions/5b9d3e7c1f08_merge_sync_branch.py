"""merge the sync branch

Revision ID: 5b9d3e7c1f08
Revises: 3a7f5c1d2e94, c62b0e8f4a17
Create Date: 2026-11-12 08:00:00.000000

"""
from typing import Sequence, Union


revision: str = "5b9d3e7c1f08"
down_revision: Union[str, Sequence[str], None] = ("3a7f5c1d2e94", "c62b0e8f4a17")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
