#!/usr/bin/env python3
"""Writes a retort project of N revisions for `retort lint` to check.

    python3 benches/gen_lint.py DIR --revisions N

Every third revision creates a table; the others change an existing one in
the ways lint's rules look at (a column added, an index, a type change, a
NOT NULL, a foreign key, a rename), each with its exact downgrade, so every
rule and the downgrade replay run. Ids come from the revision number, so the
same arguments always give the same files. Python 3 standard library only.
"""

import argparse
import os


def body(n):
    t = f"t_{n - n % 3}"
    kind = n % 3
    if kind == 0:
        up = (f"CREATE TABLE {t} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,\n"
              f"    qty INTEGER, parent_id INTEGER);")
        down = f"DROP TABLE {t};"
    elif kind == 1 and n % 2:
        up = (f"ALTER TABLE {t} ADD COLUMN note_{n} TEXT;\n"
              f"CREATE INDEX ix_{t}_qty ON {t} (qty);")
        down = f"DROP INDEX ix_{t}_qty;\nALTER TABLE {t} DROP COLUMN note_{n};"
    elif kind == 1:
        up = (f"ALTER TABLE {t} ALTER COLUMN qty TYPE BIGINT;\n"
              f"ALTER TABLE {t} ALTER COLUMN name TYPE VARCHAR(100);")
        down = (f"ALTER TABLE {t} ALTER COLUMN name TYPE VARCHAR(50);\n"
                f"ALTER TABLE {t} ALTER COLUMN qty TYPE INTEGER;")
    elif n % 2:
        up = (f"ALTER TABLE {t} ADD CONSTRAINT fk_{t}_parent FOREIGN KEY (parent_id) "
              f"REFERENCES {t} (id);\nALTER TABLE {t} RENAME COLUMN parent_id TO parent;")
        down = (f"ALTER TABLE {t} RENAME COLUMN parent TO parent_id;\n"
                f"ALTER TABLE {t} DROP CONSTRAINT fk_{t}_parent;")
    else:
        up = f"ALTER TABLE {t} ALTER COLUMN qty SET NOT NULL;"
        down = f"ALTER TABLE {t} ALTER COLUMN qty DROP NOT NULL;"
    return up, down


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--revisions", type=int, default=1000)
    args = parser.parse_args()
    versions = os.path.join(args.dir, "migrations", "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(args.dir, "retort.toml"), "w") as f:
        f.write('[retort]\nscript_location = "migrations"\nurl = "sqlite:///bench.db"\n')
    for n in range(args.revisions):
        rid = f"{n + 1:012x}"
        parent = f"{n:012x}" if n else ""
        up, down = body(n)
        with open(os.path.join(versions, f"{rid}_r{n}.sql"), "w") as f:
            f.write(f"-- Revision ID: {rid}\n-- Revises: {parent}\n"
                    f"-- Create Date: 2026-01-01 00:00:00+00:00\n-- Message: r{n}\n\n"
                    f"-- migrate:upgrade\n{up}\n\n-- migrate:downgrade\n{down}\n")


if __name__ == "__main__":
    main()
