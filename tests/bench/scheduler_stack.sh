# shellcheck shell=bash
# Sourced by the scheduler benchmarks (scheduler_pass.sh,
# scheduler_replicas.sh): a private stack of the stand-ins only (no nginx,
# no scheduler daemon), its TASKMGR_* environment exported, and $bin the
# scheduler built by make.  The caller has cd'd to the repository ($repo).

export STACK_NO_NGINX=1 STACK_NO_SCHEDULER=1
# shellcheck source=tests/bench/bench_stack.sh
. tests/bench/bench_stack.sh
set -a
# shellcheck disable=SC1091
. "$DATA_DIR/run/stack.env"
set +a
bin=${repo:?}/build/taskmgr-scheduler
[[ -x $bin ]] || { echo "bench: $bin not built (make)" >&2; exit 1; }
