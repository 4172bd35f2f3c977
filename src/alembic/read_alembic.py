# Reads an Alembic project for `retort import alembic` (docs/adopting-from-alembic.md)
# and prints one JSON document on stdout. Compiled into retort and run once,
# with the user's python, for the whole graph.
#
#   python read_alembic.py ALEMBIC_INI DIALECT[,DIALECT...]
#
# The revision files are first read as text (ast), so that a syntax error, a
# duplicate id or a parent no file has is reported with its file and line
# instead of Alembic's traceback. The graph is then loaded with Alembic's own
# Config and ScriptDirectory, and each revision's upgrade() and downgrade()
# is run in Alembic's offline mode (as_sql) for each dialect. env.py is not
# run: offline, it only chooses the URL and the version table, and running a
# revision's functions directly keeps Alembic's version-table statements and
# BEGIN/COMMIT out of the SQL.
#
# SQLite's batch mode reflects the table, which offline mode cannot do; for
# SQLite every revision also runs, in graph order, against a scratch SQLite
# database, and the statements it executed serve where offline mode failed.
# A revision whose run there reads rows (a SELECT that is not reflection) or
# binds parameters is reported as needing a hand.

import ast
import io
import json
import math
import os
import re
import sys
import tempfile
import traceback


def fail(path, line, message):
    print(json.dumps({"error": {"path": path, "line": line, "message": message}}))
    sys.exit(0)


def literal_ids(node):
    """None, a string, or a tuple/list of strings, as a list; None when the
    value is not a literal (computed: left to Alembic)."""
    try:
        value = ast.literal_eval(node)
    except Exception:
        return None
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def scan(locations):
    """Every revision file's id, parents and their lines, read as text."""
    found = {}
    files = []
    for location in locations:
        if not os.path.isdir(location):
            continue
        for name in sorted(os.listdir(location)):
            if not name.endswith(".py") or name.startswith("__"):
                continue
            files.append(os.path.join(location, name))
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            tree = ast.parse(text, filename=path)
        except SyntaxError as e:
            fail(path, e.lineno or 1, "not valid Python: %s" % e.msg)
        assigned = {}
        for node in tree.body:
            if isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                value = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
                value = node.value
            else:
                continue
            for target in targets:
                if value is not None:
                    assigned[target] = (node.lineno, value)
        if "revision" not in assigned:
            fail(path, 1, "no `revision = ...` assignment: is this a revision file?")
        line, value = assigned["revision"]
        ids = literal_ids(value)
        if not ids or len(ids) != 1:
            fail(path, line, "`revision` must be one string")
        rev = ids[0]
        if rev in found:
            first = found[rev]
            fail(path, line, "duplicate revision id `%s`, also in %s:%d" % (rev, first["path"], first["line"]))
        if "down_revision" not in assigned:
            fail(path, line, "no `down_revision = ...` assignment (None for a base revision)")
        down_line, down_value = assigned["down_revision"]
        found[rev] = {
            "path": path,
            "line": line,
            "down_line": down_line,
            "down": literal_ids(down_value),
        }
    for rev, info in found.items():
        for parent in info["down"] or []:
            if parent not in found:
                fail(info["path"], info["down_line"], "down_revision names `%s`, which no revision file has" % parent)
    return found


def version_table(directory, ini):
    """The `version_table=` env.py passes to `context.configure`: {"name",
    "line"} when every call passes the same string literal (or none passes
    it: Alembic's default), {"computed", "line"} when one passes anything
    else, so the caller can ask for --version-table instead of guessing."""
    path = os.path.join(directory.dir, "env.py")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        tree = ast.parse(text, filename=path)
    except (OSError, SyntaxError, ValueError):
        return {"path": path, "computed": 1}
    try:
        with open(ini, encoding="utf-8") as f:
            ini_text = f.read()
    except OSError:
        ini_text = ""
    # `configure(**options)` can only pass a version_table that env.py or
    # the ini spells out somewhere (JupyterHub's env.py builds its options
    # in a dict that has none).
    spelled = "version_table" in text or "version_table" in ini_text
    # A module-level `NAME = "literal"` may be what configure is passed.
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    found = None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "configure"):
            continue
        for keyword in node.keywords:
            if keyword.arg is None:
                if spelled:
                    # `**options` may hold the version_table named elsewhere.
                    return {"path": path, "computed": node.lineno}
                continue
            if keyword.arg == "version_table_schema":
                # retort keeps its tables in the default schema: another
                # one is for the user to decide, not to guess.
                return {"path": path, "computed": keyword.value.lineno}
            if keyword.arg != "version_table":
                continue
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                name = value.value
            elif isinstance(value, ast.Name) and value.id in constants:
                name = constants[value.id]
            else:
                return {"path": path, "computed": value.lineno}
            if found is not None and found["name"] != name:
                return {"path": path, "computed": value.lineno}
            found = {"path": path, "name": name, "line": value.lineno}
    return found or {"path": path, "name": "alembic_version", "line": 0}


