#!/usr/bin/env bash
# Wall-clock benchmarks of the retort CLI on large generated projects.
#
#   benches/cli.sh
#
# Builds `cargo build --release` (into $CARGO_TARGET_DIR, default ./target),
# generates 10,000-revision projects (linear and branchy, see gen_tree.py)
# in a temporary directory, and measures `retort heads`, `retort history`
# (stdout to /dev/null) and `retort --help`, then times `heads` at 2,500 /
# 5,000 / 10,000 / 20,000 revisions to show the cost is linear.
#
# Uses hyperfine when installed, else a bash loop taking the median of RUNS
# (which also counts bash's fork and exec, a fraction of a ms, and cannot report
# CPU time). Files are in the page cache (warm runs): this measures retort,
# not the disk. Loading uses both cores, so wall times need a quiet machine;
# the load average is printed, and "cpu ms" (user + system) is less
# sensitive to other work than wall time.
#
# Environment:
#   RUNS=30            runs per measurement
#   SKIP_BUILD=1       use the existing release binary
#   NO_HYPERFINE=1     use the bash loop even if hyperfine is installed
#   KEEP=1             keep the generated trees (path is printed)
#
# Exit status is 0 even when a target is missed; the table says OVER.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
target_dir=${CARGO_TARGET_DIR:-$root/target}
runs=${RUNS:-30}

if [[ -z ${SKIP_BUILD:-} ]]; then
    (cd "$root" && cargo build --release --quiet --bin retort)
fi
bin=$target_dir/release/retort
[[ -x $bin ]] || { echo "cli.sh: no binary at $bin" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/retort-bench.XXXXXX")
if [[ -n ${KEEP:-} ]]; then
    echo "trees kept in $work"
else
    trap 'rm -rf "$work"' EXIT
fi

use_hyperfine=
if [[ -z ${NO_HYPERFINE:-} ]] && command -v hyperfine >/dev/null; then
    use_hyperfine=1
fi

# measure CMD... -> $median, $min, $cpu (ms).
source "$here/measure.sh"

# tree SHAPE N -> path of a generated project (made once).
tree() {
    local dir=$work/$1-$2
    if [[ ! -d $dir ]]; then
        python3 "$here/gen_tree.py" "$dir" --revisions "$2" --shape "$1"
        # Sanity: the project loads and has exactly one head.
        local heads
        heads=$("$bin" -c "$dir/retort.toml" heads | grep -c .)
        [[ $heads == 1 ]] || { echo "cli.sh: $dir has $heads heads" >&2; exit 1; }
    fi
    printf '%s\n' "$dir"
}

echo "retort:    $bin"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "timer:     $([[ -n $use_hyperfine ]] && hyperfine --version || echo "bash loop"), $runs runs, warm cache"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times)"
echo

row() { printf '%-16s %-8s %10s %10s %8s %8s  %s\n' "$@"; }
row command shape "median ms" "min ms" "cpu ms" "target" ""
for shape in linear branchy; do
    dir=$(tree "$shape" 10000)
    for cmd in heads history; do
        measure "$bin" -c "$dir/retort.toml" "$cmd"
        verdict=$(awk -v m="$median" 'BEGIN { print (m < 100) ? "ok" : "OVER" }')
        row "retort $cmd" "$shape" "$median" "$min" "$cpu" "100" "$verdict"
    done
done
measure "$bin" --help
verdict=$(awk -v m="$median" 'BEGIN { print (m < 10) ? "ok" : "OVER" }')
row "retort --help" "-" "$median" "$min" "$cpu" "10" "$verdict"

echo
echo "scaling: retort heads, linear"
printf '%-10s %10s %10s %10s %14s %14s\n' revisions "median ms" "min ms" "cpu ms" "ms/1000 revs" "cpu ms/1000"
for n in 2500 5000 10000 20000; do
    dir=$(tree linear "$n")
    measure "$bin" -c "$dir/retort.toml" heads
    awk -v n="$n" -v m="$median" -v lo="$min" -v c="$cpu" 'BEGIN {
        per_cpu = (c == "-") ? "-" : sprintf("%.3f", c * 1000 / n)
        printf "%-10d %10.2f %10.2f %10s %14.3f %14s\n", n, m, lo, c, m * 1000 / n, per_cpu
    }'
done
