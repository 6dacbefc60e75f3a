#!/usr/bin/perl
# Temporary AWS credentials for the scheduler from an ECS-style container
# credentials endpoint (credentials_endpoint / credentials_token in the
# conf, or AWS_CONTAINER_CREDENTIALS_FULL_URI with
# AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), against the suite's dynalite.
#
# The endpoint is a small Perl HTTP server forked by this file (bounded
# lifetime): every call hands out a new key id ASIA-SCHED-0001, -0002, ...
# with a new secret and session token, expiring TTL seconds ahead (303 by
# default: refreshed 300 s before expiry, so after ~3 s).  It answers 401
# unless Authorization is the configured token, and records every call.
#
# A recording relay between the scheduler and dynalite, and a recording
# SNS stand-in (email_channel = sns), show what each call was signed
# with: the headers as received and the SHA-256 of the body, so that the
# SigV4 signature is checked with the served secret, as AWS would
# (dynalite only checks that there is one).
#
# Shown:
#   - a pass fetches once, signs every DynamoDB and SNS call with the
#     served key id (Credential=<key>/...), sends its session token
#     (X-Amz-Security-Token), the signatures verify; the token is sent to
#     the endpoint; no secret or token in the logs;
#   - a daemon keeps them across passes (the endpoint is not asked per
#     call) and, past the refresh point, signs with a NEW key id;
#   - the endpoint down with valid credentials in hand: still works;
#   - none valid (expired in hand with the endpoint down, served already
#     expired, a wrong token, no endpoint): the pass logs one
#     credentials_error line, marks nothing, --once exits 1, the daemon
#     does not exit, and works again when the endpoint is back;
#   - the same from the ECS environment variables; bad credential confs
#     refused; a pass under valgrind.
use strict;
use warnings;
use Test::More;
use File::Temp ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);
use TaskmgrCreds qw(:all);

my $JSON = JSON::PP->new->utf8->canonical;
my $DDB_HOST = '127.0.0.1:' . stack_env('TASKMGR_DDB_PORT');
my $TABLE = stack_env('TASKMGR_TABLE');
my $PREFIX = 'arn:aws:sns:us-east-1:123456789012:';

