#!/usr/bin/env bash
# After a test stack has stopped: did anything go wrong that the tests
# themselves cannot see?  Sanitizer reports (written as the processes exit)
# and crashed or alerting nginx workers.  Prints them, exits 1 if any.
#
# usage: scripts/stack-check.sh SUITE RUN_DIR
set -uo pipefail

suite=${1:?usage: $0 SUITE RUN_DIR}
run=${2:?usage: $0 SUITE RUN_DIR}
rc=0

if compgen -G "$run/sanitizer/*san*" > /dev/null; then
    for f in "$run"/sanitizer/*san*; do
        echo "=== $f" >&2
        cat "$f" >&2
    done
    echo "$suite: sanitizer reports (above)" >&2
    rc=1
fi

if [[ -f $run/error.log ]] \
   && grep -E 'exited on signal|\[(alert|emerg)\]' "$run/error.log" >&2
then
    echo "$suite: nginx error.log reports a crash or alert (above)" >&2
    rc=1
fi

exit $rc
