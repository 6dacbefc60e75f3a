#!/usr/bin/perl
# taskmgr_metrics (issue 17): the counters of a private nginx (one worker,
# the suite's conf, so its own zone) scraped before and after a GET
# /api/tasks, a 404, nginx's own 413 and a login.  The right counters move
# by the right amounts, the backend calls counted match the access log's
# $taskmgr_aws_calls, histograms are cumulative with +Inf equal to the
# count, and the text is Prometheus exposition format 0.0.4 (checked by a
# strict parser below).  A reload keeps the counts; only 127.0.0.1 may
# read them; on a second private nginx with two workers, requests on
# separate connections count whichever worker answered (the shared zone);
# with DynamoDB on a closed port a call counts as unreachable.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use HTTP::Tiny ();
use IO::Socket::INET ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrNginx qw(:all);
use ApiTest qw(:all);

plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $tmp = File::Temp->newdir('taskmgr-metrics.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";
my $dir = "$tmp/m";

my $conf = slurp("$ENV{TASKMGR_RUN_DIR}/nginx.conf");
like $conf, qr{location = /_taskmgr/metrics \{\s*allow\s+127\.0\.0\.1;\s*deny\s+all;\s*taskmgr_metrics;\s*\}},
     'the suite conf exposes the metrics to 127.0.0.1 only';

my $N = eval { nginx_start(name => 'm', tmp => "$tmp") };
ok $N, 'a private nginx with one worker' or do { diag $@; done_testing; exit };

# ---- a strict parser of the text format -----------------------------------

my $NAME = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
my $VALUE = qr/[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+|Inf)|NaN/;

# {"name{sorted labels}" => value}, types, and a list of faults
sub parse_metrics {
    my ($text) = @_;
    my (%v, %type, %help, %seen_family, @bad);
    my $last_family = '';
    push @bad, 'the text does not end with a newline' unless $text =~ /\n\z/;
    my $n = 0;
    for my $line (split /\n/, $text) {
        $n++;
        if ($line =~ /^# HELP ($NAME) (.*)$/) {
            push @bad, "line $n: a second HELP for $1" if $help{$1}++;
            next;
        }
        if ($line =~ /^# TYPE ($NAME) (counter|gauge|histogram|summary|untyped)$/) {
            push @bad, "line $n: a second TYPE for $1" if $type{$1};
            push @bad, "line $n: TYPE after samples of $1" if $seen_family{$1};
            $type{$1} = $2;
            next;
        }
        if ($line =~ /^#/) { push @bad, "line $n: a malformed comment: $line"; next }
        unless ($line =~ /^($NAME)(?:\{(.*)\})? ($VALUE)(?: -?\d+)?$/) {
            push @bad, "line $n: not a sample: $line";
            next;
        }
        my ($name, $labels, $value) = ($1, $2 // '', $3);
        my %l;
        my $rest = $labels;
        while (length $rest) {
            unless ($rest =~ s/^($NAME)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)//) {
                push @bad, "line $n: malformed labels: {$labels}";
                last;
            }
            push @bad, "line $n: label $1 twice" if exists $l{$1};
            $l{$1} = $2;
            push @bad, "line $n: a trailing comma" if $3 eq ',' && !length $rest;
        }
        (my $family = $name) =~ s/_(bucket|sum|count)$//;
        $family = $name unless ($type{$family} // '') eq 'histogram';
        push @bad, "line $n: $name has no TYPE before it" unless $type{$family};
        push @bad, "line $n: samples of $family are not together"
            if $seen_family{$family} && $last_family ne $family;
        $seen_family{$family} = 1;
        $last_family = $family;
        push @bad, "line $n: counter $name does not end in _total"
            if ($type{$family} // '') eq 'counter' && $name !~ /_total$/;
        push @bad, "line $n: a histogram bucket without le" if $name =~ /_bucket$/ && !exists $l{le};
        my $key = $name . '{' . join(',', map { "$_=$l{$_}" } sort keys %l) . '}';
        push @bad, "line $n: $key twice" if exists $v{$key};
        $v{$key} = $value;
    }
    return (\%v, \%type, \@bad);
}

# a series' value, 0 when absent (series show once they count)
sub val {
    my ($m, $name, %l) = @_;
    return $m->{ $name . '{' . join(',', map { "$_=$l{$_}" } sort keys %l) . '}' } // 0;
}

sub scrape {
    my $r = api(GET => "$N->{url}/_taskmgr/metrics");
    is $r->{status}, 200, 'the metrics answer 200' or diag $r->{raw};
    like $r->{headers}{'content-type'} // '', qr{^text/plain; version=0\.0\.4}, 'as text format 0.0.4';
    my ($m, $type, $bad) = parse_metrics($r->{raw});
    is_deeply $bad, [], 'the text parses as Prometheus exposition format' or diag $r->{raw};
    return ($m, $type);
}

# histograms: cumulative, +Inf the count, a count per route equal to the
# requests counted for it
sub histograms_ok {
    my ($m) = @_;
    my (%buckets, %routes);
    for my $k (keys %$m) {
        next unless $k =~ /^taskmgr_http_request_duration_seconds_bucket\{le=([^,]+),route=(.*)\}$/;
        push @{ $buckets{$2} }, [$1, $m->{$k}];
    }
    for my $k (keys %$m) {
        $routes{$1} += $m->{$k} if $k =~ /^taskmgr_http_requests_total\{route=(.*),status=/;
    }
    ok scalar(keys %buckets), 'histograms are there';
    for my $route (sort keys %buckets) {
        my @b = sort { ($a->[0] eq '+Inf' ? 9e9 : $a->[0]) <=> ($b->[0] eq '+Inf' ? 9e9 : $b->[0]) } @{ $buckets{$route} };
        my @counts = map { $_->[1] } @b;
        is $b[-1][0], '+Inf', "$route: a +Inf bucket";
        is scalar(@b), 11, "$route: 11 buckets";
        ok !(grep { $counts[$_] < $counts[$_ - 1] } 1 .. $#counts), "$route: the buckets are cumulative"
            or diag "@counts";
        my $count = val($m, 'taskmgr_http_request_duration_seconds_count', route => $route);
        is $counts[-1], $count, "$route: +Inf = count ($count)";
        is $count, $routes{$route} // 0, "$route: count = requests counted for the route";
        ok val($m, 'taskmgr_http_request_duration_seconds_sum', route => $route) >= 0, "$route: a sum";
    }
}

# ---- the requests between two scrapes --------------------------------------

my $reg = register_user(tag => 'metrics');
is $reg->{r}{status}, 201, 'a registered user' or diag $reg->{r}{raw};

my ($m0, $types) = scrape();
is $types->{taskmgr_http_request_duration_seconds}, 'histogram', 'latency is a histogram';
is $types->{$_}, 'counter', "$_ is a counter"
    for qw(taskmgr_http_requests_total taskmgr_aws_calls_total taskmgr_jwks_fetches_total
           taskmgr_revocation_cache_lookups_total taskmgr_token_cache_lookups_total);

my $r = api(GET => "$N->{url}/api/tasks", undef, { bearer => $reg->{access} });
is $r->{status}, 200, 'GET /api/tasks: 200' or diag $r->{raw};
is api(GET => "$N->{url}/api/no-such-route")->{status}, 404, 'an unknown route: 404';
is api(POST => "$N->{url}/api/tasks", 'x' x (70 * 1024), { bearer => $reg->{access},
       content_type => 'application/json' })->{status}, 413, "nginx's own 413";
$r = auth_api(undef, POST => "$N->{url}/api/users/login", { email => $reg->{email}, password => $reg->{password} });
is $r->{status}, 200, 'a login: 200' or diag $r->{raw};

my ($m1) = scrape();
sub moved { my ($name, %l) = @_; val($m1, $name, %l) - val($m0, $name, %l) }

my $req = 'taskmgr_http_requests_total';
is moved($req, route => '/api/tasks', status => '2xx'), 1, '/api/tasks 2xx: +1';
is moved($req, route => 'none', status => '4xx'), 2, 'no route, 4xx: +2 (the 404, the 413 sent by nginx)';
is moved($req, route => 'none', status => '2xx'), 1, 'no route, 2xx: +1 (the first scrape)';
is moved($req, route => '/api/users/login', status => '2xx'), 1, '/api/users/login 2xx: +1';
is moved('taskmgr_http_request_duration_seconds_count', route => '/api/tasks'), 1, '/api/tasks latency count: +1';
is moved('taskmgr_http_request_duration_seconds_count', route => '/api/users/login'), 1, 'login latency count: +1';

my $calls = 'taskmgr_aws_calls_total';
is moved($calls, backend => 'cognito', op => 'InitiateAuth', outcome => 'ok'), 1, 'InitiateAuth ok: +1';
cmp_ok moved($calls, backend => 'dynamodb', op => 'Query', outcome => 'ok'), '>=', 1, 'DynamoDB Query ok: +1 or more';
is moved('taskmgr_jwks_fetches_total', outcome => 'ok'), 1, 'one JWKS fetch (a new nginx holds no keys), ok';
is moved('taskmgr_jwks_fetches_total', outcome => 'error'), 0, 'no JWKS fetch failed';
is moved($calls, backend => 'cognito', op => 'GetJwks', outcome => 'ok'), 1, 'counted as a Cognito call too';
is moved('taskmgr_revocation_cache_lookups_total', result => 'miss'), 1, 'revocation cache: one miss (a new token)';
is moved('taskmgr_revocation_cache_lookups_total', result => 'hit'), 0, 'revocation cache: no hit';
cmp_ok moved('taskmgr_token_cache_lookups_total', result => 'miss'), '>=', 1, 'token cache: a miss (a new token)';

# every request this nginx answered is in its access log (the scrapes
# with no calls), so the sums agree
my $total = 0;
$total += $m1->{$_} for grep { /^\Q$calls\E\{/ } keys %$m1;
my $logged = 0;
$logged += json_decode($_)->{aws_calls} for read_lines("$dir/access.log");
is $total, $logged, "the calls counted ($total) are the access log's \$taskmgr_aws_calls summed";
cmp_ok $logged, '>', 0, 'and there were some';

histograms_ok($m1);

# the parser refuses what Prometheus would
my @bad_texts = ("x_total 1", "# TYPE x_total counter\nx_total{a=\"1\",} 1\n", "# TYPE x_total counter\nx_total{a=1} 1\n",
    "# TYPE x_total counter\nx_total 1\nx_total 2\n", "y 1\n", "# TYPE x_total counter\nx_total one\n");
for my $i (0 .. $#bad_texts) {
    my (undef, undef, $faults) = parse_metrics($bad_texts[$i]);
    ok scalar(@$faults), "the parser refuses bad text $i: @{[ (qw(no-final-newline trailing-comma unquoted-label duplicate untyped word-value))[$i] ]}";
}

# ---- a reload keeps the counts ---------------------------------------------

nginx_reload($N);
my ($m2) = scrape();
cmp_ok val($m2, $req, route => '/api/tasks', status => '2xx'), '==', val($m1, $req, route => '/api/tasks', status => '2xx'),
       'after a reload the counters go on';
is val($m2, $req, route => 'none', status => '2xx'), val($m1, $req, route => 'none', status => '2xx') + 1,
   'the scrape before it counted';

# ---- who may read them -----------------------------------------------------

sub get_from {
    my ($from) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $N->{port},
                                  LocalAddr => $from, Timeout => 5) or return "connect: $!";
    print $s "GET /_taskmgr/metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
    local $/;
    my $res = <$s> // '';
    return $res =~ m{^HTTP/1\.\d (\d+)} ? $1 : "no status: $res";
}
is get_from('127.0.0.1'), 200, 'from 127.0.0.1: 200';
is get_from('127.0.0.2'), 403, 'from 127.0.0.2: 403';

nginx_stop($N);
nginx_clean_ok($N);

# ---- every worker's requests count -----------------------------------------

# two workers, each request on a connection of its own; the worker that
# answered each is logged
my $W = eval {
    nginx_start(name => 'w', tmp => "$tmp", workers => 2, logs => ['pids.log'], edit => sub {
        my ($c, $e) = @_;
        $c =~ s{^(\s*access_log\s+\S+\s+taskmgr_json;\n)}{$1    log_format  taskmgr_pids  '\$pid';
    access_log  $tmp/w/pids.log  taskmgr_pids;
}m or push @$e, 'access_log taskmgr_json';
        return $c;
    });
};
ok $W, 'a private nginx with two workers' or do { diag $@; done_testing; exit };
for (1 .. 40) {
    my $res = HTTP::Tiny->new(keep_alive => 0, timeout => 10)->get("$W->{url}/api/no-such-route");
    $res->{status} == 404 or diag "status $res->{status}";
}
my @pids;
for (1 .. 40) {    # the last lines are written just after their answers
    @pids = read_lines("$tmp/w/pids.log");
    last if @pids >= 40;
    Time::HiRes::sleep(0.05);
}
is scalar(@pids), 40, '40 requests logged';
my %by;
$by{$_}++ for @pids;
note 'requests per worker: ' . join(', ', map { "$_: $by{$_}" } sort keys %by);
my $r2 = HTTP::Tiny->new(keep_alive => 0)->get("$W->{url}/_taskmgr/metrics");
my ($mw, undef, $badw) = parse_metrics($r2->{content} // '');
is_deeply $badw, [], 'the text parses';
is val($mw, $req, route => 'none', status => '4xx'), 40,
   'all 40 counted, whichever worker answered (' . scalar(keys %by) . ' did)';
is val($mw, 'taskmgr_http_request_duration_seconds_bucket', route => 'none', le => '+Inf'), 40, 'the histogram too';
nginx_stop($W);
nginx_clean_ok($W);

# ---- a backend that does not answer ----------------------------------------

my ($dead) = free_ports(1);
my $D = eval {
    nginx_start(name => 'd', tmp => "$tmp", edit => sub {
        my ($c, $e) = @_;
        $c =~ s{(upstream taskmgr_dynamodb \{\s*server\s+)127\.0\.0\.1:\d+;}{${1}127.0.0.1:$dead;}
            or push @$e, 'upstream taskmgr_dynamodb';
        return $c;
    });
};
ok $D, 'a private nginx whose DynamoDB is a closed port' or do { diag $@; done_testing; exit };
$r = api(GET => "$D->{url}/api/tasks", undef, { bearer => $reg->{access} });
is $r->{status}, 503, 'GET /api/tasks: 503' or diag $r->{raw};
my $rd = api(GET => "$D->{url}/_taskmgr/metrics");
my ($md, undef, $badd) = parse_metrics($rd->{raw});
is_deeply $badd, [], 'the text parses';
is val($md, $calls, backend => 'dynamodb', op => 'BatchGetItem', outcome => 'unreachable'), 1,
   'the revocation check\'s BatchGetItem: unreachable';
is val($md, $calls, backend => 'dynamodb', op => 'BatchGetItem', outcome => 'ok'), 0, 'BatchGetItem ok: 0';
is val($md, $req, route => '/api/tasks', status => '5xx'), 1, '/api/tasks 5xx: 1';
my ($dl) = grep { $_->{uri} eq '/api/tasks' } map { json_decode($_) } read_lines("$tmp/d/access.log");
is $dl->{error}, 'unavailable', 'its access log line: error unavailable';
is $dl->{aws_calls}, 2, 'two calls (the keys, the BatchGetItem)';
nginx_stop($D);
nginx_clean_ok($D);
done_testing;