def as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def create_date(module):
    doc = module.__doc__ or ""
    match = re.search(r"^\s*Create Date:\s*(.+?)\s*$", doc, re.MULTILINE)
    return match.group(1) if match else None


def mysql_for_mariadb(sql):
    # Alembic writes MySQL 8's DROP CHECK, which MariaDB refuses; both accept
    # DROP CONSTRAINT (MySQL since 8.0.19, per its manual's ALTER TABLE page;
    # MariaDB since 10.2.1). The table name may be backquoted.
    return re.sub(r"(ALTER TABLE (?:`[^`]*`|\S+) )DROP CHECK ", r"\1DROP CONSTRAINT ", sql)


def mysql_differs(mysql, mariadb):
    """Why one section cannot serve both servers: the first statement
    SQLAlchemy's mysql and mariadb dialects write differently."""
    ours, theirs = mysql.split(";\n\n"), mariadb.split(";\n\n")
    for a, b in zip(ours + [""] * len(theirs), theirs + [""] * len(ours)):
        if a != b:
            break
    one_line = lambda text: " ".join(text.split()).rstrip(";") or "(nothing)"
    return (
        "MySQL 8 and MariaDB need different SQL here (SQLAlchemy's mysql and mariadb dialects differ):\n"
        "MySQL 8: %s\nMariaDB: %s" % (one_line(a), one_line(b))
    )


class Offline:
    """Alembic's offline mode for one dialect; one context serves every
    revision (configuring one per call costs more than running most). It
    is an EnvironmentContext, as env.py's would be, so that revisions that
    reach for `alembic.context` (`context.get_bind()`,
    `context.get_context().opts`) find one; env.py itself is not run, so
    options only it sets (target_metadata) are absent."""

    def __init__(self, dialect, config, directory, mariadb=False):
        from alembic.runtime.environment import EnvironmentContext

        self.dialect = dialect
        self.out = io.StringIO()
        self.env = EnvironmentContext(config, directory)
        # The "named" paramstyle, as Alembic's own env.py template passes
        # offline: under MySQL's and psycopg2's default ("format",
        # "pyformat") a `%` in literal SQL is written doubled, for the driver
        # to undo, and a script runs it doubled (a default '5%' became '5%%').
        self.env.configure(
            dialect_name=dialect,
            as_sql=True,
            output_buffer=self.out,
            literal_binds=True,
            dialect_opts={"paramstyle": "named"},
        )
        self.context = self.env.get_context()
        self.mariadb = None
        if mariadb:
            # What Alembic writes online on MariaDB through a mysql:// URL:
            # the mysql dialect, told at connect that the server is MariaDB
            # (SQLAlchemy's own hook for it; the `mariadb` dialect would drop
            # the revisions' `mysql_*` options).
            dialect = self.context.dialect
            dialect.server_version_info = (10, 11, 0)
            dialect._set_mariadb(True, dialect.server_version_info)
            dialect._initialize_mariadb(None)
        elif dialect == "mysql":
            # A `mysql` section runs on MySQL 8 and on MariaDB, where
            # SQLAlchemy writes some things otherwise (`sa.Uuid` is UUID
            # there, CHAR(32) on MySQL): such a function needs a hand.
            try:
                self.mariadb = Offline("mysql", config, directory, mariadb=True)
            except Exception:
                pass  # a SQLAlchemy without the hook: not compared

    def run(self, module, function):
        from alembic.operations import Operations

        self.out.seek(0)
        self.out.truncate()
        try:
            with self.env, Operations.context(self.context):
                getattr(module, function)()
        except Exception as e:
            return {"error": error_text(e)}
        sql = self.out.getvalue().strip()
        if self.dialect == "mysql" and self.context.dialect.is_mariadb is not True:
            sql = mysql_for_mariadb(sql)
        if self.mariadb is not None:
            theirs = self.mariadb.run(module, function).get("sql")
            if theirs is not None and theirs != sql:
                return {"error": mysql_differs(sql, theirs)}
        return {"sql": sql}


