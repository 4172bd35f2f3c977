#!/usr/bin/env bash
# How fast `retort upgrade head` applies 1,000 one-table revisions to an
# empty database, next to the database's own client running the same
# statements (retort's `--sql` script: the DDL, the version-table updates and
# the log rows, one transaction per revision) in one session.
#
#   benches/upgrade.sh [REVISIONS] [RUNS]
#
# Needs sqlite3, psql and mariadb clients and the servers of .ci/run
# (PostgreSQL 127.0.0.1:5432 user postgres, MariaDB 127.0.0.1:3306 root).
set -euo pipefail
cd "$(dirname "$0")/.."
revisions=${1:-1000}
runs=${2:-3}
pg=${BENCH_POSTGRES:-postgresql://postgres@127.0.0.1:5432}
my_host=127.0.0.1

cargo build --release --quiet
retort=${CARGO_TARGET_DIR:-target}/release/retort
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A linear chain of one-table revisions.
mkdir -p "$work/migrations/versions"
printf '[retort]\nurl = "sqlite:///bench.db"\n' > "$work/retort.toml"
python3 - "$work/migrations/versions" "$revisions" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
parent = ""
for i in range(n):
    rid = f"{i:012x}"
    with open(f"{out}/{rid}_t{i}.sql", "w") as f:
        f.write(f"-- Revision ID: {rid}\n-- Revises: {parent}\n"
                f"-- Create Date: 2026-01-01 00:00:00+00:00\n-- Message: table {i}\n\n"
                f"-- migrate:upgrade\nCREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n\n"
                f"-- migrate:downgrade\nDROP TABLE t_{i};\n")
    parent = rid
PY

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

reset() { # DIALECT
  case $1 in
    sqlite) rm -f "$work/bench.db" "$work/client.db" ;;
    postgresql) psql -q "$pg/postgres" -c 'DROP DATABASE IF EXISTS retort_bench' -c 'CREATE DATABASE retort_bench' >/dev/null 2>&1 ;;
    mysql) mariadb -h $my_host -u root -e 'DROP DATABASE IF EXISTS retort_bench; CREATE DATABASE retort_bench' ;;
  esac
}

url_of() {
  case $1 in
    sqlite) echo "sqlite:///$work/bench.db" ;;
    postgresql) echo "$pg/retort_bench" ;;
    mysql) echo "mysql://root@$my_host:3306/retort_bench" ;;
  esac
}

client() { # DIALECT < script
  case $1 in
    sqlite) sqlite3 "$work/client.db" ;;
    postgresql) psql -q -v ON_ERROR_STOP=1 "$pg/retort_bench" >/dev/null ;;
    mysql) mariadb -h $my_host -u root retort_bench ;;
  esac
}

printf '%-11s %10s %10s %8s\n' dialect "retort ms" "client ms" ratio
for dialect in sqlite postgresql mysql; do
  url=$(url_of $dialect)
  "$retort" -q -c "$work/retort.toml" --url "$url" upgrade --sql > "$work/script.sql"
  ours=(); theirs=()
  for _ in $(seq "$runs"); do
    reset $dialect
    start=$(now); "$retort" -q -c "$work/retort.toml" --url "$url" upgrade; ours+=($(( ($(now) - start) / 1000000 )))
    reset $dialect
    start=$(now); client $dialect < "$work/script.sql"; theirs+=($(( ($(now) - start) / 1000000 )))
  done
  a=$(printf '%s\n' "${ours[@]}" | median); b=$(printf '%s\n' "${theirs[@]}" | median)
  printf '%-11s %10s %10s %8s\n' $dialect "$a" "$b" "$(awk "BEGIN {printf \"%.2f\", $a / $b}")"
done
reset postgresql; psql -q "$pg/postgres" -c 'DROP DATABASE IF EXISTS retort_bench' >/dev/null
mariadb -h $my_host -u root -e 'DROP DATABASE IF EXISTS retort_bench'
