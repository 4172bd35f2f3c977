"""Generated Alembic projects for `retort import alembic`, and what real
Alembic answers about each.

Usage: python import_graphs.py OUT_DIR SEED GRAPHS

Each graph comes from judge.py's generator (branches, merges, branch labels,
depends_on on ids and labels), its ids are then made odd as real histories
have them (`0001_initial`, mixed case, up to 32 characters, besides
Alembic's 12 hex digits), and its docstrings vary (Alembic's template, no
`Revision ID:` or `Create Date:` line, a date without a time, none at all).
Each revision creates a table `t_<n>`, so the order of a script shows the
order of the revisions.

Written as OUT_DIR/gN/alembic.ini + migrations/, with Alembic's generic
env.py (offline and online). Prints one JSON document per graph, one per
line:

  {"graph": N, "dir": ".../gN", "revisions": [{"id", "parents", "labels",
   "depends", "n"}], "heads": [...], "history": [...], "order": [...]}

`history` is what `alembic history` lists (walk_revisions, newest first);
`order` is the revisions `alembic upgrade heads` ran from an empty SQLite
database, in the order it ran them (null, with `error`, when Alembic failed). Run with PYTHONHASHSEED=0, as judge.py.
"""

import json
import os
import random
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from judge import generate  # noqa: E402

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

INI = """[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite://
"""

ENV_PY = '''
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    context.configure(
        connection=connection,
        on_version_apply=config.attributes.get("on_version_apply"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

BODY = '''revision{annotation} = {revision!r}
down_revision{annotation} = {down!r}
branch_labels{annotation} = {labels!r}
depends_on{annotation} = {depends!r}


def upgrade(){returns}:
    op.create_table("t_{n}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade(){returns}:
    op.drop_table("t_{n}")
'''

IMPORTS = "from alembic import op\nimport sqlalchemy as sa\n"
TYPED_IMPORTS = "from typing import Sequence, Union\n\n" + IMPORTS


def odd_id(rng, n, taken):
    """An id as real histories have them, kept exactly by the import."""
    while True:
        kind = rng.random()
        if kind < 0.4:
            candidate = "".join(rng.choice("0123456789abcdef") for _ in range(12))
        elif kind < 0.6:
            candidate = "%04d_%s" % (n + 1, rng.choice(["initial", "add_users", "merge", "x"]))
        elif kind < 0.8:
            length = rng.randint(1, 32)
            candidate = "".join(rng.choice(string.ascii_letters + string.digits + "_") for _ in range(length))
        else:
            # The longest id retort takes.
            candidate = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(32))
        if candidate.lower() in ("head", "heads", "base") or candidate in taken:
            continue
        # Alembic resolves a target by prefix: an id that is a prefix of
        # another is fine for the graph, but keep them apart so that the
        # questions below stay about the import.
        if any(t.startswith(candidate) or candidate.startswith(t) for t in taken):
            continue
        taken.add(candidate)
        return candidate


def docstring(rng, rev, parents):
    message = "r%d %s" % (rev["n"], rng.choice(["create a table", "", "step"]))
    kind = rng.random()
    if kind < 0.35:
        # Alembic's template.
        return '"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2026-0%d-1%d 10:%02d:00.123456\n\n"""\n' % (
            message, rev["id"], ", ".join(parents), rng.randint(1, 9), rng.randint(0, 9), rev["n"] % 60)
    if kind < 0.55:
        # No Revision ID or Create Date line.
        return '"""%s\n"""\n' % message
    if kind < 0.75:
        # A date and no time.
        return '"""%s\n\nCreate Date: 2019-03-0%d\n"""\n' % (message, rng.randint(1, 9))
    if kind < 0.9:
        # A message over two lines, then the rest.
        return '"""%s\nand more\n\nRevision ID: %s\n"""\n' % (message, rev["id"])
    return ""


def write(root, rng, revs):
    versions = os.path.join(root, "migrations", "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(INI)
    with open(os.path.join(root, "migrations", "env.py"), "w") as f:
        f.write(ENV_PY)
    with open(os.path.join(root, "migrations", "script.py.mako"), "w") as f:
        f.write("")
    for r in revs:
        down = None if not r["parents"] else (r["parents"][0] if len(r["parents"]) == 1 else tuple(r["parents"]))
        labels = tuple(r["labels"]) if r["labels"] else None
        depends = None if not r["depends"] else (r["depends"][0] if len(r["depends"]) == 1 else list(r["depends"]))
        typed = rng.random() < 0.5
        text = docstring(rng, r, r["parents"]) + (TYPED_IMPORTS if typed else IMPORTS) + "\n" + BODY.format(
            annotation=": Union[str, Sequence[str], None]" if typed else "",
            returns=" -> None" if typed else "",
            revision=r["id"], down=down, labels=labels, depends=depends, n=r["n"])
        with open(os.path.join(versions, "%s_r%d.py" % (r["id"], r["n"])), "w") as f:
            f.write(text)


def answers(root):
    config = Config(os.path.join(root, "alembic.ini"))
    script = ScriptDirectory.from_config(config)
    engine = create_engine("sqlite://")
    order = []

    def record(ctx, step, heads, run_args):
        if not step.is_stamp and step.is_upgrade:
            order.append(step.up_revision_id)

    error = None
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        config.attributes["on_version_apply"] = record
        try:
            command.upgrade(config, "heads")
        except Exception as e:
            # Alembic's own bookkeeping fails on some graphs (a KeyError
            # from its version-table bookkeeping, as judge.py also meets):
            # no order to compare with.
            error = "%s: %s" % (type(e).__name__, e)
    return {
        "heads": sorted(script.get_heads()),
        "history": [r.revision for r in script.walk_revisions()],
        "order": None if error else order,
        "error": error,
    }


def main():
    out, seed, graphs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    for g in range(graphs):
        revs = generate(rng, rng.randint(3, 13))
        taken = set()
        rename = {}
        for r in revs:
            rename[r["id"]] = odd_id(rng, r["n"], taken)
        for r in revs:
            r["id"] = rename[r["id"]]
            r["parents"] = [rename[p] for p in r["parents"]]
            r["depends"] = [rename.get(d, d) for d in r["depends"]]
        root = os.path.join(out, "g%d" % g)
        write(root, rng, revs)
        doc = {"graph": g, "dir": root, "revisions": revs}
        doc.update(answers(root))
        print(json.dumps(doc), flush=True)


if __name__ == "__main__":
    main()
