#!/usr/bin/env python3
"""Write a retort project with many revision files, for benchmarks.

    gen_tree.py DIR --revisions N --shape linear|branchy [--seed S]

writes DIR/retort.toml and DIR/migrations/versions/<id>_<slug>.sql in the
format `retort revision` writes (docs/revisions.md, `revision::file::render` and
`file_name`). Revision n (0-based, in creation order) creates table t_<n> and
drops it on downgrade.

Ids are 12 lowercase hex characters drawn from a generator seeded with
--seed, and Create Date grows by one minute per revision, so the same
arguments always give byte-identical files.

Shapes (N counts every file, merges included):

- linear:  a single chain, base first.
- branchy: a main chain; at every 50th revision a side branch of
  SIDE_LENGTH revisions forks off the main tip, and after MERGE_AFTER more
  main-line revisions a merge revision (`-- Revises: main, side`) joins
  them. A branch is only started when there is room to merge it before N,
  so the graph always has exactly one head.

Python 3 standard library only.
"""

import argparse
import datetime
import os
import random
import sys

SIDE_LENGTH = 3  # revisions on each side branch
MERGE_AFTER = 10  # main-line revisions between the fork and the merge
BRANCH_EVERY = 50  # a branch starts at every 50th revision
START = datetime.datetime(2026, 1, 1, 0, 0, 0)


def render(rev_id, parents, date, message, n):
    # Mirrors src/revision/file.rs `render` for a NewRevision with no labels
    # and no dependencies.
    revises = "".join((" " if i == 0 else ", ") + p for i, p in enumerate(parents))
    return (
        f"-- Revision ID: {rev_id}\n"
        f"-- Revises:{revises}\n"
        f"-- Create Date: {date:%Y-%m-%d %H:%M:%S}+00:00\n"
        f"-- Message: {message}\n"
        "\n-- migrate:upgrade\n"
        f"CREATE TABLE t_{n} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n"
        "\n-- migrate:downgrade\n"
        f"DROP TABLE t_{n};\n"
    )


def slug(message):
    # `file_name`: lowercase, runs of non-alphanumerics become one `_`, 40
    # characters at most. Our messages are ASCII and short.
    out, gap = [], False
    for c in message:
        if not c.isalnum():
            gap = True
            continue
        if gap and out:
            out.append("_")
        gap = False
        out.append(c.lower())
    return "".join(out)[:40].rstrip("_")


def plan(count, shape):
    """Yield (parents_as_indices, message) for revisions 0..count-1."""
    main_tip = None
    fork = None  # (side_tip, main revisions since the fork)
    n = 0
    while n < count:
        room = count - n
        if fork is not None and fork[1] == MERGE_AFTER:
            yield [main_tip, fork[0]], f"merge t_{n}"
            main_tip, fork = n, None
        elif (
            shape == "branchy"
            and fork is None
            and n > 0
            and n % BRANCH_EVERY == 0
            and room >= SIDE_LENGTH + MERGE_AFTER + 1
        ):
            side_tip = main_tip
            for _ in range(SIDE_LENGTH):
                yield [side_tip], f"side t_{n}"
                side_tip = n
                n += 1
            fork = (side_tip, 0)
            continue
        else:
            yield ([] if main_tip is None else [main_tip]), f"create t_{n}"
            main_tip = n
            if fork is not None:
                fork = (fork[0], fork[1] + 1)
        n += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--revisions", type=int, required=True)
    parser.add_argument("--shape", choices=["linear", "branchy"], required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.revisions < 1:
        parser.error("--revisions must be at least 1")

    versions = os.path.join(args.dir, "migrations", "versions")
    os.makedirs(versions, exist_ok=True)
    if any(name.endswith(".sql") for name in os.listdir(versions)):
        sys.exit(f"gen_tree.py: {versions} already holds revision files")
    with open(os.path.join(args.dir, "retort.toml"), "w") as f:
        f.write('[retort]\nurl = "sqlite:///bench.db"\n')

    rng = random.Random(args.seed)
    ids, seen = [], set()
    heads = set()
    for n, (parents, message) in enumerate(plan(args.revisions, args.shape)):
        while True:
            rev_id = f"{rng.getrandbits(48):012x}"
            if rev_id not in seen:
                break
        seen.add(rev_id)
        ids.append(rev_id)
        heads.difference_update(parents)
        heads.add(n)
        date = START + datetime.timedelta(minutes=n)
        text = render(rev_id, [ids[p] for p in parents], date, message, n)
        name = f"{rev_id}_{slug(message)}.sql"
        with open(os.path.join(versions, name), "w", newline="\n") as f:
            f.write(text)
    assert len(ids) == args.revisions and len(heads) == 1, (len(ids), heads)


if __name__ == "__main__":
    main()
