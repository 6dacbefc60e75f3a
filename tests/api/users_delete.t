#!/usr/bin/perl
# Account deletion: DELETE /api/users/me {password} answers 202 once the
# password is checked with Cognito, the deletion marker written, every
# session ended and the Cognito user deleted; the scheduler's next drain
# (run here with --once) deletes every item: the user's partition
# (profile, tasks, lists, notifications, the phone code, SMS counters,
# reminders and their ReminderIndex entries) and the calendar feed item
# outside it.  Counted in the table: zero items of the user left, other
# users' items untouched; the tokens refused at once; the email registers
# again; a wrong password is 400 and deletes nothing; bad input is 4xx.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiTest qw(:all);
use TaskmgrScheduler qw(run_once ddb_ok iso);

my $TABLE = stack_env('TASKMGR_TABLE');

sub del {
    my ($tok, $body, $opts) = @_;
    my $r = api(DELETE => '/api/users/me', $body, { bearer => $tok, %{ $opts || {} } });
    spec_ok(DELETE => '/api/users/me', $r);
    return $r;
}

sub as {
    my ($tok, $method, $path, $body) = @_;
    return api($method, $path, $body, { bearer => $tok });
}

sub sub_of { (jwt_parts($_[0]))[1]{sub} }

# every item of the user: the partition, the feed item, the index entries
sub items_of {
    my ($sub, $feed) = @_;
    my @part = scan_table(
        FilterExpression          => 'begins_with(EntityPartition, :pk)',
        ExpressionAttributeValues => { ':pk' => { S => "USER_$sub" } });
    my @feed = $feed ? scan_table(
        FilterExpression          => 'EntityPartition = :f',
        ExpressionAttributeValues => { ':f' => { S => "CALFEED_$feed" } }) : ();
    my @remind = grep { $_->{ReminderKey} } @part;
    return { part => scalar @part, feed => scalar @feed, remind => scalar @remind,
             sks => [ sort map { $_->{EntitySort}{S} } @part ] };
}

# the keys of every item in the table
sub all_keys { map { "$_->{EntityPartition}{S} $_->{EntitySort}{S}" } scan_table() }

