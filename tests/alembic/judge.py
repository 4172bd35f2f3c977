"""The judge: real Alembic's answers on random revision graphs.

Usage: python judge.py OUT_DIR SEED GRAPHS QUESTIONS_PER_GRAPH

Generates GRAPHS random revision graphs (seeded, reproducible), writes each
as an Alembic project (OUT_DIR/gN/alembic) and as the same retort project
(OUT_DIR/gN/retort), then asks real Alembic (`alembic.command.upgrade`,
`downgrade`, `stamp` against an in-memory SQLite database whose
`alembic_version` rows are set to each state first) and prints one JSON
document per graph on stdout, one per line:

  {"graph": N, "heads": [...], "branches": [...], "questions": [
     {"op": "upgrade", "rows": [...], "target": "...", "ok": true,
      "steps": [["id", "up"], ...], "after": [...]} |
     {..., "ok": false, "error": "message"}]}

States are the version-table rows Alembic itself reaches from an empty
database by upgrades and downgrades (breadth first), so every state is one a
team that used Alembic can have.  Run with PYTHONHASHSEED=0: Alembic iterates
sets of revision ids in places, so its choices are only reproducible with a
fixed hash seed.
"""

import collections
import json
import os
import random
import sys

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

ENV_PY = '''
from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    on_version_apply=config.attributes["on_version_apply"],
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
'''

REVISION_PY = '''"""{message}"""
revision = {revision!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {depends!r}


def upgrade():
    pass


def downgrade():
    pass
'''

RETORT_SQL = """-- Revision ID: {revision}
-- Revises: {down}
-- Create Date: 2026-01-01 00:00:{second:02d}+00:00
-- Message: {message}
{extra}
-- migrate:upgrade

-- migrate:downgrade
"""


def generate(rng, size):
    """A random revision graph: a list of dicts in creation order."""
    revs = []
    children = collections.defaultdict(list)
    ancestors = {}  # id -> set of ids it revises, directly or not
    label_count = 0

    def fresh_id():
        while True:
            if revs and rng.random() < 0.2:
                # Shares a prefix with another id, so partial ids can be ambiguous.
                other = rng.choice(revs)["id"]
                candidate = other[:5] + "".join(rng.choice("0123456789abcdef") for _ in range(7))
            else:
                candidate = "".join(rng.choice("0123456789abcdef") for _ in range(12))
            if candidate[0].isdigit() and rng.random() < 0.5:
                candidate = "a" + candidate[1:]
            if all(r["id"] != candidate for r in revs):
                return candidate

    for i in range(size):
        heads = [r["id"] for r in revs if not children[r["id"]]]
        roll = rng.random()
        if not revs or roll < 0.12:
            parents = []
        elif roll < 0.30 and len(heads) >= 2:
            # A merge of two or three heads.
            count = min(len(heads), rng.choice([2, 2, 3]))
            parents = rng.sample(heads, count)
        elif roll < 0.55:
            # A new branch from any revision (a branch point if it has a child).
            parents = [rng.choice(revs)["id"]]
        else:
            parents = [rng.choice(heads)]
        rid = fresh_id()
        anc = set(parents)
        for p in parents:
            anc |= ancestors[p]
        depends = []
        if revs and rng.random() < 0.3:
            # Depend on a revision that is not an ancestor: usually another
            # branch; now and then on one that is (a dependency within the
            # branch, which Alembic normalizes away).
            within = rng.random() < 0.15
            options = [r["id"] for r in revs if (r["id"] in anc) == within and r["id"] not in parents]
            if options:
                depends = rng.sample(options, min(len(options), rng.choice([1, 1, 2])))
                if rng.random() < 0.15:
                    # Depending on a label instead of an id.
                    labelled = [r for r in revs if r["labels"] and r["id"] in depends]
                    if labelled:
                        depends = [labelled[0]["labels"][0] if d == labelled[0]["id"] else d for d in depends]
        labels = []
        if (not parents or rng.random() < 0.25) and rng.random() < 0.6:
            label_count += 1
            labels = ["lbl%d" % label_count]
        for d in depends:
            target = next((r for r in revs if r["id"] == d or d in r["labels"]))
            anc |= {target["id"]} | ancestors[target["id"]]
        ancestors[rid] = anc
        for p in parents:
            children[p].append(rid)
        revs.append({"id": rid, "parents": parents, "depends": depends, "labels": labels, "n": i})
    return revs


def write_projects(root, revs):
    alembic_dir = os.path.join(root, "alembic")
    versions = os.path.join(alembic_dir, "versions")
    retort_versions = os.path.join(root, "retort", "migrations", "versions")
    os.makedirs(versions)
    os.makedirs(retort_versions)
    with open(os.path.join(alembic_dir, "env.py"), "w") as f:
        f.write(ENV_PY)
    with open(os.path.join(alembic_dir, "script.py.mako"), "w") as f:
        f.write("")
    with open(os.path.join(root, "retort", "retort.toml"), "w") as f:
        f.write('[retort]\nscript_location = "migrations"\nurl = "sqlite:///app.db"\n'
                'version_table = "alembic_version"\n')
    for r in revs:
        down = None if not r["parents"] else (r["parents"][0] if len(r["parents"]) == 1 else tuple(r["parents"]))
        labels = tuple(r["labels"]) if r["labels"] else None
        depends = None if not r["depends"] else tuple(r["depends"])
        with open(os.path.join(versions, "%s_r%d.py" % (r["id"], r["n"])), "w") as f:
            f.write(REVISION_PY.format(message="r%d" % r["n"], revision=r["id"], down=down,
                                       labels=labels, depends=depends))
        extra = ""
        if r["labels"]:
            extra += "-- Branch Labels: %s\n" % ", ".join(r["labels"])
        if r["depends"]:
            extra += "-- Depends On: %s\n" % ", ".join(r["depends"])
        with open(os.path.join(retort_versions, "%s_r%d.sql" % (r["id"], r["n"])), "w") as f:
            f.write(RETORT_SQL.format(revision=r["id"], down=", ".join(r["parents"]),
                                      second=r["n"] % 60, message="r%d" % r["n"], extra=extra))
    return alembic_dir