def sqlite_rebuild(outcome):
    """Batch mode's "move and copy" drops the table other tables' foreign
    keys point at, which SQLite refuses while their rows exist and
    enforcement is on, as it is in retort's session (Alembic's driver leaves
    it off). `PRAGMA foreign_keys` does nothing inside a transaction
    (sqlite.org/pragma.html#pragma_foreign_keys), so such a section runs
    outside one."""
    sql = outcome.get("sql")
    if sql is None or "_alembic_tmp_" not in sql:
        return outcome
    return {
        "sql_outside_transaction": "PRAGMA foreign_keys = OFF;\n\n%s\n\nPRAGMA foreign_keys = ON;" % sql
    }


def error_text(e):
    text = "%s: %s" % (type(e).__name__, e)
    return text.strip()


REFLECTION = re.compile(r"^\s*PRAGMA\b|\bsqlite_(master|temp_master|schema)\b", re.IGNORECASE)


class Capture:
    """The SQLite scratch database: every revision runs online, in graph
    order; for those offline mode could not write, the statements executed
    by the upgrade and the downgrade are recorded (and the upgrade run
    again)."""

    def __init__(self, config, directory):
        from sqlalchemy import create_engine, event

        self.config = config
        self.directory = directory
        self.dir = tempfile.TemporaryDirectory()
        self.engine = create_engine("sqlite:///" + os.path.join(self.dir.name, "scratch.db"))
        self.recorded = None
        self.broken = None
        self.raised = False
        event.listen(self.engine, "connect", self.fast)
        event.listen(self.engine, "begin", self.begin)
        event.listen(self.engine, "before_cursor_execute", self.record)

    def step(self, script, wanted):
        """Runs `script`'s upgrade; with `wanted`, returns what its upgrade
        and downgrade executed."""
        if self.broken is not None:
            why = {"error": "not captured: revision %s failed before it on the scratch SQLite database" % self.broken}
            return {"upgrade": why, "downgrade": why}
        if not wanted:
            if "error" in self.run(script.module, "upgrade", False):
                self.broken = script.revision
            return {}
        # A run that raised was rolled back; one that read rows was not.
        result = {"upgrade": self.run(script.module, "upgrade", True)}
        if self.raised:
            self.broken = script.revision
            return result
        result["downgrade"] = self.run(script.module, "downgrade", True)
        # A downgrade that raised was rolled back: the database is still
        # after the upgrade, and the revisions after it can be captured.
        if not self.raised and "error" in self.run(script.module, "upgrade", False):
            self.broken = script.revision
        return result

    @staticmethod
    def fast(dbapi_connection, record):
        # A scratch file: no need to wait for the disk after each revision.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA journal_mode = MEMORY")
        cursor.close()
        # Python's sqlite3 opens a transaction only before INSERT, UPDATE
        # and DELETE, so a failed function's DDL would stay; `begin` below
        # opens one itself (SQLAlchemy's pysqlite documentation,
        # "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None

    @staticmethod
    def begin(conn):
        conn.exec_driver_sql("BEGIN")

    def record(self, conn, cursor, statement, parameters, context, executemany):
        # `begin` above opens the transaction, which is not the revision's.
        if self.recorded is not None and statement != "BEGIN":
            self.recorded.append((statement, parameters))

    def run(self, module, function, keep):
        from alembic.operations import Operations
        from alembic.runtime.environment import EnvironmentContext

        self.recorded = [] if keep else None
        try:
            with self.engine.begin() as conn:
                env = EnvironmentContext(self.config, self.directory)
                env.configure(connection=conn)
                with env, Operations.context(env.get_context()):
                    getattr(module, function)()
        except Exception as e:
            self.recorded = None
            self.raised = True
            return {"error": error_text(e)}
        self.raised = False
        recorded, self.recorded = self.recorded or [], None
        statements = []
        reflected = False
        for statement, parameters in recorded:
            if REFLECTION.search(statement):
                reflected = True
                continue
            if re.match(r"\s*SELECT\b", statement, re.IGNORECASE):
                return {"error": "reads or writes rows through the connection (%s)" % statement.strip().split("\n")[0]}
            # Nothing was read before it, so its values are the revision's
            # own (batch mode's default for a new NOT NULL column, an
            # insert of constants): written as literals.
            inlined = inline(statement, parameters)
            if inlined is None:
                return {"error": "reads or writes rows through the connection (%s)" % statement.strip().split("\n")[0]}
            statements.append(inlined.strip().rstrip(";") + ";")
        if reflected and not statements:
            # It looked at the schema and found nothing to do here; on a
            # database whose tables came from elsewhere (create_all, then
            # stamp) it would act, so an empty section would be wrong.
            return {"error": "inspects the schema and did nothing on the scratch database built from the revisions before it"}
        return {"sql": "\n\n".join(statements)}


