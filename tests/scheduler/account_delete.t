#!/usr/bin/perl
# Account deletions the request did not finish: DELETE /api/users/me
# writes the marker USER_<sub> / DELETING (outbox marker due at once)
# before anything else, so a request cut after it (the test fault
# "after-marker": sessions not yet ended, the Cognito user still there) is
# finished by the scheduler's drain: the Cognito user deleted, every token
# refused, the calendar feed item and every item of the partition deleted,
# the marker last.  A marker whose email belongs to someone else by now is
# finished without touching that account; without user_pool in
# scheduler.conf a deletion waits (nothing deleted).
use strict;
use warnings;
use Test::More;
use JSON::PP ();
use Digest::SHA ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');

sub as {
    my ($tok, $method, $path, $body, $opts) = @_;
    return api($method, $path, $body, { bearer => $tok, %{ $opts || {} } });
}

sub login {
    my ($email) = @_;
    my $r;
    for (1 .. 6) {
        $r = api(POST => '/api/users/login', { email => $email, password => strong_password() });
        last unless $r->{status} == 429;
        Time::HiRes::sleep(1.5);
    }
    return $r->{status};
}

sub partition {
    my ($sub) = @_;
    my @items;
    my $start;
    do {
        my $r = ddb_ok(Scan => { TableName => $TABLE, ConsistentRead => JSON::PP::true(),
            FilterExpression => 'EntityPartition = :pk',
            ExpressionAttributeValues => { ':pk' => { S => "USER_$sub" } },
            ($start ? (ExclusiveStartKey => $start) : ()) });
        push @items, @{ $r->{Items} };
        $start = $r->{LastEvaluatedKey};
    } while ($start);
    return @items;
}

sub item {
    my ($pk) = @_;
    return ddb_ok(GetItem => { TableName => $TABLE, ConsistentRead => JSON::PP::true(),
        Key => { EntityPartition => { S => $pk }, EntitySort => { S => $pk } } })->{Item};
}

sub finished {
    my ($r, $sub) = @_;
    return grep { ($_->{event} // '') eq 'account_deletion_finished' && $_->{sub} eq $sub } @{ $r->{lines} };
}

# a registered user with N tasks (written straight into the table) and a
# calendar feed, whose DELETE stopped right after the marker
sub cut_deletion {
    my (%o) = @_;
    my $u = register_with_prefs(tag => $o{tag});
    my $due = iso(time + 2 * 86400);
    put_tasks([ map { { sub => $u->{sub}, due => $due, reminders => [{ before => 'P1D' }] } }
                1 .. $o{tasks} ]) if $o{tasks};
    my $r = as($u->{token}, POST => '/api/users/me/calendar');
    is $r->{status}, 201, 'a calendar feed' or diag $r->{raw};
    my ($tok) = ($r->{json}{url} // '') =~ m{/api/calendar/([^/.]+)\.ics};
    $u->{feed} = 'CALFEED_' . Digest::SHA::sha256_hex($tok // '');
    $r = as($u->{token}, DELETE => '/api/users/me', { password => strong_password() },
            { headers => { 'X-Taskmgr-Fault' => 'after-marker' } });
    is $r->{status}, 503, 'the request stopped after the marker' or diag $r->{raw};
    ok((grep { $_->{EntitySort}{S} eq 'DELETING' } partition($u->{sub})), 'the marker is there');
    is as($u->{token}, GET => '/api/users/me')->{status}, 200, 'the session still works (cut short)';
    is login($u->{email}), 200, 'and so does a login';
    return $u;
}

subtest 'without user_pool a deletion waits' => sub {
    my $u = cut_deletion(tag => 'del-wait', tasks => 5);
    my $before = () = partition($u->{sub});
    my $r = run_once(conf => conf_with(user_pool => undef));
    is $r->{rc}, 0, 'a pass: exit 0' or diag $r->{err};
    ok((grep { ($_->{event} // '') eq 'account_deletion_waits' && $_->{sub} eq $u->{sub} } @{ $r->{lines} }),
       'logged: account_deletion_waits') or diag $r->{err};
    is scalar(() = partition($u->{sub})), $before, 'nothing deleted';
    is login($u->{email}), 200, 'the account is still there';

    $r = run_once();
    ok finished($r, $u->{sub}), 'with user_pool: finished' or diag $r->{err};
    is scalar(() = partition($u->{sub})), 0, 'zero items left';
};

subtest 'a request that deleted the Cognito user needs no user_pool' => sub {
    my $u = register_with_prefs(tag => 'del-whole');
    put_tasks([ map { { sub => $u->{sub} } } 1 .. 30 ]);
    my $r = as($u->{token}, DELETE => '/api/users/me', { password => strong_password() });
    is $r->{status}, 202, 'DELETE: 202' or diag $r->{raw};
    my ($m) = grep { $_->{EntitySort}{S} eq 'DELETING' } partition($u->{sub});
    ok $m && $m->{CognitoDeleted}{BOOL}, 'the marker says the Cognito user is deleted';
    $r = run_once(conf => conf_with(user_pool => undef));
    ok finished($r, $u->{sub}), 'finished without user_pool' or diag $r->{err};
    is scalar(() = partition($u->{sub})), 0, 'zero items left';
};

subtest 'a deletion cut after its marker is finished by --once' => sub {
    my $u = cut_deletion(tag => 'del-cut', tasks => 260);
    my @before = partition($u->{sub});
    cmp_ok scalar @before, '>=', 262, scalar(@before) . ' items in the partition';
    ok item($u->{feed}), 'the feed item';

    my $r = run_once();
    is $r->{rc}, 0, 'a pass: exit 0' or diag $r->{err};
    my ($log) = finished($r, $u->{sub});
    ok $log, 'logged: account_deletion_finished' or diag $r->{err};
    is $log->{items}, scalar(@before) - 1, 'every item but the marker counted' if $log;

    is scalar(() = partition($u->{sub})), 0, 'zero items in the partition, the marker too';
    ok !item($u->{feed}), 'the calendar feed item is gone';
    my @idx = grep { ($_->{EntityPartition}{S} // '') eq "USER_$u->{sub}" }
        @{ ddb_ok(Scan => { TableName => $TABLE, IndexName => 'ReminderIndex' })->{Items} };
    is scalar @idx, 0, 'no ReminderIndex entry';
    is login($u->{email}), 401, 'the Cognito user is gone: login 401';
    ok wait_until(10, sub { as($u->{token}, GET => '/api/users/me')->{status} == 401 }, 0.5),
        'the session is refused (within the revocation cache)';

    $r = run_once();
    ok !finished($r, $u->{sub}), 'a later pass has nothing to do';
};

subtest 'an email registered again meanwhile is left alone' => sub {
    my $other = register_with_prefs(tag => 'del-other');
    my $sub = put_user(email => $other->{email});
    put_tasks([ map { { sub => $sub } } 1 .. 3 ]);
    my $now = iso_ms(time - 5);
    ddb_ok(PutItem => { TableName => $TABLE, Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'DELETING' },
        Sub => { S => $sub }, Username => { S => $other->{email} }, RequestedAt => { S => $now },
        OutboxShard => { S => outbox_shard($sub) }, OutboxAt => { S => $now } } });
    my $r = run_once();
    ok finished($r, $sub), 'the deletion finished' or diag $r->{err};
    is scalar(() = partition($sub)), 0, 'its items are gone';
    is login($other->{email}), 200, "the email's new account (another sub) still logs in";
    is as($other->{token}, GET => '/api/users/me')->{status}, 200, 'and its session goes on';
};

done_testing;
