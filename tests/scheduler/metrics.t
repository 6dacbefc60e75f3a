#!/usr/bin/perl
# The scheduler's metrics file (metrics_file, README "Scheduler"): after a
# --once run with reminders due it is Prometheus text, strictly (every
# line a # HELP / # TYPE comment or `name{labels} value`, every series
# typed, buckets cumulative, +Inf = _count), and its figures are the run's:
# reminders found and sent per channel (in-app, email, SMS), the lag
# histogram's count = the reminders sent, its sum their lateness (set 5 s
# before --now: from 5 s to 5 s + the run's own time), the pass's log line
# with lag_count / lag_p99_ms / lag_max_ms.  Then a daemon writing the same
# file: passes go on, and two more reminders move each channel's sent and
# lag count by exactly 2.  A file that cannot be written is a warning, not
# a failed pass.  A stack of its own (stand-ins only): its counts are this
# file's alone.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $stack = private_stack();
my $dir = stack_env('TASKMGR_RUN_DIR');
my $file = "$dir/scheduler-metrics.prom";

# Parses the file strictly: {series => {"name{labels}" => value}, types =>
# {family => type}}; a line of any other shape fails the test
sub scrape {
    my ($path) = @_;
    open my $fh, '<', $path or do { fail "$path: $!"; return };
    my (%series, %types, @bad);
    while (my $l = <$fh>) {
        chomp $l;
        if ($l =~ /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S.*$/) {
            next;
        }
        if ($l =~ /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/) {
            push @bad, "$.: $1 typed twice" if $types{$1};
            $types{$1} = $2;
            next;
        }
        my ($name, $labels, $v) = $l =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;
        if (!defined $name) {
            push @bad, "$.: $l";
            next;
        }
        my $family = $name;
        $family =~ s/_(?:bucket|sum|count)$// unless $types{$name};
        push @bad, "$.: $name has no # TYPE before it" unless $types{$family} || $types{$name};
        my $key = $name . ($labels // '');
        push @bad, "$.: $key twice" if exists $series{$key};
        $series{$key} = $v;
    }
    close $fh;
    ok !@bad, 'every line a comment or name{labels} value, each series once and typed'
        or diag join "\n", @bad;
    # histograms: cumulative buckets, +Inf equal to _count
    for my $h (grep { $types{$_} eq 'histogram' } keys %types) {
        my %by;
        for my $k (grep { /^\Q$h\E_bucket\{/ } keys %series) {
            my ($rest) = $k =~ /^\Q$h\E_bucket\{(.*)\}$/;
            my ($le) = $rest =~ /(?:^|,)le="([^"]+)"/;
            (my $other = $rest) =~ s/,?le="[^"]+"//;
            $by{$other}{$le} = $series{$k};
        }
        for my $l (sort keys %by) {
            my @les = sort { ($a eq '+Inf' ? 9e99 : $a) <=> ($b eq '+Inf' ? 9e99 : $b) } keys %{ $by{$l} };
            my @n = map { $by{$l}{$_} } @les;
            my $mono = !grep { $n[$_] < $n[$_ - 1] } 1 .. $#n;
            ok $mono && $les[-1] eq '+Inf'
               && $n[-1] == ($series{"${h}_count" . ($l eq '' ? '' : "{$l}")} // -1),
               "$h {$l}: cumulative buckets, +Inf = _count";
        }
    }
    return { series => \%series, types => \%types };
}

sub val {
    my ($m, $key) = @_;
    my $v = $m->{series}{$key};
    return $v // die "no series $key in the metrics file\n";
}

sub lag { my ($m, $ch, $what) = @_; val($m, "taskmgr_scheduler_delivery_lag_seconds_$what\{channel=\"$ch\"}") }

my $T = iso_epoch('2034-05-10T09:00:00Z');
my $conf = conf_with(metrics_file => $file, overdue_window => '1h');

# an owner wanting email and SMS, one wanting neither (in-app only)
my $both = put_user(prefs => { email => 1, sms => 1 }, phone => unique_phone());
my $none = put_user(prefs => { email => 0, sms => 0 });