def literal(value):
    """A value as an SQLite literal, or None when it has none."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return repr(value)
    if isinstance(value, str):
        return "'%s'" % value.replace("'", "''")
    if isinstance(value, bytes):
        return "X'%s'" % value.hex()
    return None


def inline(statement, parameters):
    """`statement` with its `?` parameters (SQLite's paramstyle) written as
    literals; None when one has no literal or they do not match."""
    if not parameters:
        return statement
    if isinstance(parameters, list):
        # executemany: one statement per row.
        rows = [inline(statement, row) for row in parameters]
        return None if any(r is None for r in rows) else ";\n\n".join(r.strip().rstrip(";") for r in rows)
    if not isinstance(parameters, tuple):
        return None
    values = [literal(v) for v in parameters]
    if any(v is None for v in values):
        return None
    out, quote, index = [], None, 0
    for char in statement:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`[":
            quote = "]" if char == "[" else char
        elif char == "?":
            if index >= len(values):
                return None
            out.append(values[index])
            index += 1
            continue
        out.append(char)
    return "".join(out) if index == len(values) else None


def topological(scripts, revision_map):
    by_id = {s.revision: s for s in scripts}
    needs = {}
    for s in scripts:
        ids = set(as_list(s.down_revision))
        for dep in as_list(s.dependencies):
            ids.add(revision_map.get_revision(dep).revision)
        needs[s.revision] = ids
    done, order = set(), []
    pending = sorted(by_id)
    while pending:
        ready = [r for r in pending if needs[r] <= done]
        if not ready:
            break
        for r in ready:
            done.add(r)
            order.append(by_id[r])
        pending = [r for r in pending if r not in done]
    return order


def main():
    ini, dialects = sys.argv[1], [d for d in sys.argv[2].split(",") if d]
    try:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
    except ImportError as e:
        print(json.dumps({"missing": str(e)}))
        return

    config = Config(ini)
    try:
        directory = ScriptDirectory.from_config(config)
    except Exception as e:
        fail(ini, 1, error_text(e))
    if dialects == ["auto"]:
        # The default: the database of the configured URL.
        from sqlalchemy.engine import make_url

        url = config.get_main_option("sqlalchemy.url")
        if not url:
            fail(ini, 1, "sqlalchemy.url is empty: name the databases with --dialect")
        try:
            name = make_url(url).get_backend_name()
        except Exception as e:
            fail(ini, 1, "sqlalchemy.url cannot be read (%s): name the databases with --dialect" % type(e).__name__)
        dialects = ["mysql" if name == "mariadb" else name]
    found = scan(directory._version_locations)
    try:
        scripts = list(directory.walk_revisions())
    except Exception as e:
        fail(ini, 1, error_text(e))
    ordered = topological(scripts, directory.revision_map)
    capture = Capture(config, directory) if "sqlite" in dialects else None
    offline = {dialect: Offline(dialect, config, directory) for dialect in dialects}
    revisions = []
    for script in ordered:
        sql = {}
        for dialect in dialects:
            sql[dialect] = {
                function: offline[dialect].run(script.module, function)
                for function in ("upgrade", "downgrade")
            }
        if capture is not None:
            ours = sql["sqlite"]
            failed = [f for f in ("upgrade", "downgrade") if "error" in ours[f]]
            captured = capture.step(script, bool(failed))
            for function in failed:
                # What the scratch run wrote, or why it cannot be used (it
                # reads rows): either says more than the offline error.
                recorded = captured.get(function, {})
                why = recorded.get("error", "")
                if "sql" in recorded or "reads or writes rows" in why or "inspects the schema" in why:
                    ours[function] = recorded
            for function in ("upgrade", "downgrade"):
                ours[function] = sqlite_rebuild(ours[function])
        revisions.append(
            {
                "id": script.revision,
                "down_revisions": as_list(script.down_revision),
                "branch_labels": sorted(as_list(script._orig_branch_labels)),
                # As written: Alembic resolves a label to its id in `dependencies`.
                "depends_on": as_list(getattr(script.module, "depends_on", None)),
                "message": script.doc or "",
                "create_date": create_date(script.module),
                "path": script.path,
                "line": found.get(script.revision, {}).get("line", 1),
                "sql": sql,
            }
        )
    print(json.dumps({"dialects": dialects, "revisions": revisions, "version_table": version_table(directory, ini)}))


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception:
        print(json.dumps({"error": {"path": sys.argv[1], "line": 1, "message": traceback.format_exc()}}))
