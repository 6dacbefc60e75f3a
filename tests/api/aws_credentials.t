#!/usr/bin/perl
# Temporary AWS credentials from an ECS-style container credentials
# endpoint (taskmgr_aws_credentials_endpoint / _token), against the suite's
# dynalite and cognito-local.
#
# The suite's nginx signs with static credentials, so this file runs two
# private nginx instances of its own (free ports, confs derived from
# $TASKMGR_RUN_DIR/nginx.conf): "A" with the right endpoint token, "B" with
# a wrong one.  Each has one worker, so that "the credentials the worker
# holds" is one thing the test knows.
#
# The credentials endpoint is a small Perl HTTP server forked by this file
# (bounded lifetime): every call hands out a new key id ASIA-TEST-0001,
# -0002, ... with a new secret and session token, expiring TTL seconds
# ahead (303 by default: the module refreshes 300 s before expiry, so
# after ~3 s).  It answers 401 unless Authorization is the configured
# token, and records every call.
#
# What each DynamoDB call was signed with is recorded by a relay between
# nginx and dynalite (the conf's taskmgr_dynamodb upstream points at it):
# the headers as received, the SHA-256 of the body, dynalite's status.  A
# $http_authorization in the subrequest location's access log would not
# do: nginx shares variables between a request and its subrequests, so
# every subrequest would log the value cached by the first one.  The
# relay also lets the test check the SigV4 signature with the served
# secret, as AWS would (dynalite only checks that there is one).  nginx's
# own log of the credentials subrequests ($msec $pid $status) shows what
# the worker fetched.
#
# Shown:
#   - calls are signed with the fetched key, carry its session token, and
#     their signature verifies with its secret; dynalite accepts them; the
#     endpoint is not asked for every request;
#   - past the refresh point new requests are signed with a new key;
#   - the endpoint down while the key in hand is valid: requests succeed;
#   - no valid key (expired while the endpoint is down, or served already
#     expired): 503 {"error": {"code": "unavailable"}} with Retry-After,
#     quickly, never 500 or a hang; the endpoint back: requests succeed;
#   - the token is sent: a wrong one gets 401 from the endpoint, 503 from
#     the API;
#   - no crash/alert in the private nginx's error.log, no secret or token
#     in it; with SANITIZE=1 nginx ran with the ASan/UBSan runtimes (as
#     scripts/stack.sh starts it) and left no reports.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use File::Temp ();
use HTTP::Tiny ();
use IO::Socket::INET ();
use POSIX ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);
use TaskmgrCreds qw(:all);
use TaskmgrNginx qw(:all);

my $suite_run = $ENV{TASKMGR_RUN_DIR};
plan skip_all => 'needs the suite stack with nginx (TASKMGR_RUN_DIR, TASKMGR_NGINX=1)'
    unless suite_nginx_ok();

my $T0 = Time::HiRes::time();
sub phase { note sprintf '[%5.1f s] %s', Time::HiRes::time() - $T0, $_[0] }

