"""Real Alembic on a real database, for the takeover tests (tests/it/db/takeover.rs).

  python takeover.py write OUT SEED          writes a generated graph as an Alembic
                                             and a retort project under OUT; prints
                                             {"ids": [...], "heads": [...]}
  python takeover.py run OUT URL OP TARGET   runs `alembic OP TARGET` (upgrade,
                                             downgrade, stamp) against URL
  python takeover.py current OUT URL         prints the rows `alembic current` reads

`run` and `current` print {"rows": [...]}, the version table's rows after.
"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

import judge  # noqa: E402


def engine_url(url):
    # The drivers installed beside Alembic; retort's URLs name no driver.
    for scheme, driver in (("mysql://", "mysql+pymysql://"), ("postgresql://", "postgresql+psycopg2://")):
        if url.startswith(scheme):
            return driver + url[len(scheme):]
    return url


def config(out, connection):
    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(out, "alembic"))
    cfg.attributes["connection"] = connection
    cfg.attributes["on_version_apply"] = lambda **kw: None
    return cfg


def rows(connection):
    return sorted(MigrationContext.configure(connection).get_current_heads())


def main():
    action, out = sys.argv[1], sys.argv[2]
    if action == "write":
        rng = random.Random(int(sys.argv[3]))
        revs = judge.generate(rng, rng.randint(5, 10))
        judge.write_projects(out, revs)
        script = ScriptDirectory(os.path.join(out, "alembic"))
        print(json.dumps({"ids": [r["id"] for r in revs], "heads": sorted(script.get_heads())}))
        return
    engine = create_engine(engine_url(sys.argv[3]))
    with engine.connect() as connection:
        if action == "run":
            op, target = sys.argv[4], sys.argv[5]
            getattr(command, op)(config(out, connection), target)
            connection.commit()
        print(json.dumps({"rows": rows(connection)}))


if __name__ == "__main__":
    main()
