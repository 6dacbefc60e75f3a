# Sourced by the benchmarks: starts a private local stack on free ports in a
# temporary DATA_DIR, stopped and removed when the benchmark exits.  The
# caller exports its own STACK_* / TASKMGR_* settings first; afterwards
# $DATA_DIR/run/stack.env describes the stack (its ports among the rest).

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-bench.XXXXXX")
chmod 755 "$tmp"
# every service on a free port (a `make run` stack may be up)
export DATA_DIR=$tmp/data STACK_FREE_PORTS=1
# one user at full speed: the per-user limit would measure itself
export TASKMGR_USER_RATE=${TASKMGR_USER_RATE:-1000000r/s}
trap 'scripts/stack.sh stop > /dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
scripts/stack.sh start > /dev/null