subtest '--once: the run\'s figures, strictly Prometheus text' => sub {
    put_task(sub => $both, title => "metrics $_", reminders => [{ at => iso($T - 5) }]) for 1 .. 2;
    put_task(sub => $none, title => 'metrics in-app', reminders => [{ at => iso($T - 5) }]);

    my $t0 = Time::HiRes::time();
    my $r = run_once(conf => $conf, now => iso($T));
    my $took = Time::HiRes::time() - $t0;
    is $r->{rc}, 0, 'exit 0' or diag $r->{err};
    ok -f $file, 'the metrics file is written' or return;
    my $m = scrape($file);

    is $m->{types}{taskmgr_scheduler_delivery_lag_seconds}, 'histogram', 'the lag: a histogram';
    is $m->{types}{taskmgr_scheduler_reminders_sent_total}, 'counter', 'reminders sent: a counter';
    cmp_ok val($m, 'taskmgr_scheduler_passes_total{pass="due",outcome="ok"}'), '>=', 1, 'a reminder pass';
    cmp_ok val($m, 'taskmgr_scheduler_passes_total{pass="outbox",outcome="ok"}'), '>=', 1, 'a drain';
    is val($m, "taskmgr_scheduler_passes_total{pass=\"$_\",outcome=\"failed\"}"), 0, "no $_ pass failed"
        for qw(due outbox);
    my %want = (inapp => 3, email => 2, sms => 2);
    for my $ch (sort keys %want) {
        is val($m, "taskmgr_scheduler_reminders_found_total{channel=\"$ch\"}"), $want{$ch}, "$ch: $want{$ch} found";
        is val($m, "taskmgr_scheduler_reminders_sent_total{channel=\"$ch\"}"), $want{$ch}, "$ch: $want{$ch} sent";
        is val($m, "taskmgr_scheduler_reminders_failed_total{channel=\"$ch\"}"), 0, "$ch: none failed";
        is lag($m, $ch, 'count'), $want{$ch}, "$ch: lag observed once per reminder sent";
        my $sum = lag($m, $ch, 'sum');
        ok $sum >= 5 * $want{$ch} - 0.01 && $sum <= ($want{$ch} * (5 + $took + 1)),
            "$ch: lag sum $sum: 5 s each, at most the run's ${\ sprintf '%.1f', $took} s more";
        is val($m, "taskmgr_scheduler_delivery_lag_seconds_bucket{channel=\"$ch\",le=\"2.5\"}"), 0,
            "$ch: none under 2.5 s";
        is val($m, "taskmgr_scheduler_delivery_lag_seconds_bucket{channel=\"$ch\",le=\"+Inf\"}"), $want{$ch},
            "$ch: all in +Inf";
    }
    is val($m, 'taskmgr_scheduler_deliveries_total{channel="email",type="task_due",outcome="sent"}'), 2,
        'deliveries: 2 emails of type task_due';
    is val($m, 'taskmgr_scheduler_digests_total'), 0, 'no digest';
    cmp_ok val($m, 'taskmgr_scheduler_aws_calls_total{backend="dynamodb",op="PutItem",outcome="ok"}'), '>=', 3,
        'DynamoDB: the notifications written';
    cmp_ok val($m, 'taskmgr_scheduler_aws_calls_total{backend="dynamodb",op="Query",outcome="ok"}'), '>=', 16,
        'DynamoDB: a Query a reminder and an outbox shard, at least';
    is val($m, 'taskmgr_scheduler_shards_held'), 8, 'without leases: every shard';
    my @tmp = glob("$file.*.tmp");
    is scalar(@tmp), 0, 'no temporary file left (written, then renamed)';

    my ($due) = grep { $_->{event} eq 'due_pass' && ($_->{reminded} // 0) == 3 } @{ $r->{lines} };
    ok $due, 'the due_pass line' or return;
    is $due->{lag_count}, 3, 'due_pass: lag_count';
    cmp_ok $due->{lag_p99_ms}, '>=', 5000, 'due_pass: lag_p99_ms';
    cmp_ok $due->{lag_max_ms}, '>=', $due->{lag_p99_ms}, 'due_pass: lag_max_ms';
    cmp_ok $due->{lag_max_ms}, '<=', 1000 * (5 + $took + 1), 'due_pass: lag_max_ms within the run';
    my ($drain) = grep { $_->{event} eq 'drain' && $_->{lag_count} } @{ $r->{lines} };
    is $drain && $drain->{lag_count}, 4, 'drain: lag_count (2 emails, 2 SMS)';
    my @quiet = grep { $_->{event} eq 'due_pass' && !$_->{reminded} } @{ $r->{lines} };
    ok !grep({ exists $_->{lag_count} } @quiet), 'a pass that sent nothing has no lag fields';
};

subtest 'a daemon: the numbers move' => sub {
    my $T2 = $T + 3600;
    my $dconf = conf_with(metrics_file => $file, overdue_window => '1h', scan_interval => '1s',
                          drain_interval => '1s');
    unlink $file;
    my $d = start_daemon(conf => $dconf, now => iso($T2));
    my $m0;
    ok wait_until(20, sub {
        return 0 unless -f $file;
        my $s = _quiet_scrape($file) or return 0;
        return ($s->{'taskmgr_scheduler_passes_total{pass="outbox",outcome="ok"}'} // 0) >= 1;
    }), 'the daemon writes the file after its passes' or do { stop_daemon($d); return };
    $m0 = scrape($file);
    for my $ch (qw(inapp email sms)) {
        is lag($m0, $ch, 'count'), 0, "$ch: nothing sent yet (a new process counts from 0)";
    }

    put_task(sub => $both, title => "metrics later $_", reminders => [{ at => iso($T2 + 2) }]) for 1 .. 2;
    my $ok = wait_until(30, sub {
        my $s = _quiet_scrape($file) or return 0;
        return !grep { ($s->{"taskmgr_scheduler_reminders_sent_total{channel=\"$_\"}"} // 0) < 2 } qw(inapp email sms);
    }, 0.2);
    ok $ok, 'two more reminders sent on every channel' or diag explain [daemon_lines($d)];
    # one more pass, then the figures are read still
    my $p = val($m0, 'taskmgr_scheduler_passes_total{pass="due",outcome="ok"}');
    Time::HiRes::sleep(1.5);
    my $m1 = scrape($file);
    is stop_daemon($d), 0, 'SIGTERM: exit 0';
    cmp_ok val($m1, 'taskmgr_scheduler_passes_total{pass="due",outcome="ok"}'), '>', $p, 'passes go on';
    for my $ch (qw(inapp email sms)) {
        is val($m1, "taskmgr_scheduler_reminders_sent_total{channel=\"$ch\"}"), 2, "$ch: sent moved by 2";
        is lag($m1, $ch, 'count') - lag($m0, $ch, 'count'), 2, "$ch: lag count moved by 2";
        my $sum = lag($m1, $ch, 'sum') - lag($m0, $ch, 'sum');
        ok $sum >= 0 && $sum < 2 * 10, "$ch: lag sum moved by $sum s: a few 1 s scan intervals at most";
    }
    my @due = grep { $_->{event} eq 'due_pass' && $_->{lag_count} } daemon_lines($d);
    is eval { $due[0]{lag_count} + ($due[1] ? $due[1]{lag_count} : 0) }, 2, 'due_pass lines: lag_count 2 in all';
};

subtest 'a metrics file that cannot be written: a warning, the pass done' => sub {
    my $bad = conf_with(metrics_file => "$dir/no-such-dir/m.prom", overdue_window => '1h');
    my $r = run_once(conf => $bad, now => iso($T + 7200));
    is $r->{rc}, 0, 'exit 0' or diag $r->{err};
    ok scalar(grep { $_->{event} eq 'metrics_write_failed' && $_->{level} eq 'warn' } @{ $r->{lines} }),
        'metrics_write_failed (warn)';
};

# the series of a file being written by the daemon, without test output
sub _quiet_scrape {
    my ($path) = @_;
    open my $fh, '<', $path or return;
    my %s;
    while (<$fh>) {
        $s{"$1"} = $2 if /^([^# ][^ ]*) (\S+)$/;
    }
    close $fh;
    return \%s;
}

done_testing;
