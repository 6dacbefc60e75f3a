#!/usr/bin/perl
# Push with Redis stopped (issue 14): API writes still succeed and answer
# as fast (the publish is logged as failed and counted), /api/health says
# "events": "unavailable" (status still ok: push is not the API), and once
# Redis is back, without restarting nginx, /api/health says ok again and
# a new stream gets events.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/../lib", "$FindBin::Bin/../api/lib";
use POSIX ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrFaults qw(backend_pid wait_port);
use TaskmgrEvents qw(:all);
use ApiTest qw(register_user);

my $port = stack_env('TASKMGR_REDIS_PORT');
my $run = stack_env('TASKMGR_RUN_DIR');
my $data = stack_env('TASKMGR_DATA_DIR');

sub health_until {
    my ($want, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    my $h;
    while (Time::HiRes::time() < $deadline) {
        $h = api(GET => '/api/health');
        return $h if ($h->{json}{events} // '') eq $want;
        Time::HiRes::sleep(0.5);
    }
    return $h;
}

sub write_ms {
    my ($u, $title) = @_;
    my $t0 = Time::HiRes::time();
    my $r = api(POST => '/api/tasks', { title => $title }, { bearer => $u->{access} });
    return ($r, (Time::HiRes::time() - $t0) * 1000);
}

sub metric {
    my ($outcome) = @_;
    my $m = api(GET => '/_taskmgr/metrics', undef, { headers => { Accept => 'text/plain' } });
    return $m->{raw} =~ /^taskmgr_events_published_total\{outcome="$outcome"\} (\d+)/m ? $1 : 0;
}

my $u = register_user(tag => 'faults-events');
is $u->{r}{status}, 201, 'a user' or BAIL_OUT($u->{r}{raw});

is health_until('ok', 5)->{json}{events}, 'ok', 'Redis up: "events": "ok"';
my @up = map { (write_ms($u, "up $_"))[1] } 1 .. 5;

my $pid = backend_pid('redis') or BAIL_OUT('no redis in the stack');
kill 'TERM', $pid;
for (1 .. 100) { last unless kill 0, $pid; Time::HiRes::sleep(0.05) }
ok !kill(0, $pid), 'Redis stopped';

my $errors = metric('error');
my @down;
for my $i (1 .. 5) {
    my ($r, $ms) = write_ms($u, "down $i");
    is $r->{status}, 201, "a write while Redis is down: 201 ($i)";
    push @down, $ms;
}
my $med = sub { my @s = sort { $a <=> $b } @_; $s[$#s / 2] };
note sprintf 'create, median ms: Redis up %.1f, down %.1f', $med->(@up), $med->(@down);
ok $med->(@down) < $med->(@up) + 100, 'no slower in any way that matters (median within 100 ms)';
Time::HiRes::sleep(0.3);
cmp_ok metric('error'), '>=', $errors + 5, 'the failed publishes are counted';
like slurp_log(), qr/task event not published: nchan answered 503/, 'and logged';

my $h = health_until('unavailable', 10);
is $h->{json}{events}, 'unavailable', '/api/health: "events": "unavailable"';
is $h->{json}{status}, 'ok', 'status still ok (push is not the API)';
is $h->{status}, 200, 'answered with 200';

my $s = sse_open(token => $u->{access});
isnt $s->{status}, 200, "no stream while Redis is down ($s->{status})";
sse_close($s);

# Redis again, as the stack starts it, recorded so that the stack stops it
my $new = fork // die "fork: $!";
if (!$new) {
    POSIX::setsid();
    open STDIN, '<', '/dev/null';
    open STDOUT, '>>', "$data/log/redis.log";
    open STDERR, '>&', \*STDOUT;
    { exec 'redis-server', '--port', $port, '--bind', '127.0.0.1', '--dir', "$data/redis",
          '--save', '', '--appendonly', 'no', '--daemonize', 'no' }
    POSIX::_exit(127);
}
Time::HiRes::sleep(0.1);
my $st = (split ' ', (do { local (@ARGV, $/) = "/proc/$new/stat"; <> } =~ s/^.*\) //sr))[19];
open my $fh, '>>', "$run/pids" or die;
print $fh "redis $new $st\n";
close $fh;
ok wait_port($port, 10), 'Redis started again';
my $t_back = Time::HiRes::time();

$h = health_until('ok', 30);
is $h->{json}{events}, 'ok', 'nginx, not restarted, reports "events": "ok" again';
note sprintf 'events ok again %.1f s after Redis came back (nchan reconnects)', Time::HiRes::time() - $t_back;

$s = sse_open(token => $u->{access});
is $s->{status}, 200, 'streams open again';
# a new stream starts at "now" once nchan has subscribed it in Redis, a
# moment after its 200 (the API tests wait 0.2 s too): an event in that
# moment is not this stream's; a second write tells a lost one from that
my $e;
for my $try (1 .. 2) {
    Time::HiRes::sleep(0.3);
    my ($r) = write_ms($u, "back $try");
    ($e) = sse_wait($s, 2, sub { $_[0]{event} eq 'task' && ($_[0]{json}{id} // '') eq ($r->{json}{task}{id} // '-') });
    last if $e;
    note "write $try: no event within 2 s";
}
ok $e, 'and get events';
sse_close($s);

sub slurp_log { local (@ARGV, $/) = (stack_env('TASKMGR_NGINX_ERROR_LOG')); return scalar <> // '' }

done_testing;
