# Sourced by the benchmarks: starts a private local stack on free ports in a
# temporary DATA_DIR, stopped and removed when the benchmark exits.  The
# caller exports its own STACK_* / TASKMGR_* settings first; afterwards
# $DATA_DIR/run/stack.env describes the stack.

read -r ddb_port cognito_port port smtp_port mail_port <<< "$(perl -MIO::Socket::INET -e '
    my @s = map { IO::Socket::INET->new(LocalAddr => "127.0.0.1",
        LocalPort => 0, Listen => 1, ReuseAddr => 1) or die } 1 .. 5;
    print join(" ", map { $_->sockport } @s), "\n";')"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taskmgr-bench.XXXXXX")
chmod 755 "$tmp"
export DATA_DIR=$tmp/data DDB_PORT=$ddb_port COGNITO_PORT=$cognito_port \
       PORT=$port MAIL_SMTP_PORT=$smtp_port MAIL_WEB_PORT=$mail_port
trap 'scripts/stack.sh stop > /dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
scripts/stack.sh start > /dev/null
