#!/usr/bin/env bash
# Two builds of retort side by side (A/B): the same commands run alternately
# on both binaries, so machine load hits both alike. Prints the median wall
# time and the median CPU time (user + system, from /usr/bin/time, 10 ms
# resolution) of each.
#
#   benches/ab.sh OLD_BINARY NEW_BINARY
#
# Builds to compare, e.g. the commit before a change and after it:
#   git worktree add /tmp/old <commit> && (cd /tmp/old && CARGO_TARGET_DIR=/tmp/old-target cargo build --release)
#
# Needs python3, /usr/bin/time, and for the live rows the servers of .ci/run
# (psql and mariadb clients). RUNS (default 7) runs per binary and command.
set -uo pipefail
old=$1
new=$2
runs=${RUNS:-7}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -f /tmp/retort-ab-time.$$' EXIT
cd "$work"

python3 "$here/gen_tree.py" tree --revisions 10000 --shape branchy >/dev/null
python3 "$here/gen_tree.py" up --revisions 1000 --shape linear >/dev/null
python3 "$here/gen_tree.py" live --revisions 300 --shape linear >/dev/null
mkdir -p chk/models chk/migrations/versions
python3 "$here/gen_schema.py" --tables 1000 chk/models/schema.sql
printf '[retort]\nurl = "sqlite:///chk.db"\nmodels = ["models"]\n' >chk/retort.toml
"$new" -c chk/retort.toml autogenerate --from-empty -m base >/dev/null 2>&1
"$new" -c chk/retort.toml upgrade >/dev/null 2>&1

one() { # BINARY SETUP ARGS...: "wall_ms cpu_ms"
  local bin=$1 setup=$2
  shift 2
  eval "$setup" >/dev/null 2>&1
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -o /tmp/retort-ab-time.$$ -f '%U %S' "$bin" "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(tail -1 /tmp/retort-ab-time.$$ | awk '{printf "%d", ($1 + $2) * 1000}')"
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
bench() { # NAME SETUP ARGS...
  local name=$1 setup=$2
  shift 2
  : >a
  : >b
  for _ in $(seq "$runs"); do
    one "$old" "$setup" "$@" >>a
    one "$new" "$setup" "$@" >>b
  done
  printf '%-34s %8s %8s %8s %8s\n' "$name" \
    "$(cut -d' ' -f1 a | median)" "$(cut -d' ' -f2 a | median)" \
    "$(cut -d' ' -f1 b | median)" "$(cut -d' ' -f2 b | median)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, medians in ms"
printf '%-34s %8s %8s %8s %8s\n' command "A wall" "A cpu" "B wall" "B cpu"
bench "heads, 10k branchy" ":" -c tree/retort.toml heads
bench "history, 10k branchy" ":" -c tree/retort.toml history
bench "upgrade --sql, 1k, sqlite" ":" -c up/retort.toml upgrade --sql
bench "upgrade --sql, 1k, postgresql" ":" -c up/retort.toml --url postgresql://x@h/d upgrade --sql
bench "upgrade --sql, 1k, mysql" ":" -c up/retort.toml --url mysql://x@h/d upgrade --sql
bench "check, 1k-table model, SQLite" ":" -c chk/retort.toml check
bench "dump, 1k tables, SQLite" ":" -c chk/retort.toml dump
bench "upgrade 300, SQLite" "rm -f live/bench.db" -c live/retort.toml upgrade
bench "upgrade 300, PostgreSQL" \
  "psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS retort_ab' -c 'CREATE DATABASE retort_ab'" \
  -c live/retort.toml --url postgresql://postgres@127.0.0.1:5432/retort_ab upgrade
bench "upgrade 300, MariaDB" \
  "mariadb -h 127.0.0.1 -u root -e 'DROP DATABASE IF EXISTS retort_ab; CREATE DATABASE retort_ab'" \
  -c live/retort.toml --url mysql://root@127.0.0.1:3306/retort_ab upgrade
psql -h 127.0.0.1 -U postgres -d postgres -qc 'DROP DATABASE IF EXISTS retort_ab' >/dev/null 2>&1
mariadb -h 127.0.0.1 -u root -e 'DROP DATABASE IF EXISTS retort_ab' >/dev/null 2>&1