my $SAN = ($ENV{SANITIZE} // '') eq '1';
my $DDB_HOST = '127.0.0.1:' . stack_env('TASKMGR_DDB_PORT');    # the signed Host

# TASKMGR_KEEP_TMP=1 keeps the private dirs (confs, logs, records) for a look
my $tmp = File::Temp->newdir('taskmgr-awscreds.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});
chmod 0755, "$tmp";     # nginx workers run as nobody when the master is root

my $TOKEN = 'tok-' . rand_hex(16);
my $WRONG = 'wrong-' . rand_hex(16);


# ---------------------------------------------------------------------------
# the credentials endpoint and the DynamoDB relays (tests/lib/TaskmgrCreds.pm)

my $creds_port = creds_setup(dir => "$tmp", token => $TOKEN, key_prefix => 'ASIA-TEST', role => 'taskmgr-test',
                             lifetime => 60, recorder_lifetime => 90);


# ---------------------------------------------------------------------------
# the private nginx instances

# the changes to the derived conf (TaskmgrNginx.pm): credentials from the
# endpoint, DynamoDB through the relay, the credentials subrequests logged
sub creds_edit {
    my ($token, $relay_port, $dir) = @_;
    return sub {
        my ($c, $e) = @_;
        $c =~ s{^(\s*)taskmgr_aws_credentials\s+local\s+local;}
               {${1}taskmgr_aws_credentials_endpoint  /_taskmgr/credentials;\n${1}taskmgr_aws_credentials_token     '$token';}m
            or push @$e, 'taskmgr_aws_credentials local local';
        $c =~ s/^(\s*upstream taskmgr_dynamodb \{\s*\n\s*server\s+)127\.0\.0\.1:\d+;/${1}127.0.0.1:$relay_port;/m
            or push @$e, 'upstream taskmgr_dynamodb';
        # /api/health makes DynamoDB calls here on every request
        $c =~ s/^(\s*)(taskmgr_cookie_secure\s)/${1}taskmgr_health_cache        0s;\n$1$2/m
            or push @$e, 'taskmgr_cookie_secure';
        $c =~ s{^(http\s*\{\n)}{$1
    log_format  taskmgr_creds_calls  '\$msec \$pid \$status';
}m or push @$e, 'http {';
        $c =~ s{^(\s*)(location \^~ /_taskmgr/cognito/ \{\n)}{$1location = /_taskmgr/credentials {
            internal;
            proxy_pass             http://127.0.0.1:$creds_port/v2/credentials/abc;
            proxy_connect_timeout  2s;
            proxy_send_timeout     5s;
            proxy_read_timeout     5s;
            log_subrequest         on;
            access_log             $dir/credentials.log taskmgr_creds_calls;
        }

$1$2}m or push @$e, 'location ^~ /_taskmgr/cognito/';
        return $c;
    };
}

my %nginx;     # name -> {dir, port, pid, url, relay_port, calls}

sub start_nginx {
    my ($name, $token) = @_;
    my $calls = "$tmp/$name-dynamodb-calls.jsonl";
    my $relay_port = start_recorder($calls, $DDB_HOST);
    my $n = nginx_start(name => $name, tmp => "$tmp", logs => ['credentials.log'],
                        edit => creds_edit($token, $relay_port, "$tmp/$name"));
    @$n{qw(relay_port calls)} = ($relay_port, $calls);
    return $nginx{$name} = $n;
}

sub stop_nginx {
    my ($name) = @_;
    my $n = $nginx{$name} or return;
    nginx_stop($n);
    stop_recorder($n->{relay_port}) if $n->{relay_port};
    delete $n->{relay_port};
}

END {
    my $rc = $?;
    stop_nginx($_) for keys %nginx;
    stop_creds_server();
    $? = $rc;
}

# DynamoDB calls an instance made, from record FROM on
sub ddb_calls {
    my ($name, $from) = @_;
    my @r = records($nginx{$name}{calls});
    return @r[($from // 0) .. $#r];
}

sub ddb_mark { scalar(my @r = records($nginx{$_[0]}{calls})) }

# credentials subrequests of an instance (nginx's log) from line FROM on
sub cred_fetches {
    my ($name, $from) = @_;
    my @l = read_lines("$nginx{$name}{dir}/credentials.log");
    return map { /^(\S+) (\d+) (\d+)$/ ? { t => $1, pid => $2, status => $3 } : { bad => $_ } }
           @l[($from // 0) .. $#l];
}

sub fetch_mark { scalar(my @l = read_lines("$nginx{$_[0]}{dir}/credentials.log")) }

# Every call signed with a key the endpoint served (not expired), with that
# key's session token, accepted by dynalite (one test); and its signature
# verifies with that key's secret over the request as received (another
# test).  not => {key => 1}: keys that must not be used; only => {...}:
# the keys allowed.  Returns the keys used.
sub signed_ok {
    my ($calls, $name, %o) = @_;
    my $served = served();
    my (@e, @sig, %keys);
    push @e, 'no DynamoDB call recorded' unless @$calls;
    for my $c (@$calls) {
        my $target = header($c->{headers}, 'X-Amz-Target') // '?';
        my $auth = header($c->{headers}, 'Authorization') // '';
        my $token = header($c->{headers}, 'X-Amz-Security-Token');
        my $k = $auth =~ m{Credential=([^/,\s]+)/} ? $1 : undef;
        if (!defined $k) { push @e, "$target: no Credential=<key>/... in Authorization '$auth'"; next }
        $keys{$k} = 1;
        my $s = $served->{$k};
        if (!$s) { push @e, "$target: signed with $k, which the endpoint never served"; next }
        push @e, "$target: X-Amz-Security-Token is not the token served with $k ("
            . (defined $token ? "'" . substr($token, 0, 16) . "...'" : 'none') . ')'
            if ($token // '') ne $s->{token};
        push @e, sprintf '%s: sent %.1f s after %s expired', $target, $c->{t} - $s->{expires}, $k
            if $c->{t} >= $s->{expires} + 1;
        push @e, "$target: dynalite answered $c->{status}" if $c->{status} != 200;
        push @e, "$target: still signed with the old key $k" if $o{not} && $o{not}{$k};
        push @e, "$target: signed with $k, expected " . join(' or ', sort keys %{ $o{only} })
            if $o{only} && !$o{only}{$k};
        if (my $why = sigv4_problem($c, $s->{secret}, 'dynamodb')) {
            my $host = header($c->{headers}, 'Host') // 'none';
            $why .= " (Host received: $host; over Host: $DDB_HOST, the one signed, it verifies)"
                if $host ne $DDB_HOST && !sigv4_problem($c, $s->{secret}, 'dynamodb', $DDB_HOST);
            push @sig, "$target with $k: $why";
        }
    }
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok !@e, $name or diag join "\n", map { "  $_" } @e;
    ok !@sig, "$name: the SigV4 signatures verify with the served secret"
        or diag join "\n", map { "  $_" } @sig;
    return \%keys;
}

# one API request with a wall-clock measure; {timeout => s} as a last
# argument: with a client that gives up after that long (a hang is a 599)
my %short_http;
sub timed {
    my $to = ref $_[-1] eq 'HASH' && exists $_[-1]{timeout} ? pop->{timeout} : undef;
    my $t0 = Time::HiRes::time();
    my $r;
    if ($to) {
        my ($method, $path, $body, $opts) = @_;
        my $http = $short_http{$to} //= HTTP::Tiny->new(agent => 'taskmgr-api-tests', timeout => $to, max_redirect => 0);
        my %hd = (Accept => 'application/json');
        $hd{Authorization} = "Bearer $opts->{bearer}" if $opts && $opts->{bearer};
        my $res = $http->request($method, $path =~ m{^https?://} ? $path : base_url() . $path, { headers => \%hd });
        $r = { status => $res->{status}, headers => $res->{headers} || {}, raw => $res->{content} // '' };
        $r->{json} = eval { json_decode($r->{raw}) } if ($r->{headers}{'content-type'} // '') =~ m{^application/json};
    } else {
        $r = api(@_);
    }
    $r->{elapsed} = Time::HiRes::time() - $t0;
    return $r;
}

# health does not fail: it reports DynamoDB unreachable (503, Health schema)
sub health_down_ok {
    my ($r, $name) = @_;
    my @e;
    push @e, "status $r->{status}, expected 503" if $r->{status} != 503;
    push @e, 'dynamodb is ' . ($r->{json}{dynamodb} // 'missing') . ', expected unavailable'
        unless ref $r->{json} eq 'HASH' && ($r->{json}{dynamodb} // '') eq 'unavailable';
    push @e, sprintf('took %.1f s', $r->{elapsed}) if ($r->{elapsed} // 0) > 3;
    push @e, spec_errors(GET => '/api/health', $r);
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok !@e, $name or diag join "\n", map { "  $_" } @e;
}

sub unavailable_ok {
    my ($r, $name, $method, $path) = @_;
    my @e;
    my $err = ref $r->{json} eq 'HASH' && ref $r->{json}{error} eq 'HASH' ? $r->{json}{error} : undef;
    push @e, "status $r->{status}, expected 503" if $r->{status} != 503;
    push @e, 'error.code is ' . ($err ? $err->{code} // 'missing' : 'absent (body: ' . substr($r->{raw}, 0, 200) . ')')
             . ', expected unavailable'
        unless $err && ($err->{code} // '') eq 'unavailable';
    push @e, 'no Retry-After in seconds (got ' . ($r->{headers}{'retry-after'} // 'none') . ')'
        unless ($r->{headers}{'retry-after'} // '') =~ /^[1-9]\d*$/;
    push @e, sprintf('took %.1f s', $r->{elapsed}) if ($r->{elapsed} // 0) > 3;
    push @e, spec_errors($method, $path, $r) if $method;
    note sprintf '%s: %s in %.2f s', $name, $r->{status}, $r->{elapsed} // 0;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok !@e, $name or diag join "\n", map { "  $_" } @e;
}


# ---------------------------------------------------------------------------
# start

set_ttl(303);
start_creds_server();
my ($A, $B) = eval { (start_nginx(a => $TOKEN), start_nginx(b => $WRONG)) };
ok $A && $B, 'two private nginx instances started with taskmgr_aws_credentials_endpoint' or do {
    diag $@;
    done_testing;
    exit;
};
note "nginx A $A->{url} (right token), B $B->{url} (wrong token), credentials endpoint 127.0.0.1:$creds_port, in $tmp";
$ENV{TASKMGR_URL} = $A->{url};      # api() and the helpers talk to A
like base_url(), qr/:$A->{port}$/, 'talking to the private nginx A';

if ($SAN) {
    my @pids = map { ($_->{pid}, children_of($_->{pid})) } $A, $B;
    my @plain = grep { my $m = slurp("/proc/$_/maps"); $m !~ /libasan/ || $m !~ /libubsan/ } @pids;
    ok @pids >= 4 && !@plain, 'SANITIZE=1: the nginx masters and workers run with the ASan and UBSan runtimes'
        or diag "processes @pids; without the runtimes: @plain";
}

# ---- fresh credentials: fetched, signed with, accepted by dynalite
phase('fresh credentials: fetched, signed with, accepted');
my $d0 = ddb_mark('a');
my $r = timed(GET => '/api/health');
spec_ok(GET => '/api/health', $r);
is $r->{status}, 200, 'GET /api/health through the credentials endpoint: 200' or diag $r->{raw};
is_deeply $r->{json}, { status => 'ok', dynamodb => 'ok', cognito => 'ok', events => 'ok' }, 'DynamoDB accepted the signed DescribeTable'
    or diag explain $r->{json};
{
    my @calls = creds_calls();
    ok @calls >= 1, 'the endpoint was called' or diag 'no call recorded';
    my @bad = grep { ($_->{auth} // '') ne $TOKEN || $_->{status} != 200
                     || ($_->{method} // '') ne 'GET' || ($_->{path} // '') ne '/v2/credentials/abc' } @calls;
    is_deeply \@bad, [], 'as GET /v2/credentials/abc with Authorization: the configured token';
    like $calls[0]{expiration} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'it served an RFC 3339 UTC Expiration';
}
signed_ok([ddb_calls('a', $d0)], 'DescribeTable was signed with the fetched key id and carried its session token');

my $reg = register_user(tag => 'aws-creds');
is $reg->{r}{status}, 201, 'register through A' or diag "$reg->{r}{status} $reg->{r}{raw}";
my $c = $reg->{client};
$r = $c->api(GET => '/api/users/me');
spec_ok(GET => '/api/users/me', $r);
is $r->{status}, 200, 'GET /api/users/me (cookie session)' or diag $r->{raw};
is +($r->{json}{user} || {})->{email}, $reg->{email}, 'the user just registered';
$r = api(GET => '/api/users/me', undef, { bearer => $reg->{access} });
is $r->{status}, 200, 'GET /api/users/me (bearer)' or diag $r->{raw};
my @phase1 = ddb_calls('a', $d0);
ok +(grep { (header($_->{headers}, 'X-Amz-Target') // '') =~ /\.(?:PutItem|GetItem|TransactWriteItems|UpdateItem)$/ } @phase1),
    'register and /me read and wrote items';
signed_ok(\@phase1, 'every DynamoDB call so far: a fetched key id with its session token, accepted');

# ---- while they are fresh, the endpoint is not asked per request
phase('while they are fresh, the endpoint is not asked per request');
{
    my $f0 = fetch_mark('a');
    my $n0 = () = creds_calls();
    my @st = map { api(GET => '/api/health')->{status} } 1 .. 20;
    is_deeply [grep { $_ != 200 } @st], [], '20 quick requests: all 200';
    my @f = cred_fetches('a', $f0);
    my %per_pid;
    $per_pid{ $_->{pid} // '?' }++ for @f;
    my $n1 = () = creds_calls();
    ok @f <= 2 && !grep({ $_ > 2 } values %per_pid),
        'and at most 2 credential fetches for them (one worker; one refresh at most)'
        or diag scalar(@f) . ' fetches: ' . join ', ', map { "pid $_: $per_pid{$_}" } sort keys %per_pid;
    is $n1 - $n0, scalar @f, 'the endpoint saw exactly those fetches';
}

# ---- past the refresh point: a new key id is fetched and used
phase('past the refresh point: a new key id is fetched and used');
{
    my %old = map { (header($_->{headers}, 'Authorization') // '') =~ m{Credential=([^/,\s]+)/} ? ($1 => 1) : () }
              ddb_calls('a', 0);
    my $n0 = () = creds_calls();
    my ($d, $f) = (ddb_mark('a'), fetch_mark('a'));
    Time::HiRes::sleep(4);      # Expiration was ~303 s ahead: 300 s early is 3 s
    my @st = map { api(GET => '/api/health')->{status} } 1 .. 3;
    push @st, api(GET => '/api/users/me', undef, { bearer => $reg->{access} })->{status};
    is_deeply \@st, [200, 200, 200, 200], 'after the refresh point: requests succeed';
    my $n1 = () = creds_calls();
    ok $n1 > $n0, 'the endpoint was called again' or diag "calls: $n0 -> $n1";
    my @f = cred_fetches('a', $f);
    ok @f >= 1 && @f <= 2, 'by the worker, once (or twice)' or diag scalar(@f) . ' fetches';
    my $new = signed_ok([ddb_calls('a', $d)], 'the new requests are signed with a NEW key id and its token',
                        not => \%old);
    note 'keys before: ' . join(',', sort keys %old) . '; after: ' . join(',', sort keys %$new);
}

# ---- the endpoint down while the key in hand is valid
phase('the endpoint down while the key in hand is valid');
{
    my @calls = creds_calls();
    my %in_hand = map { $_->{key} => 1 } grep { $_->{key} } $calls[-1];
    stop_creds_server();
    Time::HiRes::sleep(4);      # past its refresh point, ~296 s before it expires
    my ($d, $f) = (ddb_mark('a'), fetch_mark('a'));
    my @rs = (timed(GET => '/api/health'), timed(GET => '/api/users/me', undef, { bearer => $reg->{access} }));
    is_deeply [map { $_->{status} } @rs], [200, 200],
        'endpoint down, credentials in hand still valid: requests succeed'
        or diag join "\n", map { "$_->{status} $_->{raw}" } @rs;
    my @f = cred_fetches('a', $f);
    ok @f >= 1 && !grep({ $_->{status} == 200 } @f), 'the worker tried to refresh, and could not'
        or diag join ', ', map { $_->{status} // $_->{bad} } @f;
    signed_ok([ddb_calls('a', $d)], 'those requests were signed with the key in hand', only => \%in_hand);
    like slurp("$A->{dir}/error.log"), qr/taskmgr GetCredentials: no usable credentials/,
        'the failed refresh is logged';
}

# ---- none valid: the key in hand expires while the endpoint is down
phase('none valid: the key in hand expires while the endpoint is down');
{
    set_ttl(3);
    start_creds_server();
    my $n0 = () = creds_calls();
    my $d = ddb_mark('a');
    $r = api(GET => '/api/health');
    is $r->{status}, 200, 'the endpoint back, serving a key that expires in 3 s: 200' or diag $r->{raw};
    my @calls = creds_calls();
    my @short = grep { $_->{key} } @calls[$n0 .. $#calls];
    ok @short >= 1, 'a short-lived key was fetched';
    signed_ok([ddb_calls('a', $d)], 'and used', only => { map { $_->{key} => 1 } @short });
    stop_creds_server();
    my ($last_exp) = sort { $b <=> $a } map { $_->{expires} } @short;
    my $wait = 1 + ($last_exp // 0) - Time::HiRes::time();
    Time::HiRes::sleep($wait) if $wait > 0;
    ($d, my $f) = (ddb_mark('a'), fetch_mark('a'));
    my $h = timed(GET => '/api/health');
    health_down_ok($h, 'endpoint down, key expired: GET /api/health is 503 with dynamodb unavailable, at once');
    spec_ok(GET => '/api/health', $h, 'and that 503 follows the contract of GET /api/health (the Health schema)');
    $r = timed(GET => '/api/users/me', undef, { bearer => $reg->{access} });
    unavailable_ok($r, 'GET /api/users/me is 503 unavailable with Retry-After, at once, as documented',
                   GET => '/api/users/me');
    $r = timed(POST => '/api/tasks', { title => 'no credentials' }, { bearer => $reg->{access} });
    unavailable_ok($r, 'POST /api/tasks is 503 unavailable with Retry-After, as documented', POST => '/api/tasks');
    is scalar(my @x = ddb_calls('a', $d)), 0, 'no DynamoDB call went out with an expired key';
    my @f = cred_fetches('a', $f);
    ok @f >= 1 && @f <= 3, 'one refresh attempt per request' or diag scalar(@f) . ' fetches for 3 requests';
}

# ---- none valid: the endpoint serves credentials already expired
phase('none valid: the endpoint serves credentials already expired');
{
    set_ttl(-60);
    start_creds_server();
    my $d = ddb_mark('a');
    my $n0 = () = creds_calls();
    $r = timed(GET => '/api/users/me', undef, { bearer => $reg->{access} }, { timeout => 4 });
    unavailable_ok($r, 'the endpoint serves expired credentials: GET /api/users/me is 503 unavailable with Retry-After',
                   GET => '/api/users/me');
    my $n1 = () = creds_calls();
    ok $n1 - $n0 <= 1, 'after one fetch for that request' or diag(($n1 - $n0) . ' fetches');
    is scalar(my @x = ddb_calls('a', $d)), 0, 'no DynamoDB call went out with an expired key';
}

# ---- the endpoint good again: requests succeed again
phase('the endpoint good again: requests succeed again');
{
    # marks first: a request still waiting for credentials may go on now
    my $n0 = () = creds_calls();
    my $d = ddb_mark('a');
    set_ttl(303);
    my @rs = (timed(GET => '/api/health'), timed(GET => '/api/users/me', undef, { bearer => $reg->{access} }),
              $c->api(POST => '/api/tasks', { title => 'credentials are back' }));
    is_deeply [map { $_->{status} } @rs], [200, 200, 201], 'the endpoint back: health 200, /me 200, POST /api/tasks 201'
        or diag join "\n", map { "$_->{status} $_->{raw}" } @rs;
    my @calls = creds_calls();
    signed_ok([ddb_calls('a', $d)], 'signed with the key fetched now',
              only => { map { $_->{key} => 1 } grep { $_->{key} } @calls[$n0 .. $#calls] });
}

# ---- the token is sent: B's is wrong
phase("the token is sent: B's is wrong");
{
    my $n0 = () = creds_calls();
    my $h = timed(GET => "$B->{url}/api/health");
    health_down_ok($h, 'a wrong taskmgr_aws_credentials_token: GET /api/health is 503 with dynamodb unavailable');
    $r = timed(GET => "$B->{url}/api/users/me", undef, { bearer => $reg->{access} });
    unavailable_ok($r, 'and GET /api/users/me 503 unavailable', GET => '/api/users/me');
    my @calls = creds_calls();
    my @b = @calls[$n0 .. $#calls];
    ok @b >= 2, 'B asked the endpoint' or diag scalar(@b) . ' calls';
    is_deeply [map { [$_->{auth}, $_->{status}] } @b], [map { [$WRONG, 401] } @b],
        'with its (wrong) token as Authorization, and got 401';
    is scalar(my @x = ddb_calls('b', 0)), 0, 'B made no DynamoDB call';
}

# ---- every DynamoDB call reached dynalite with the Host it was signed for
{
    my @wrong = grep { (header($_->{headers}, 'Host') // '') ne $DDB_HOST } ddb_calls('a', 0);
    my %seen;
    $seen{ (header($_->{headers}, 'Host') // 'none') . ' (' . (header($_->{headers}, 'X-Amz-Target') // '?') . ')' }++
        for @wrong;
    is scalar(@wrong), 0, "every DynamoDB call reached the endpoint with Host: $DDB_HOST, the host signed"
        or diag scalar(@wrong) . ' calls with another Host: ' . join ', ', map { "$_ x$seen{$_}" } sort keys %seen;
}

# ---- the private nginx instances: no crash, no secret in the logs
phase('the private nginx instances: no crash, no secret in the logs');
stop_nginx('a');
stop_nginx('b');
stop_creds_server();
for my $n ($A, $B) {
    nginx_clean_ok($n);
    my $log = slurp("$n->{dir}/error.log");
    my @leak = grep { index($log, $_->{secret}) >= 0 || index($log, $_->{token}) >= 0 } grep { $_->{key} } creds_calls();
    is scalar(@leak), 0, "nginx $n->{url}: no served secret key or session token in error.log";
}

done_testing;