class Judge:
    """One Alembic project, one in-memory SQLite connection, many questions."""

    def __init__(self, alembic_dir):
        self.config = Config()
        self.config.set_main_option("script_location", alembic_dir)
        self.engine = create_engine("sqlite://")
        self.connection = self.engine.connect()
        self.config.attributes["connection"] = self.connection
        self.config.attributes["on_version_apply"] = self._record
        self.script = ScriptDirectory.from_config(self.config)
        self.steps = []

    def _record(self, ctx, step, heads, run_args):
        if not step.is_stamp:
            self.steps.append([step.up_revision_id, "up" if step.is_upgrade else "down"])

    def set_rows(self, rows):
        self.connection.execute(text(
            "CREATE TABLE IF NOT EXISTS alembic_version "
            "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        self.connection.execute(text("DELETE FROM alembic_version"))
        for row in rows:
            self.connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": row})
        self.connection.commit()

    def rows(self):
        return sorted(r[0] for r in self.connection.execute(text("SELECT version_num FROM alembic_version")))

    def ask(self, op, rows, target):
        self.set_rows(rows)
        self.steps = []
        answer = {"op": op, "rows": list(rows), "target": target}
        try:
            if op == "history":
                # What `alembic history -r START:END` lists.
                start, _, end = target.partition(":")
                revs = self.script.walk_revisions(base=start or "base", head=end or "heads")
                answer.update(ok=True, steps=[], after=sorted(r.revision for r in revs))
                return answer
            if op == "upgrade":
                command.upgrade(self.config, target)
            elif op == "downgrade":
                command.downgrade(self.config, target)
            else:
                command.stamp(self.config, target)
        except Exception as error:  # every refusal, whatever its class
            if self.connection.in_transaction():
                self.connection.rollback()
            answer["ok"] = False
            answer["error"] = "%s: %s" % (type(error).__name__, error)
            return answer
        if self.connection.in_transaction():
            self.connection.commit()
        answer["ok"] = True
        answer["steps"] = self.steps
        answer["after"] = self.rows()
        return answer


def targets(rng, revs):
    ids = [r["id"] for r in revs]
    labels = [l for r in revs for l in r["labels"]]
    pool = ["heads", "head", "base", "+1", "+2", "-1", "-2", "head-1", "base+1"]
    pool += ids
    pool += [i[:5] for i in ids]  # partial ids, some ambiguous
    pool += [i + "+1" for i in ids] + [i + "-1" for i in ids]
    pool += [i[:6] + "@head" for i in ids]
    for label in labels:
        pool += [label + "@head", label + "@base", label + "@base+1", label + "@base+2",
                 label + "@+1", label + "@-1", label + "@-2", label, label + "@head-1"]
        pool += ["%s@%s" % (label, rng.choice(ids))]
    return pool


def main():
    out, seed, graphs, per_graph = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    for g in range(graphs):
        revs = generate(rng, rng.randint(3, 13))
        root = os.path.join(out, "g%d" % g)
        judge = Judge(write_projects(root, revs))
        script = judge.script
        pool = targets(rng, revs)
        # Reachable states, breadth first, from Alembic's own answers.
        states = [()]
        seen = {()}
        questions = []
        index = 0
        explore = ["heads"] + [r["id"] for r in revs] + ["-1", "base"]
        while index < len(states) and len(states) < 10:
            rows = states[index]
            index += 1
            for target in rng.sample(explore, min(len(explore), 6)):
                op = "downgrade" if target in ("-1", "base") else "upgrade"
                answer = judge.ask(op, rows, target)
                questions.append(answer)
                if answer["ok"]:
                    after = tuple(answer["after"])
                    if after not in seen:
                        seen.add(after)
                        states.append(after)
        ids = [r["id"] for r in revs]
        labels = [l for r in revs for l in r["labels"]]
        while len(questions) < per_graph:
            rows = rng.choice(states)
            op = rng.choice(["upgrade", "downgrade", "stamp", "upgrade", "downgrade", "stamp", "history"])
            if op == "history":
                start = rng.choice(ids + labels + ["", "base"])
                end = rng.choice(ids + labels + ["", "heads", "head"])
                questions.append(judge.ask(op, [], "%s:%s" % (start, end)))
            else:
                questions.append(judge.ask(op, list(rows), rng.choice(pool)))
        doc = {
            "graph": g,
            "dir": os.path.join(root, "retort"),
            "heads": sorted(script.get_heads()),
            "branches": sorted(r.revision for r in script.walk_revisions() if r.is_branch_point),
            "states": [list(s) for s in states],
            "questions": questions,
        }
        print(json.dumps(doc), flush=True)
        judge.connection.close()


if __name__ == "__main__":
    main()