# a user with one of everything a user can hold
sub full_user {
    my ($tag) = @_;
    my $u = register_user(tag => $tag);
    is $u->{r}{status}, 201, "$tag registered" or diag $u->{r}{raw};
    my $t = $u->{access};
    my $due = iso(time + 3 * 86400);
    for my $i (1 .. 30) {
        my $r = as($t, POST => '/api/tasks', { title => "task $i", dueDate => $due,
                                               reminders => [{ before => 'PT1H' }] });
        is $r->{status}, 201, "task $i" or diag $r->{raw} if $i == 1 || $r->{status} != 201;
    }
    my $r = as($t, POST => '/api/tasks', { title => 'done soon' });
    my $id = $r->{json}{task}{id};
    $r = as($t, PATCH => "/api/tasks/$id", { status => 'completed' });
    is $r->{status}, 200, 'a task completed (a notification)' or diag $r->{raw};
    $r = as($t, POST => '/api/lists', { name => "List $tag" });
    is $r->{status}, 201, 'a list' or diag $r->{raw};
    $r = as($t, PATCH => '/api/users/me', { phoneNumber => '+12025550' . sprintf('%03d', $$ % 1000),
                                            digest => { enabled => JSON::PP::true(), time => '07:30' } });
    is $r->{status}, 200, 'a phone number, the digest on' or diag $r->{raw};
    $r = as($t, POST => '/api/users/me/phone/verify');
    is $r->{status}, 202, 'a phone code sent' or diag $r->{raw};
    $r = as($t, POST => '/api/users/me/calendar');
    is $r->{status}, 201, 'a calendar feed' or diag $r->{raw};
    my ($feed) = ($r->{json}{url} // '') =~ m{/api/calendar/([^/.]+)\.ics};
    require Digest::SHA;
    $u->{feed} = Digest::SHA::sha256_hex($feed // '');
    my $sub = sub_of($t);
    $u->{sub} = $sub;
    # an SMS day counter as the scheduler writes it
    ddb_ok(PutItem => { TableName => $TABLE, Item => {
        EntityPartition => { S => "USER_$sub" }, EntitySort => { S => 'SMSDAY_2026-12-01' },
        SmsSent => { SS => ['NOTIF_x'] }, NotificationExpiry => { N => "" . (time + 86400) } } });
    return $u;
}

my $A = full_user('delete-a');
my $B = full_user('delete-b');
my $before_a = items_of($A->{sub}, $A->{feed});
my $before_b = items_of($B->{sub}, $B->{feed});
cmp_ok $before_a->{part}, '>=', 36, "A holds $before_a->{part} items in the partition";
is $before_a->{feed}, 1, 'and the feed item';
cmp_ok $before_a->{remind}, '>=', 31, 'and ReminderIndex entries';
ok((grep { $_ eq 'PHONECODE' } @{ $before_a->{sks} }), 'and a phone code item');

# a second session of A, and one whose refresh token is kept
my $C2 = TaskmgrStack::Client->new;
my $login = auth_api($C2, POST => '/api/users/login', { email => $A->{email}, password => $A->{password} });
is $login->{status}, 200, 'A logs in a second time' or diag $login->{raw};
my $A2 = $login->{json}{accessToken};

subtest 'bad input: 4xx, never 5xx, nothing deleted' => sub {
    for my $case (
        [ 'no body',          undef ],
        [ 'empty object',     {} ],
        [ 'password empty',   { password => '' } ],
        [ 'password a number', { password => 12 } ],
        [ 'an unknown field', { password => $A->{password}, x => 1 } ],
        [ 'an array',         [] ],
        [ 'not JSON',         '{"password":' ],
    ) {
        my $r = api(DELETE => '/api/users/me', $case->[1],
                    { bearer => $A->{access}, content_type => 'application/json' });
        ok $r->{status} >= 400 && $r->{status} < 500, "$case->[0]: $r->{status}" or diag $r->{raw};
        is ref $r->{json}{error}, 'HASH', "$case->[0]: the JSON error";
    }
    my $r = api(DELETE => '/api/users/me', { password => $A->{password} });
    is $r->{status}, 401, 'no token: 401';
    $r = api(DELETE => '/api/users/me', { password => $A->{password} }, { bearer => 'x.y.z' });
    is $r->{status}, 401, 'a bad token: 401';
    $r = api(DELETE => '/api/users/me', { password => $A->{password} },
             { cookies => { tm_access => $A->{access} }, xhr => 0 });
    is $r->{status}, 403, 'a cookie session without X-Requested-With: 403';
    is_deeply items_of($A->{sub}, $A->{feed}), $before_a, 'A: nothing deleted';
};

subtest 'a wrong password: 400 invalid_password' => sub {
    my $r = del($A->{access}, { password => 'Wr0ng!Password#' });
    is $r->{status}, 400, 'status 400' or diag $r->{raw};
    is $r->{json}{error}{code}, 'invalid_password', 'invalid_password';
    is $r->{json}{error}{field}, 'password', 'field password';
    is as($A->{access}, GET => '/api/users/me')->{status}, 200, 'the session goes on';
    is_deeply items_of($A->{sub}, $A->{feed}), $before_a, 'nothing deleted';
};

subtest 'another user cannot delete A' => sub {
    my $r = del($B->{access}, { password => $A->{password} . 'x' });
    is $r->{status}, 400, "B's token with another password: 400" or diag $r->{raw};
    is_deeply items_of($A->{sub}, $A->{feed}), $before_a, 'A untouched';
    is_deeply items_of($B->{sub}, $B->{feed}), $before_b, 'B untouched';
};

my @others_before = grep { !/^USER_\Q$A->{sub}\E |^CALFEED_\Q$A->{feed}\E / } all_keys();

subtest 'A deletes the account' => sub {
    my $r = del($A->{access}, { password => $A->{password} });
    is $r->{status}, 202, 'status 202' or diag $r->{raw};
    is_deeply $r->{json}, { accepted => JSON::PP::true() }, '{"accepted": true}';
    my @cleared = grep { /^tm_(access|refresh)=;/ } set_cookie_lines($r);
    is scalar @cleared, 2, 'both cookies cleared' or diag explain [set_cookie_lines($r)];

    for my $tok ([first => $A->{access}], [second => $A2]) {
        is as($tok->[1], GET => '/api/users/me')->{status}, 401, "the $tok->[0] session: 401 at once";
        is as($tok->[1], GET => '/api/tasks')->{status}, 401, "its tasks: 401";
        is as($tok->[1], POST => '/api/tasks', { title => 'after' })->{status}, 401, 'no new task';
    }
    my $rf = $C2->api(POST => '/api/users/refresh');
    is $rf->{status}, 401, "the second session's refresh cookie: 401" or diag $rf->{raw};
    my $l = auth_api(undef, POST => '/api/users/login', { email => $A->{email}, password => $A->{password} });
    is $l->{status}, 401, 'login: 401 (the Cognito user is gone)' or diag $l->{raw};

    my $run = run_once();
    is $run->{rc}, 0, 'a scheduler pass' or diag $run->{err};
    my ($fin) = grep { $_->{event} eq 'account_deletion_finished' && $_->{sub} eq $A->{sub} } @{ $run->{lines} };
    ok $fin, 'logged: account_deletion_finished' or diag $run->{err};
    is $fin->{items}, $before_a->{part}, 'every item of the partition counted' if $fin;

    my $after = items_of($A->{sub}, $A->{feed});
    is $after->{part}, 0, 'zero items in the partition' or diag explain $after->{sks};
    is $after->{feed}, 0, 'the calendar feed item is gone';
    is $after->{remind}, 0, 'no ReminderIndex entry';
    my @idx = scan_table(IndexName => 'ReminderIndex',
        FilterExpression => 'EntityPartition = :pk',
        ExpressionAttributeValues => { ':pk' => { S => "USER_$A->{sub}" } });
    is scalar @idx, 0, 'ReminderIndex itself holds none';
    is_deeply items_of($B->{sub}, $B->{feed}), $before_b, "B's items untouched";
    my ($rev) = scan_table(FilterExpression => 'EntityPartition = :k',
        ExpressionAttributeValues => { ':k' => { S => "REVOKEDUSER_$A->{sub}" } });
    ok $rev, 'the user revocation record stays (refusing the tokens)';
    cmp_ok $rev->{NotificationExpiry}{N}, '<=', time + 86400 + 5, 'for a day at most (then TTL)' if $rev;
    my %after = map { $_ => 1 } all_keys();
    my @gone = grep { !$after{$_} } @others_before;
    is scalar @gone, 0, 'no other item of the table was deleted (' . scalar(@others_before) . ' counted)'
        or diag explain \@gone;
    is as($A->{access}, GET => '/api/users/me')->{status}, 401, 'the token still 401';

    $run = run_once();
    ok !(grep { $_->{event} =~ /^account_deletion/ } @{ $run->{lines} }), 'a later pass has nothing to do';
};

subtest 'the email registers again' => sub {
    my $again = auth_api(undef, POST => '/api/users/register', {
        email => $A->{email}, password => $A->{password}, firstName => 'Again', lastName => 'User' });
    is $again->{status}, 201, 'registered again: 201' or diag $again->{raw};
    my $t = $again->{json}{accessToken};
    isnt sub_of($t // ''), $A->{sub}, 'a new user (another sub)';
    my $me = as($t, GET => '/api/users/me');
    is $me->{status}, 200, 'its profile' or diag $me->{raw};
    my $tasks = as($t, GET => '/api/tasks');
    is scalar @{ $tasks->{json}{items} || [] }, 0, 'and none of the old tasks';
};

done_testing;
