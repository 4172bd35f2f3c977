"""Seeded Alembic projects whose revisions use Alembic's schema operations.

Usage: python mysql_ops.py OUT_DIR SEED PROJECTS

Writes PROJECTS Alembic projects (OUT_DIR/pN, each an alembic.ini, a
generic env.py and a linear history of revisions) and prints one JSON line
per project: {"project": N, "dir": "...", "revisions": K, "ops": {op: count}}.

Each revision draws one to four operations among those Alembic offers for
schema changes (create_table with the common SQLAlchemy types, server
defaults and autoincrement; add_column, drop_column; alter_column of type,
nullability, server default, name and comment; create_index, unique and
over several columns, drop_index; create_unique_constraint,
create_foreign_key with ondelete, create_check_constraint,
create_primary_key, drop_constraint of each type; rename_table,
create_table_comment; execute), each applicable to the schema the revisions
before it built, and writes the downgrade as the inverse operations in
reverse order, as autogenerate does. Every column carries the `existing_*`
arguments MySQL's ALTER needs. Tables stay empty, so no operation depends
on rows.
"""

import json
import os
import random
import sys

ALEMBIC_INI = """[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url =
"""

ENV_PY = '''from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config

if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
'''

REVISION_PY = '''"""{message}

Revision ID: {revision}
Revises: {down}
Create Date: 2026-01-01 00:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''

# (type expression, server defaults it can take, whether it can be indexed).
# Not sa.Uuid(): SQLAlchemy writes it UUID for MariaDB and CHAR(32) for
# MySQL, so its revisions need a hand (tests/it/db/import_mysql.rs).
TYPES = [
    ("sa.Integer()", ["'0'", "sa.text('7')"], True),
    ("sa.BigInteger()", ["'0'"], True),
    ("sa.SmallInteger()", ["'1'"], True),
    ("sa.String(length=40)", ["'x'", '"it\'s"'], True),
    ("sa.String(length=120)", ["'y'", "'50%'"], True),
    ("sa.Unicode(length=30)", ["'u'"], True),
    ("sa.Text()", [], False),
    ("sa.Boolean()", ["sa.false()", "sa.text('1')"], True),
    ("sa.Enum('red', 'green', 'blue', name='colour')", ["'red'"], True),
    ("sa.JSON()", [], False),
    ("sa.Numeric(precision=10, scale=2)", ["'0.00'", "sa.text('1.50')"], True),
    ("sa.Float()", ["'0'"], True),
    ("sa.Date()", [], True),
    ("sa.DateTime()", ["sa.text('CURRENT_TIMESTAMP')", "sa.func.now()"], True),
    ("sa.DateTime(timezone=True)", ["sa.text('CURRENT_TIMESTAMP')"], True),
    ("sa.Time()", [], True),
    ("sa.LargeBinary()", [], False),
    ("sa.Double()", ["'0'"], True),
    ("sa.UnicodeText()", [], False),
    ("sa.Interval()", [], True),
]

# Type changes alter_column makes, both ways.
WIDER = [
    ("sa.String(length=40)", "sa.String(length=80)"),
    ("sa.Integer()", "sa.BigInteger()"),
    ("sa.SmallInteger()", "sa.Integer()"),
    ("sa.String(length=120)", "sa.Text()"),
    ("sa.Numeric(precision=10, scale=2)", "sa.Numeric(precision=12, scale=4)"),
]


class Column:
    def __init__(self, name, type_, nullable=True, default=None, comment=None, indexable=True, auto=None):
        self.name = name
        self.auto = auto
        self.type = type_
        self.nullable = nullable
        self.default = default
        self.comment = comment
        # MySQL keeps a foreign key's column indexed: an index made over it
        # becomes the key's, which MySQL then refuses to drop. Such columns
        # get no other index.
        self.indexable = indexable
        self.used = 0  # indexes and constraints over it

    def expr(self):
        args = [repr(self.name), self.type]
        if not self.nullable:
            args.append("nullable=False")
        if self.default is not None:
            args.append("server_default=%s" % self.default)
        if self.comment is not None:
            args.append("comment=%r" % self.comment)
        if self.auto is not None:
            # A lone integer key is AUTO_INCREMENT unless told otherwise.
            args.append("autoincrement=%s" % self.auto)
        return "sa.Column(%s)" % ", ".join(args)

    def existing(self):
        out = "existing_type=%s, existing_nullable=%s" % (self.type, self.nullable)
        if self.default is not None:
            out += ", existing_server_default=%s" % self.default
        if self.comment is not None:
            out += ", existing_comment=%r" % self.comment
        return out


class Table:
    def __init__(self, name, columns, pk):
        self.name = name
        self.columns = columns  # name -> Column, in order
        self.pk = pk  # column names of the primary key, or []
        self.indexes = {}  # name -> (columns, unique)
        self.uniques = {}  # name -> columns
        self.checks = {}  # name -> (column, sql)
        self.fks = {}  # name -> (column, referred table, ondelete)
        self.comment = None

    def free(self):
        return [c for c in self.columns.values() if c.used == 0 and c.name not in self.pk]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.tables = {}
        self.counter = 0
        self.referred = {}  # table -> number of foreign keys pointing at it

    def name(self, prefix):
        self.counter += 1
        return "%s_%d" % (prefix, self.counter)

    def new_column(self, not_null_ok=True):
        type_, defaults, indexable = self.rng.choice(TYPES)
        default = self.rng.choice(defaults) if defaults and self.rng.random() < 0.5 else None
        nullable = not (not_null_ok and self.rng.random() < 0.3)
        if not nullable and default is None and type_.startswith("sa.DateTime"):
            # MySQL's first TIMESTAMP NOT NULL has an implicit default; avoid
            # depending on explicit_defaults_for_timestamp.
            nullable = True
        comment = self.rng.choice([None, None, "a note", "it's noted"])
        return Column(self.name("c"), type_, nullable, default, comment, indexable)

    # Each op returns (upgrade lines, downgrade lines), or None when it does
    # not apply to the current schema.

    def create_table(self):
        name = self.name("t")
        columns = {}
        lines = ["    op.create_table(", "        %r," % name]
        pk = []
        if self.rng.random() < 0.8:
            auto = self.rng.choice(["", ", autoincrement=True"])
            lines.append("        sa.Column('id', sa.Integer(), nullable=False%s)," % auto)
            columns["id"] = Column("id", "sa.Integer()", False)
            pk = ["id"]
        for _ in range(self.rng.randint(1, 4)):
            c = self.new_column()
            columns[c.name] = c
            lines.append("        %s," % c.expr())
        if self.rng.random() < 0.3:
            # Types that make their own named CHECK, and a generated column.
            c = Column(self.name("flag"), "sa.Boolean(create_constraint=True, name=%r)" % self.name("ck"), True)
            c.used += 1
            columns[c.name] = c
            lines.append("        %s," % c.expr())
            c = Column(self.name("kind"), "sa.Enum('a', 'b', native_enum=False, create_constraint=True, name=%r)" % self.name("ck"), True)
            c.used += 1
            columns[c.name] = c
            lines.append("        %s," % c.expr())
            # Over a column of its own: MariaDB refuses one over AUTO_INCREMENT.
            base = Column(self.name("base"), "sa.Integer()", True)
            base.used += 1
            columns[base.name] = base
            lines.append("        %s," % base.expr())
            c = Column(self.name("twice"), "sa.Integer()", True, indexable=False)
            c.used += 1
            columns[c.name] = c
            lines.append("        sa.Column(%r, sa.Integer(), sa.Computed(%r))," % (c.name, base.name + " * 2"))
        table = Table(name, columns, pk)
        extra = []
        referable = [t for t in self.tables.values() if t.pk == ["id"]]
        if referable and self.rng.random() < 0.4:
            other = self.rng.choice(referable)
            c = Column(self.name("ref"), "sa.Integer()", True, indexable=False)
            columns[c.name] = c
            c.used += 1
            fk = self.name("fk")
            ondelete = self.rng.choice([None, "CASCADE", "SET NULL"])
            lines.append("        %s," % c.expr())
            on = ", ondelete=%r" % ondelete if ondelete else ""
            extra.append("        sa.ForeignKeyConstraint([%r], [%r]%s, name=%r)," % (c.name, other.name + ".id", on, fk))
            table.fks[fk] = (c.name, other.name, ondelete)
            self.referred[other.name] = self.referred.get(other.name, 0) + 1
        if pk:
            extra.append("        sa.PrimaryKeyConstraint('id', name=%r)," % self.name("pk"))
        ints = [c for c in columns.values() if c.type == "sa.Integer()" and c.name != "id" and c.used == 0]
        if ints and self.rng.random() < 0.3:
            c = ints[0]
            ck = self.name("ck")
            extra.append("        sa.CheckConstraint(%r, name=%r)," % ("%s >= 0" % c.name, ck))
            table.checks[ck] = (c.name, "%s >= 0" % c.name)
            c.used += 1
        lines.extend(extra)
        if self.rng.random() < 0.3:
            table.comment = "table note"
            lines.append("        comment='table note',")
        lines.append("    )")
        self.tables[name] = table
        return lines, ["    op.drop_table(%r)" % name]

    def pick(self, want=None):
        tables = [t for t in self.tables.values() if want is None or want(t)]
        return self.rng.choice(tables) if tables else None

    def drop_table(self):
        t = self.pick(lambda t: not self.referred.get(t.name) and not t.fks and not t.indexes and not t.uniques)
        if t is None or t.checks:
            return None
        lines = ["    op.create_table(", "        %r," % t.name]
        for c in t.columns.values():
            lines.append("        %s," % c.expr())
        if t.pk:
            lines.append("        sa.PrimaryKeyConstraint(%s)," % ", ".join(repr(p) for p in t.pk))
        if t.comment:
            lines.append("        comment=%r," % t.comment)
        lines.append("    )")
        del self.tables[t.name]
        return ["    op.drop_table(%r)" % t.name], lines

    def add_column(self):
        t = self.pick()
        if t is None:
            return None
        c = self.new_column()
        t.columns[c.name] = c
        return (
            ["    op.add_column(%r, %s)" % (t.name, c.expr())],
            ["    op.drop_column(%r, %r)" % (t.name, c.name)],
        )

    def free_column(self, want=lambda c: True):
        pairs = [(t, c) for t in self.tables.values() for c in t.free() if want(c)]
        return self.rng.choice(pairs) if pairs else (None, None)

    def drop_column(self):
        t, c = self.free_column()
        if t is None or len(t.columns) < 2:
            return None
        del t.columns[c.name]
        return (
            ["    op.drop_column(%r, %r)" % (t.name, c.name)],
            ["    op.add_column(%r, %s)" % (t.name, c.expr())],
        )

    def alter_type(self):
        t, c = self.free_column(lambda c: c.default is None and any(c.type == a for a, _ in WIDER))
        if t is None:
            return None
        old = c.type
        new = dict(WIDER)[old]
        up = "    op.alter_column(%r, %r, %s, type_=%s)" % (t.name, c.name, c.existing(), new)
        c.type = new
        down = "    op.alter_column(%r, %r, %s, type_=%s)" % (t.name, c.name, c.existing(), old)
        return [up], [down]

    def alter_nullable(self):
        t, c = self.free_column(lambda c: not c.type.startswith("sa.DateTime"))
        if t is None:
            return None
        before = c.existing()
        c.nullable = not c.nullable
        return (
            ["    op.alter_column(%r, %r, %s, nullable=%s)" % (t.name, c.name, before, c.nullable)],
            ["    op.alter_column(%r, %r, %s, nullable=%s)" % (t.name, c.name, c.existing(), not c.nullable)],
        )

    def alter_default(self):
        options = {ty: d for ty, d, _ in TYPES if d}
        t, c = self.free_column(lambda c: c.type in options)
        if t is None:
            return None
        old = c.default
        new = self.rng.choice(options[c.type] + [None])
        if new == old:
            return None
        before = c.existing()
        c.default = new
        return (
            ["    op.alter_column(%r, %r, %s, server_default=%s)" % (t.name, c.name, before, new)],
            ["    op.alter_column(%r, %r, %s, server_default=%s)" % (t.name, c.name, c.existing(), old)],
        )

    def alter_name(self):
        t, c = self.free_column()
        if t is None:
            return None
        old = c.name
        new = self.name("renamed")
        del t.columns[old]
        c.name = new
        t.columns[new] = c
        return (
            ["    op.alter_column(%r, %r, %s, new_column_name=%r)" % (t.name, old, c.existing(), new)],
            ["    op.alter_column(%r, %r, %s, new_column_name=%r)" % (t.name, new, c.existing(), old)],
        )

    def alter_comment(self):
        t, c = self.free_column()
        if t is None:
            return None
        old = c.comment
        new = self.rng.choice([None, "changed", "it's changed"])
        if new == old:
            return None
        before = c.existing()
        c.comment = new
        return (
            ["    op.alter_column(%r, %r, %s, comment=%r)" % (t.name, c.name, before, new)],
            ["    op.alter_column(%r, %r, %s, comment=%r)" % (t.name, c.name, c.existing(), old)],
        )

    def indexable(self, t):
        return [c for c in t.columns.values() if c.indexable]

    def create_index(self):
        t = self.pick(lambda t: self.indexable(t))
        if t is None:
            return None
        cols = self.indexable(t)
        chosen = self.rng.sample(cols, min(len(cols), self.rng.choice([1, 1, 2])))
        unique = self.rng.random() < 0.3
        name = self.name("ix")
        for c in chosen:
            c.used += 1
        t.indexes[name] = ([c.name for c in chosen], unique)
        u = ", unique=True" if unique else ""
        return (
            ["    op.create_index(%r, %r, [%s]%s)" % (name, t.name, ", ".join(repr(c.name) for c in chosen), u)],
            ["    op.drop_index(%r, table_name=%r)" % (name, t.name)],
        )

    def drop_index(self):
        t = self.pick(lambda t: t.indexes)
        if t is None:
            return None
        name = self.rng.choice(sorted(t.indexes))
        cols, unique = t.indexes.pop(name)
        for c in cols:
            t.columns[c].used -= 1
        u = ", unique=True" if unique else ""
        return (
            ["    op.drop_index(%r, table_name=%r)" % (name, t.name)],
            ["    op.create_index(%r, %r, [%s]%s)" % (name, t.name, ", ".join(repr(c) for c in cols), u)],
        )

    def create_unique(self):
        t = self.pick(lambda t: self.indexable(t))
        if t is None:
            return None
        cols = self.indexable(t)
        chosen = self.rng.sample(cols, min(len(cols), self.rng.choice([1, 2])))
        name = self.name("uq")
        for c in chosen:
            c.used += 1
        t.uniques[name] = [c.name for c in chosen]
        return (
            ["    op.create_unique_constraint(%r, %r, [%s])" % (name, t.name, ", ".join(repr(c.name) for c in chosen))],
            ["    op.drop_constraint(%r, %r, type_='unique')" % (name, t.name)],
        )

    def drop_unique(self):
        t = self.pick(lambda t: t.uniques)
        if t is None:
            return None
        name = self.rng.choice(sorted(t.uniques))
        cols = t.uniques.pop(name)
        for c in cols:
            t.columns[c].used -= 1
        return (
            ["    op.drop_constraint(%r, %r, type_='unique')" % (name, t.name)],
            ["    op.create_unique_constraint(%r, %r, [%s])" % (name, t.name, ", ".join(repr(c) for c in cols))],
        )

    def create_foreign_key(self):
        referable = [t for t in self.tables.values() if t.pk == ["id"]]
        t = self.pick()
        if not referable or t is None:
            return None
        other = self.rng.choice(referable)
        c = Column(self.name("ref"), "sa.Integer()", True, indexable=False)
        name = self.name("fk")
        ondelete = self.rng.choice([None, "CASCADE", "SET NULL", "RESTRICT"])
        on = ", ondelete=%r" % ondelete if ondelete else ""
        t.columns[c.name] = c
        c.used += 1
        t.fks[name] = (c.name, other.name, ondelete)
        self.referred[other.name] = self.referred.get(other.name, 0) + 1
        return (
            [
                "    op.add_column(%r, %s)" % (t.name, c.expr()),
                "    op.create_foreign_key(%r, %r, %r, [%r], ['id']%s)" % (name, t.name, other.name, c.name, on),
            ],
            [
                "    op.drop_constraint(%r, %r, type_='foreignkey')" % (name, t.name),
                # MySQL leaves the index it made for the key; dropping the
                # column drops it too.
                "    op.drop_column(%r, %r)" % (t.name, c.name),
            ],
        )

    def drop_foreign_key(self):
        t = self.pick(lambda t: t.fks)
        if t is None:
            return None
        name = self.rng.choice(sorted(t.fks))
        col, other, ondelete = t.fks.pop(name)
        t.columns[col].used -= 1
        # The column stays used: MySQL keeps the key's index on it.
        t.columns[col].used += 1
        self.referred[other] -= 1
        on = ", ondelete=%r" % ondelete if ondelete else ""
        return (
            ["    op.drop_constraint(%r, %r, type_='foreignkey')" % (name, t.name)],
            ["    op.create_foreign_key(%r, %r, %r, [%r], ['id']%s)" % (name, t.name, other, col, on)],
        )

    def create_check(self):
        t, c = self.free_column(lambda c: c.type in ("sa.Integer()", "sa.BigInteger()", "sa.String(length=40)"))
        if t is None:
            return None
        name = self.name("ck")
        sql = "%s >= 0" % c.name if "Int" in c.type else self.rng.choice(["%s <> ''", "%s LIKE '%%@%%'"]) % c.name
        c.used += 1
        t.checks[name] = (c.name, sql)
        return (
            ["    op.create_check_constraint(%r, %r, %r)" % (name, t.name, sql)],
            ["    op.drop_constraint(%r, %r, type_='check')" % (name, t.name)],
        )

    def drop_check(self):
        t = self.pick(lambda t: t.checks)
        if t is None:
            return None
        name = self.rng.choice(sorted(t.checks))
        col, sql = t.checks.pop(name)
        t.columns[col].used -= 1
        return (
            ["    op.drop_constraint(%r, %r, type_='check')" % (name, t.name)],
            ["    op.create_check_constraint(%r, %r, %r)" % (name, t.name, sql)],
        )

    def create_primary_key(self):
        # A table made without one, keyed on a new NOT NULL column.
        t = self.pick(lambda t: not t.pk)
        if t is None:
            return None
        c = Column(self.name("k"), "sa.Integer()", False, auto=False)
        name = self.name("pk")
        t.columns[c.name] = c
        t.pk = [c.name]
        return (
            [
                "    op.add_column(%r, %s)" % (t.name, c.expr()),
                "    op.create_primary_key(%r, %r, [%r])" % (name, t.name, c.name),
            ],
            [
                "    op.drop_constraint(%r, %r, type_='primary')" % (name, t.name),
                "    op.drop_column(%r, %r)" % (t.name, c.name),
            ],
        )

    def rename_table(self):
        t = self.pick()
        if t is None:
            return None
        old = t.name
        new = self.name("moved")
        del self.tables[old]
        t.name = new
        self.tables[new] = t
        for other in self.tables.values():
            for fk, (col, referred, ondelete) in list(other.fks.items()):
                if referred == old:
                    other.fks[fk] = (col, new, ondelete)
        if old in self.referred:
            self.referred[new] = self.referred.pop(old)
        return (
            ["    op.rename_table(%r, %r)" % (old, new)],
            ["    op.rename_table(%r, %r)" % (new, old)],
        )

    def table_comment(self):
        t = self.pick()
        if t is None:
            return None
        old = t.comment
        new = self.rng.choice(["about it", "it's about"])
        if new == old:
            return None
        t.comment = new
        up = "    op.create_table_comment(%r, %r, existing_comment=%r)" % (t.name, new, old)
        if old is None:
            down = "    op.drop_table_comment(%r, existing_comment=%r)" % (t.name, new)
        else:
            down = "    op.create_table_comment(%r, %r, existing_comment=%r)" % (t.name, old, new)
        return [up], [down]

    def execute(self):
        t = self.pick()
        if t is None:
            return None
        c = Column(self.name("raw"), "sa.String(length=20)", True, "'5%'")
        t.columns[c.name] = c
        return (
            ["    op.execute(%r)" % ("ALTER TABLE %s ADD COLUMN %s VARCHAR(20) DEFAULT '5%%'" % (t.name, c.name))],
            ["    op.execute(sa.text(%r))" % ("ALTER TABLE %s DROP COLUMN %s" % (t.name, c.name))],
        )


OPS = [
    "create_table", "drop_table", "add_column", "drop_column", "alter_type", "alter_nullable",
    "alter_default", "alter_name", "alter_comment", "create_index", "drop_index", "create_unique",
    "drop_unique", "create_foreign_key", "drop_foreign_key", "create_check", "drop_check",
    "create_primary_key", "rename_table", "table_comment", "execute",
]


def project(out, rng, number):
    root = os.path.join(out, "p%d" % number)
    versions = os.path.join(root, "migrations", "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(ALEMBIC_INI)
    with open(os.path.join(root, "migrations", "env.py"), "w") as f:
        f.write(ENV_PY)
    gen = Gen(rng)
    counts = {}
    down = None
    size = rng.randint(4, 9)
    for index in range(size):
        revision = "%012x" % rng.getrandbits(48)
        ups, downs = [], []
        wanted = 2 if index == 0 else rng.randint(1, 4)
        tries = 0
        while len(ups) < wanted and tries < 40:
            tries += 1
            op = "create_table" if index == 0 or len(gen.tables) < 2 and rng.random() < 0.5 else rng.choice(OPS)
            made = getattr(gen, op)()
            if made is None:
                continue
            counts[op] = counts.get(op, 0) + 1
            ups.extend(made[0])
            downs[:0] = made[1]
        with open(os.path.join(versions, "%s_r%d.py" % (revision, index)), "w") as f:
            f.write(
                REVISION_PY.format(
                    message="revision %d" % index,
                    revision=revision,
                    down=down or "",
                    down_revision=down,
                    upgrade="\n".join(ups) or "    pass",
                    downgrade="\n".join(downs) or "    pass",
                )
            )
        down = revision
    return {"project": number, "dir": root, "revisions": size, "ops": counts}


def main():
    out, seed, projects = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for number in range(projects):
        rng = random.Random("%d/%d" % (seed, number))
        print(json.dumps(project(out, rng, number)), flush=True)


if __name__ == "__main__":
    main()
