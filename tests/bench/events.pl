#!/usr/bin/perl
# tests/bench/events.sh's measurement, on the suite stack it starts: a
# private nginx (tests/lib/TaskmgrNginx.pm) derived from the stack's conf,
# one worker with room for the connections, on the stack's Redis.
use strict;
use warnings;
use File::Temp ();
use HTTP::Tiny ();
use IO::Select ();
use IO::Socket::INET ();
use Socket ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use TaskmgrEvents qw(:all);
use ApiTest qw(register_user);

my $N = $ENV{SUBSCRIBERS} // 2000;
my $EVENTS = $ENV{EVENTS} // 1000;
my $USERS = $ENV{USERS} // 20;
my $RATE = $ENV{RATE} // 200;          # events/s

my $tmp = File::Temp->newdir('taskmgr-bench-events.XXXXXX', TMPDIR => 1);
chmod 0755, "$tmp";
my $n = nginx_start(name => 'bench', tmp => "$tmp", workers => 1, edit => sub {
    my ($c, $e) = @_;
    $c =~ s/worker_connections\s+\d+;/worker_connections  16384;/ or push @$e, 'worker_connections';
    $c =~ s/^(worker_processes.*)$/$1\nworker_rlimit_nofile  20000;/m;
    # one user's thousands of connections are the point here
    $c =~ s/^\s*limit_req\s+zone=taskmgr_user\b.*$//mg;
    return $c;
});
my ($worker) = children_of($n->{pid});
die "no worker\n" unless $worker;

sub rss_kb { my $s = slurp("/proc/$worker/status"); return $s =~ /^VmRSS:\s+(\d+)/m ? $1 : 0 }

my @users = map {
    my $u = register_user(tag => "bench-events-$_");
    die "register: $u->{r}{status}\n" unless $u->{r}{status} == 201;
    my $me = api(GET => '/api/users/me', undef, { bearer => $u->{access} });
    { token => $u->{access}, sub => $me->{json}{user}{id} // $me->{json}{id} };
} 1 .. $USERS;
die "no user id\n" unless $users[0]{sub};

# warm the worker (token cache, nchan, Redis connection)
sse_close(sse_open(url => $n->{url}, token => $users[0]{token}));
Time::HiRes::sleep(0.5);
my $before = rss_kb();

my ($port) = $n->{url} =~ /:(\d+)$/;
my @socks;
my $t0 = Time::HiRes::time();
for my $i (0 .. $N - 1) {
    my $u = $users[$i % $USERS];
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp')
        or die "connect $i: $!\n";
    syswrite $s, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:$port\r\n"
        . "Authorization: Bearer $u->{token}\r\nAccept: text/event-stream\r\n\r\n";
    push @socks, $s;
    # read the heads as they come, a batch at a time
    if (@socks % 200 == 0 || $i == $N - 1) {
        for my $x (@socks[-(@socks % 200 || 200) .. -1]) {
            my $sel = IO::Select->new($x);
            $sel->can_read(10) or die "subscriber without an answer\n";
            sysread $x, my $head, 4096;
            $head =~ m{^HTTP/1\.1 200} or die "subscriber refused: " . substr($head, 0, 80) . "\n";
        }
    }
}
my $connect_s = Time::HiRes::time() - $t0;
Time::HiRes::sleep(1);
my $after = rss_kb();

# the measuring subscriber: the first user's channel (its other
# subscribers get every event too, as they would)
my $m = sse_open(url => $n->{url}, token => $users[0]{token});
die "measuring subscriber: $m->{status}\n" unless $m->{status} == 200;

my $pub = "http://127.0.0.1:$port/_taskmgr/events/publish/$users[0]{sub}";
my $http = HTTP::Tiny->new(keep_alive => 1, timeout => 5);
my (%sent, @lat);
my $gap = 1 / $RATE;
for my $k (1 .. $EVENTS) {
    my $t = Time::HiRes::time();
    $sent{$k} = $t;
    my $r = $http->request(POST => $pub, { headers => { 'X-EventSource-Event' => 'bench',
                                                        'Content-Type' => 'application/json' },
                                           content => qq({"event":"bench","k":$k}) });
    die "publish: $r->{status}\n" unless $r->{status} =~ /^20/;
    # read what has come meanwhile
    # read (and time) what arrives until the next publish is due
    my $next = $t + $gap;
    while ((my $left = $next - Time::HiRes::time()) > 0) {
        last if $m->{eof};
        TaskmgrEvents::_fill($m, $left);
        TaskmgrEvents::_sse_parse($m);
    }
}
sse_wait($m, 5, sub { $_[0]{event} eq 'bench' }, $EVENTS);
for my $e (grep { $_->{event} eq 'bench' } @{ $m->{events} }) {
    push @lat, ($e->{t} - $sent{ $e->{json}{k} }) * 1000 if $e->{json} && $sent{ $e->{json}{k} };
}
@lat = sort { $a <=> $b } @lat;
my $pct = sub { @lat ? $lat[int($_[0] * $#lat)] : -1 };

printf "subscribers          %d idle (EventSource, %d users), connected in %.1f s\n", $N, $USERS, $connect_s;
printf "worker RSS           %d kB before, %d kB after: %.1f kB per subscriber\n",
    $before, $after, ($after - $before) / $N;
printf "events               %d published at %d/s (loopback publisher), %d received\n", $EVENTS, $RATE, scalar @lat;
printf "publish -> receive   p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", $pct->(0.5), $pct->(0.99), $pct->(1);

close $_ for @socks;
sse_close($m);
nginx_stop($n);
