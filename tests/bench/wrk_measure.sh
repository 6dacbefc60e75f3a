# Sourced by the benchmarks: one wrk run measured (the caller sets the
# array wrk and duration), and the median of figures.

# "<requests/s> <p99 ms>" of one wrk run
measure() {
    local out rps p99
    out=$("${wrk[@]}" -t2 -c32 -d"$duration" --latency "$@")
    if grep -q 'Non-2xx' <<< "$out"; then
        echo "bench: non-2xx answers from $*" >&2
        grep 'Non-2xx' <<< "$out" >&2
        exit 1
    fi
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<< "$out")
    p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
                             else if (v ~ /ms$/) sub(/ms/, "", v);
                             else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
                             print v }' <<< "$out")
    echo "$rps $p99"
}

# the median of its arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