my $tmp = File::Temp->newdir('taskmgr-schedcreds.XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{TASKMGR_KEEP_TMP});

my $TOKEN = 'tok-' . rand_hex(16);

sub wait_for {
    my ($secs, $cond) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (Time::HiRes::time() < $deadline) {
        return 1 if $cond->();
        Time::HiRes::sleep(0.2);
    }
    return $cond->();
}

sub events { my ($lines, $e) = @_; grep { $_->{event} eq $e } @$lines }

# the credentials endpoint, the recorders (tests/lib/TaskmgrCreds.pm)
my $creds_port = creds_setup(dir => "$tmp", token => $TOKEN, key_prefix => 'ASIA-SCHED',
                             role => 'taskmgr-scheduler-test', lifetime => 240, recorder_lifetime => 300);
my $creds_url = "http://127.0.0.1:$creds_port/v2/credentials/sched";


my $ddb_file = "$tmp/dynamodb-calls.jsonl";
my $sns_file = "$tmp/sns-calls.jsonl";
my $relay_port = start_recorder($ddb_file, $DDB_HOST);
my $sns_port = start_recorder($sns_file, undef);

sub ddb_calls { my @r = records($ddb_file); return @r[($_[0] // 0) .. $#r] }
sub ddb_mark { scalar(my @r = records($ddb_file)) }
sub sns_calls { my @r = records($sns_file); return @r[($_[0] // 0) .. $#r] }
sub sns_mark { scalar(my @r = records($sns_file)) }
sub creds_mark { scalar(my @r = creds_calls()) }

# every call signed with a key the endpoint served (and before it
# expired), carrying that key's session token, its signature verifying
# with that key's secret; DynamoDB answered 200 (or a failed condition).
# only => {key => 1}: the keys allowed; not => {...}: keys not allowed.
# Returns the keys used.
sub signed_ok {
    my ($calls, $service, $name, %o) = @_;
    my $served = served();
    my (@e, %keys);
    push @e, 'no call recorded' unless @$calls;
    for my $c (@$calls) {
        my $what = header($c->{headers}, 'X-Amz-Target') // $service;
        my $k = key_of($c);
        if (!defined $k) { push @e, "$what: no Credential=<key>/ in Authorization"; next }
        $keys{$k} = 1;
        my $s = $served->{$k};
        if (!$s) { push @e, "$what: signed with $k, which the endpoint never served"; next }
        push @e, "$what: X-Amz-Security-Token is not the token served with $k"
            if (header($c->{headers}, 'X-Amz-Security-Token') // '') ne $s->{token};
        push @e, sprintf '%s: sent %.1f s after %s expired', $what, $c->{t} - $s->{expires}, $k
            if $c->{t} >= $s->{expires};
        if (my $why = sigv4_problem($c, $s->{secret}, $service)) { push @e, "$what with $k: $why" }
        push @e, "$what: answered $c->{status} " . ($c->{type} // '')
            unless $c->{status} == 200 || ($c->{type} // '') eq 'ConditionalCheckFailedException';
        push @e, "$what: signed with the old key $k" if $o{not} && $o{not}{$k};
        push @e, "$what: signed with $k, expected " . join(' or ', sort keys %{ $o{only} })
            if $o{only} && !$o{only}{$k};
    }
    my %seen;
    @e = grep { !$seen{$_}++ } @e;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok !@e, $name or diag join "\n", map { "  $_" } @e[0 .. ($#e < 9 ? $#e : 9)];
    return \%keys;
}

sub publishes_of {
    my ($nid, @calls) = @_;
    return grep { $_->{body} =~ /StringValue=\Q$nid\E(?:&|$)/ } @calls;
}

# the conf of these tests: DynamoDB through the relay, SNS to the
# stand-in, credentials from the endpoint
sub creds_conf {
    my (%over) = @_;
    return conf_with(
        access_key => undef, secret_key => undef, session_token => undef,
        dynamodb_endpoint => "http://127.0.0.1:$relay_port",
        credentials_endpoint => $creds_url, credentials_token => $TOKEN,
        email_channel => 'sns', sms_channel => 'none',
        sns_endpoint => "http://127.0.0.1:$sns_port", sns_topic_arn_prefix => $PREFIX,
        overdue_window => '1h', scan_interval => '2s', drain_interval => '1s', http_timeout => '3s',
        %over);
}

sub no_secrets_ok {
    my ($text, $name) = @_;
    my @leak = grep { index($text, $_->{secret}) >= 0 || index($text, $_->{token}) >= 0 || index($text, $TOKEN) >= 0 }
               grep { $_->{key} } creds_calls();
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is scalar(@leak), 0, $name;
}

# a user who wants email, and a task due in an hour
sub new_due_task {
    my ($tag) = @_;
    my $sub = put_user(email => "creds-$tag-" . new_uuid() . '@example.com', prefs => { email => 1 });
    my $id = put_task(sub => $sub, title => "credentials $tag", due => iso(time + 3600));
    return ($sub, $id);
}

sub reminded_and_sent {
    my ($sub, $id) = @_;
    my ($n) = notifs($sub, task => $id, type => 'task_due');
    return $n && ($n->{DeliveryEmail}{S} // '') eq 'sent' ? $n : undef;
}

sub untouched_ok {
    my ($sub, $id, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    ok exists task_item($sub, $id)->{ReminderKey} && notif_count($sub) == 0,
        "$name: nothing marked, no notification";
}

set_ttl(303);
start_creds_server();


subtest '--once: fetched once, every DynamoDB and SNS call signed with it and its token' => sub {
    my ($sub, $id) = new_due_task('once');
    my ($c0, $d0, $s0) = (creds_mark(), ddb_mark(), sns_mark());
    my $r = run_once(conf => creds_conf());
    is $r->{rc}, 0, 'exit 0' or diag $r->{err};
    my ($start) = events($r->{lines}, 'start');
    is $start->{credentials}, $creds_url, 'start: credentials from the endpoint';
    my @calls = (creds_calls())[$c0 .. creds_mark() - 1];
    is scalar(@calls), 1, 'the endpoint was called once for the whole pass';
    is_deeply [map { [$_->{method}, $_->{path}, $_->{auth}, $_->{status}] } @calls],
        [['GET', '/v2/credentials/sched', $TOKEN, 200]], 'GET with Authorization: the configured token';
    my $key = $calls[0]{key};
    my ($ev) = events($r->{lines}, 'credentials');
    is $ev->{access_key_id}, $key, 'logged: credentials with the key id';
    is $ev->{expiration}, iso($calls[0]{expires}) =~ s/Z$/.000Z/r, 'and their Expiration';
    my @ddb = ddb_calls($d0);
    ok @ddb >= 5, scalar(@ddb) . ' DynamoDB calls';
    signed_ok(\@ddb, 'dynamodb', "every DynamoDB call: Credential=$key/..., its token, the signature verifies",
              only => { $key => 1 });
    my $n = reminded_and_sent($sub, $id);
    ok $n, 'the task reminded, the email sent over SNS';
    my @p = publishes_of(substr($n->{EntitySort}{S} // '', 6), sns_calls($s0));
    is scalar(@p), 1, 'one Publish for it';
    signed_ok(\@p, 'sns', 'the SNS Publish: the same key id, its token, the signature verifies', only => { $key => 1 });
    ok !events($r->{lines}, 'credentials_error'), 'no credentials_error';
    no_secrets_ok($r->{err}, 'no secret key, session token or endpoint token in the log');
};


subtest 'daemon: kept across passes, a NEW key id past the refresh point, the endpoint down with valid ones in hand' => sub {
    my ($d0, $c0) = (ddb_mark(), creds_mark());
    my $d = start_daemon(conf => creds_conf());
    ok wait_for(15, sub { events([daemon_lines($d)], 'credentials') }), 'first credentials fetched';
    my ($first) = events([daemon_lines($d)], 'credentials');
    my $k1 = $first->{access_key_id};
    my ($s1) = grep { ($_->{key} // '') eq $k1 } creds_calls();
    ok wait_for(10, sub { events([daemon_lines($d)], 'credentials') >= 2 }), 'fetched again';
    my @l = daemon_lines($d);
    my @ev = events(\@l, 'credentials');
    my $k2 = $ev[1]{access_key_id};
    isnt $k2, $k1, "a NEW key id: $k1, then $k2";
    my ($s2) = grep { ($_->{key} // '') eq $k2 } creds_calls();
    my $gap = $s2->{t} - $s1->{t};
    ok $gap >= 1.5 && $gap <= 5, sprintf('refreshed %.1f s later: 300 s before an Expiration ~303 s ahead', $gap);
    my @before = grep { $_->{t} < $s2->{t} } ddb_calls($d0);
    my $passes = grep { $_->{event} =~ /^(?:drain|due_pass)$/ } @l;
    ok $passes >= 2, "$passes passes with those credentials";
    signed_ok(\@before, 'dynamodb', "until then, every call signed with $k1", only => { $k1 => 1 });

    my ($sub, $id) = new_due_task('refresh');
    my $s0 = sns_mark();
    ok wait_for(20, sub { reminded_and_sent($sub, $id) }), 'a new task reminded and sent by the daemon';
    my $n = reminded_and_sent($sub, $id);
    my @after = grep { $_->{t} > $s2->{t} + 0.5 } ddb_calls($d0);
    signed_ok(\@after, 'dynamodb', "after it, every call signed with a newer key", not => { $k1 => 1 });
    signed_ok([publishes_of(substr($n->{EntitySort}{S}, 6), sns_calls($s0))], 'sns',
              'its Publish too', not => { $k1 => 1 });
    my @calls = (creds_calls())[$c0 .. creds_mark() - 1];
    my @all = ddb_calls($d0);
    my $secs = Time::HiRes::time() - $s1->{t};
    ok @calls <= $secs / 2.5 + 2, sprintf('%d fetches in %.0f s (one per refresh), for %d DynamoDB calls',
                                          scalar(@calls), $secs, scalar(@all));

    # the endpoint down: the key in hand is good for ~295 s more
    stop_creds_server();
    my $in_hand = (grep { $_->{key} } creds_calls())[-1]{key};
    my $down_at = Time::HiRes::time();
    my $e0 = scalar(my @x = events([daemon_lines($d)], 'credentials_error'));
    ($sub, $id) = new_due_task('down');
    ($d0, $s0) = (ddb_mark(), sns_mark());
    ok wait_for(20, sub { reminded_and_sent($sub, $id) }), 'endpoint down, credentials valid: a task reminded and sent';
    ok wait_for(8, sub { events([daemon_lines($d)], 'credentials_error') > $e0 }), 'the failed refresh logged';
    @l = daemon_lines($d);
    my @err = events(\@l, 'credentials_error');
    splice @err, 0, $e0;
    is $err[0]{level}, 'warn', 'as a warning';
    is $err[0]{using}, $in_hand, 'using the key in hand';
    like $err[0]{valid_until} // '', qr/^\d{4}-\d\d-\d\dT/, 'until it expires';
    is $err[0]{endpoint}, $creds_url, 'naming the endpoint';
    $n = reminded_and_sent($sub, $id);
    signed_ok([ddb_calls($d0)], 'dynamodb', "DynamoDB calls signed with the key in hand, $in_hand",
              only => { $in_hand => 1 });
    signed_ok([publishes_of(substr($n->{EntitySort}{S}, 6), sns_calls($s0))], 'sns', 'and its Publish',
              only => { $in_hand => 1 });
    my $secs_down = Time::HiRes::time() - $down_at;
    ok @err <= 2 + log($secs_down + 1) / log(2), sprintf('%d attempts in %.0f s: backing off, not per call',
                                                         scalar(@err), $secs_down);
    ok kill(0, $d->{pid}), 'running';
    is stop_daemon($d, 'TERM'), 0, 'SIGTERM: exit 0';
    no_secrets_ok(join("\n", map { $JSON->encode($_) } daemon_lines($d)), 'no secret or token in its log');
};


subtest 'daemon: none valid (expired in hand, endpoint down): logs, marks nothing, runs on; endpoint back: works' => sub {
    set_ttl(14);                # signed with until 10 s before: 4 s
    start_creds_server();
    my $d = start_daemon(conf => creds_conf());
    ok wait_for(15, sub { events([daemon_lines($d)], 'credentials') }), 'short-lived credentials fetched';
    stop_creds_server();
    my ($ev) = events([daemon_lines($d)], 'credentials');
    my $k = $ev->{access_key_id};
    my $s = served()->{$k};
    my $unusable = $s->{expires} - 10;
    my $wait = $unusable + 0.5 - Time::HiRes::time();
    Time::HiRes::sleep($wait) if $wait > 0;
    my ($sub, $id) = new_due_task('none-valid');
    my $d0 = ddb_mark();
    Time::HiRes::sleep(6);
    ok kill(0, $d->{pid}), 'still running 6 s after its credentials ran out';
    my @l = daemon_lines($d);
    my @none = grep { !defined $_->{using} } events(\@l, 'credentials_error');
    ok @none >= 1, 'credentials_error logged, none in hand';
    is $none[0]{level}, 'error', 'as an error';
    ok +(grep { ($_->{error} // '') =~ /no valid AWS credentials/ } events(\@l, 'ddb_error')),
        'the DynamoDB calls fail as with DynamoDB down (ddb_error: no valid AWS credentials)';
    ok events(\@l, 'due_pass_incomplete') || events(\@l, 'drain_incomplete'), 'passes incomplete';
    is scalar(my @x = ddb_calls($d0)), 0, 'no DynamoDB call went out';
    my @late = grep { (key_of($_) // '') eq $k && $_->{t} > $unusable + 1 } ddb_calls(0);
    is scalar(@late), 0, "nothing signed with $k within 10 s of its Expiration";
    untouched_ok($sub, $id, 'none valid');

    set_ttl(303);
    start_creds_server();
    my $back = Time::HiRes::time();
    ok wait_for(60, sub { reminded_and_sent($sub, $id) }), 'the endpoint back: the task reminded and sent';
    note sprintf 'recovered %.1f s after the endpoint came back', Time::HiRes::time() - $back;
    signed_ok([ddb_calls($d0)], 'dynamodb', 'with a newly served key', not => { $k => 1 });
    is stop_daemon($d, 'TERM'), 0, 'SIGTERM: exit 0';
};


subtest '--once with none valid: logged once, exit 1, nothing marked' => sub {
    my ($sub, $id) = new_due_task('once-none');
    my @cases = (
        ['served already expired', sub { set_ttl(-60); creds_conf() }, qr/served credentials that expire/],
        ['expiring within 10 s',   sub { set_ttl(5);   creds_conf() }, qr/served credentials that expire/],
        ['a wrong token',          sub { set_ttl(303); creds_conf(credentials_token => 'wrong-token') }, qr/HTTP 401/],
        ['the endpoint down',      sub { creds_conf(credentials_endpoint => 'http://127.0.0.1:' . free_port() . '/creds') },
         qr/./],
    );
    for my $case (@cases) {
        my ($what, $conf, $why) = @$case;
        my ($c0, $d0) = (creds_mark(), ddb_mark());
        my $r = run_once(conf => $conf->());
        is $r->{rc}, 1, "$what: exit 1" or diag $r->{err};
        my @e = events($r->{lines}, 'credentials_error');
        is scalar(@e), 1, "$what: one credentials_error line";
        like $e[0]{error} // '', $why, "$what: why ($e[0]{error})";
        ok events($r->{lines}, 'due_pass_incomplete'), "$what: due_pass_incomplete";
        is scalar(my @x = ddb_calls($d0)), 0, "$what: no DynamoDB call went out";
        untouched_ok($sub, $id, $what);
        no_secrets_ok($r->{err}, "$what: no secret or token in the log");
        if ($what eq 'a wrong token') {
            my @calls = (creds_calls())[$c0 .. creds_mark() - 1];
            is_deeply [map { [$_->{auth}, $_->{status}] } @calls], [['wrong-token', 401]],
                'the wrong token was sent, and refused';
        }
    }
    set_ttl(303);
    my $r = run_once(conf => creds_conf());
    is $r->{rc}, 0, 'good again: exit 0';
    ok reminded_and_sent($sub, $id), 'and the task reminded';
};


subtest 'from the ECS environment: AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file' => sub {
    my ($sub, $id) = new_due_task('env');
    my $tokfile = "$tmp/token";
    write_file($tokfile, "$TOKEN\n");
    my $conf = creds_conf(credentials_endpoint => undef, credentials_token => undef);
    my ($c0, $d0) = (creds_mark(), ddb_mark());
    my $r;
    {
        local $ENV{AWS_CONTAINER_CREDENTIALS_FULL_URI} = $creds_url;
        local $ENV{AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE} = $tokfile;
        local $ENV{AWS_CONTAINER_AUTHORIZATION_TOKEN} = 'not-this-one';
        delete local $ENV{AWS_CONTAINER_CREDENTIALS_RELATIVE_URI};
        delete local $ENV{AWS_ACCESS_KEY_ID};
        delete local $ENV{AWS_SECRET_ACCESS_KEY};
        delete local $ENV{AWS_SESSION_TOKEN};
        $r = run_once(conf => $conf);
    }
    is $r->{rc}, 0, 'exit 0' or diag $r->{err};
    my @calls = (creds_calls())[$c0 .. creds_mark() - 1];
    is_deeply [map { [$_->{auth}, $_->{status}] } @calls], [[$TOKEN, 200]],
        'one fetch, with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (before _TOKEN)';
    signed_ok([ddb_calls($d0)], 'dynamodb', 'signed with the served key and its token',
              only => { map { $_->{key} => 1 } @calls });
    ok reminded_and_sent($sub, $id), 'the task reminded and sent';

    {
        local $ENV{AWS_CONTAINER_CREDENTIALS_FULL_URI} = 'http://198.51.100.7/creds';
        delete local $ENV{AWS_ACCESS_KEY_ID};
        $r = run_once(conf => $conf);
    }
    is $r->{rc}, 2, 'a full URI over http to a host not loopback nor the ECS agent: refused (exit 2)';
};


subtest 'bad credential confs: exit 2' => sub {
    my $r = run_once(conf => creds_conf(access_key => 'AKIA', secret_key => 'x'));
    is $r->{rc}, 2, 'access_key and credentials_endpoint both: exit 2';
    like +(events($r->{lines}, 'conf_error'))[0]{error} // '', qr/not both/, 'said why';
    $r = run_once(conf => creds_conf(credentials_endpoint => 'http://example.com/creds'));
    is $r->{rc}, 2, 'the token in clear to another host: exit 2';
    $r = run_once(conf => conf_with(credentials_token => 'x'));
    is $r->{rc}, 2, 'credentials_token without credentials_endpoint: exit 2';
};


SKIP: {
    my $plain = $ENV{TASKMGR_SCHEDULER_PLAIN_BIN} // '';
    skip 'valgrind is not installed', 1 unless -x '/usr/bin/valgrind';
    skip 'no plain (non-sanitizer) build', 1 unless -x $plain;
    subtest 'under valgrind: fetched, signed, then refused credentials' => sub {
        local $ENV{TASKMGR_SCHEDULER_BIN} = $plain;
        my @vg = ('valgrind', '-q', '--error-exitcode=1', '--leak-check=full',
                  '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite');
        my ($sub, $id) = new_due_task('valgrind');
        set_ttl(303);
        my $r = run_once(conf => creds_conf(), wrap => \@vg, timeout => 300);
        is $r->{rc}, 0, 'valgrind: no errors, no definite leaks, exit 0' or diag $r->{err};
        ok reminded_and_sent($sub, $id), 'the task reminded and sent';
        $r = run_once(conf => creds_conf(credentials_token => 'wrong-token'), wrap => \@vg, timeout => 300);
        is $r->{rc}, 1, 'a refused fetch under valgrind: exit 1 (not a valgrind error)' or diag $r->{err};
        ok events($r->{lines}, 'credentials_error'), 'logged';
    };
}

stop_creds_server();
done_testing;
