# Shared by the benchmark scripts: `source "$here/measure.sh"` after setting
# $work (a scratch directory), $runs and $use_hyperfine (non-empty to use
# hyperfine; see cli.sh).
#
# measure CMD... -> sets $median, $min and $cpu (ms; cpu is the mean of
# user + system, "-" without hyperfine); stdout of CMD is discarded.
measure() {
    local result
    result=$(measure_ "$@") || exit 1
    read -r median min cpu <<<"$result"
}
measure_() {
    if [[ -n $use_hyperfine ]]; then
        local json=$work/hyperfine.json cmd
        printf -v cmd '%q ' "$@"
        # Its outlier warnings would break the table; errors are shown.
        if ! hyperfine --shell=none --warmup 3 --runs "$runs" --style none \
            --export-json "$json" "$cmd" >/dev/null 2>"$work/hyperfine.err"; then
            cat "$work/hyperfine.err" >&2
            return 1
        fi
        python3 - "$json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"{r['median'] * 1000:.2f} {r['min'] * 1000:.2f} {(r['user'] + r['system']) * 1000:.2f}")
EOF
    else
        local i t0 t1 times=()
        for ((i = 0; i < 3; i++)); do "$@" >/dev/null; done
        for ((i = 0; i < runs; i++)); do
            # $EPOCHREALTIME (bash 5) reads the clock without forking `date`,
            # whose start-up would otherwise be counted in every run.
            if [[ -n ${EPOCHREALTIME:-} ]]; then
                t0=${EPOCHREALTIME/[.,]/}
                "$@" >/dev/null
                t1=${EPOCHREALTIME/[.,]/}
                times+=($((t1 - t0)))              # microseconds
            else
                t0=$(date +%s%N)
                "$@" >/dev/null
                t1=$(date +%s%N)
                times+=($(((t1 - t0) / 1000)))
            fi
        done
        printf '%s\n' "${times[@]}" | sort -n | awk '
            { t[NR] = $1 }
            END {
                m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                printf "%.2f %.2f -\n", m / 1000, t[1] / 1000
            }'
    fi
}
