#!/usr/bin/env bash
# Wall time of `retort check` on a 1,000-table database that matches its
# models, on SQLite, PostgreSQL and MariaDB/MySQL.
#
#   benches/check.sh [TABLES]
#
# Builds `cargo build --release` (into $CARGO_TARGET_DIR, default ./target),
# writes the models with gen_schema.py (8 columns, an index, a unique and a
# foreign key per table; the shape tests/it/db/scale.rs checks), and on
# each database lets `retort autogenerate` write the revision from the empty
# database, applies it with `retort upgrade`, confirms `check` passes, then
# measures `check` (median of RUNS, after 3 warm-up runs; hyperfine
# when installed, else a bash loop). Targets: 300 ms on SQLite, 1 s on
# PostgreSQL and MariaDB.
#
# The servers' databases `retort_bench_check` are created and dropped here;
# the server URLs come from
#   RETORT_BENCH_POSTGRES_URL  default postgresql://postgres@127.0.0.1:5432/postgres
#   RETORT_BENCH_MYSQL_URL     default mysql://root@127.0.0.1:3306/test
# (only the server and user are used; an empty one skips that database).
# Needs the psql and mariadb (or mysql) clients.
#
# Environment:
#   RUNS=10            runs per measurement
#   SKIP_BUILD=1       use the existing release binary
#   NO_HYPERFINE=1     use the bash loop even if hyperfine is installed
#   KEEP=1             keep the project and the bench databases
#
# Exit status is 0 even when a target is missed; the table says OVER.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
target_dir=${CARGO_TARGET_DIR:-$root/target}
runs=${RUNS:-10}
tables=${1:-1000}
database=retort_bench_check
pg_server=${RETORT_BENCH_POSTGRES_URL-postgresql://postgres@127.0.0.1:5432/postgres}
my_server=${RETORT_BENCH_MYSQL_URL-mysql://root@127.0.0.1:3306/test}

if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$root" && cargo build --release --quiet --bin retort)
fi
bin=$target_dir/release/retort
[[ -x $bin ]] || { echo "check.sh: no binary at $bin" >&2; exit 1; }

use_hyperfine=
if [[ -z ${NO_HYPERFINE:-} ]] && command -v hyperfine >/dev/null; then
    use_hyperfine=1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/retort-check.XXXXXX")
source "$here/measure.sh"

# The same server URL with another database (query string kept).
with_database() { # URL DATABASE
    python3 - "$1" "$2" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit(u._replace(path="/" + sys.argv[2])))
PY
}

# mysql_client URL [ARGS...]: the mariadb client on the URL's server.
mysql_client() {
    local url=$1
    shift
    local parts
    parts=$(python3 - "$url" <<'PY'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or 3306, urllib.parse.unquote(u.username or "root"),
      urllib.parse.unquote(u.password or ""))
PY
)
    local host port user password
    read -r host port user password <<<"$parts"
    local client=mariadb
    command -v mariadb >/dev/null || client=mysql
    MYSQL_PWD=$password "$client" -h "$host" -P "$port" -u "$user" "$@"
}

create_db() { # DIALECT
    case $1 in
        postgresql)
            PGOPTIONS="-c client_min_messages=warning" psql -q "$pg_server" \
                -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" \
                -c "CREATE DATABASE $database" >/dev/null ;;
        mysql)
            mysql_client "$my_server" -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database" ;;
    esac
}

drop_db() { # DIALECT
    [[ -n ${KEEP:-} ]] && return
    case $1 in
        postgresql) psql -q "$pg_server" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null ;;
        mysql) mysql_client "$my_server" -e "DROP DATABASE IF EXISTS $database" ;;
    esac
}

cleanup() {
    [[ -n $pg_server ]] && drop_db postgresql
    [[ -n $my_server ]] && drop_db mysql
    if [[ -n ${KEEP:-} ]]; then
        echo "project and databases ($database) kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# The project: the models; each database gets its own revision below.
mkdir -p "$work/models" "$work/migrations/versions"
printf '[retort]\nscript_location = "migrations"\nurl = "sqlite:///%s/bench.db"\nmodels = ["models"]\n' \
    "$work" > "$work/retort.toml"
python3 "$here/gen_schema.py" "$work/models/schema.sql" --tables "$tables"

echo "retort:    $bin"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "timer:     $([[ -n $use_hyperfine ]] && hyperfine --version || echo "bash loop"), $runs runs, 3 warm-up runs"
echo "schema:    $tables tables, $(wc -c < "$work/models/schema.sql") bytes of models"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times)"
echo

row() { printf '%-11s %10s %10s %8s %8s %10s  %s\n' "$@"; }
row database "median ms" "min ms" "cpu ms" target "upgrade s" ""
for dialect in sqlite postgresql mysql; do
    case $dialect in
        sqlite) url="sqlite:///$work/bench.db" target=300 ;;
        postgresql) [[ -n $pg_server ]] || continue; url=$(with_database "$pg_server" $database) target=1000 ;;
        mysql) [[ -n $my_server ]] || continue; url=$(with_database "$my_server" $database) target=1000 ;;
    esac
    create_db $dialect
    # A revision written for this database: one autogenerated on another
    # carries that database's normal form (SQLite's `INTEGER PRIMARY KEY`
    # is an identity, its BIGINT identity an INTEGER).
    rm -f "$work"/migrations/versions/*.sql
    "$bin" -q -c "$work/retort.toml" --url "$url" autogenerate -m "$tables tables" >/dev/null
    t0=$(date +%s%N)
    "$bin" -q -c "$work/retort.toml" --url "$url" upgrade
    upgrade=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
    # Sanity: the database matches the models (exit 1 otherwise).
    "$bin" -q -c "$work/retort.toml" --url "$url" check >/dev/null
    measure "$bin" -q -c "$work/retort.toml" --url "$url" check
    verdict=$(awk -v m="$median" -v t="$target" 'BEGIN { print (m < t) ? "ok" : "OVER" }')
    row $dialect "$median" "$min" "$cpu" "$target" "$upgrade" "$verdict"
done
