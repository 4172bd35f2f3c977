#!/usr/bin/env bash
# How long `retort import alembic --check` takes on a generated Alembic
# project: a chain of REVISIONS revisions (a create_table and a create_index
# each), for PostgreSQL, MySQL and SQLite. Most of the time is Alembic's and
# SQLAlchemy's (one python process for the whole graph).
#
#   benches/import_alembic.sh [REVISIONS] [RUNS]
#
# PYTHON names a python with alembic and sqlalchemy (default: python3);
# RETORT the binary (default: a release build, built first).
set -euo pipefail
cd "$(dirname "$0")/.."
revisions=${1:-1000}
runs=${2:-3}
python=${PYTHON:-python3}
if [ -z "${RETORT:-}" ]; then
    cargo build --release --quiet
    RETORT=${CARGO_TARGET_DIR:-target}/release/retort
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/migrations/versions"
printf '[alembic]\nscript_location = %%(here)s/migrations\nsqlalchemy.url = sqlite://\n' > "$work/alembic.ini"
: > "$work/migrations/env.py"
"$python" - "$work/migrations/versions" "$revisions" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
parent = None
for i in range(n):
    rid = f"{i:012x}"
    with open(f"{out}/{rid}_t{i}.py", "w") as f:
        f.write(f'''"""table {i}

Revision ID: {rid}
Revises: {parent or ""}
Create Date: 2026-01-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = {rid!r}
down_revision = {parent!r}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("t_{i}", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(100), nullable=False))
    op.create_index("ix_t_{i}_name", "t_{i}", ["name"])


def downgrade():
    op.drop_index("ix_t_{i}_name", table_name="t_{i}")
    op.drop_table("t_{i}")
''')
    parent = rid
PY

for run in $(seq "$runs"); do
    /usr/bin/time -f "run $run: %e s wall, %U s user + %S s system" \
        "$RETORT" import alembic "$work" --python "$python" \
        --dialect postgresql,mysql,sqlite --check > /dev/null
done
