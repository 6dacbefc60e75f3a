#!/usr/bin/perl
# The daily digest (scheduler/sched_digest.c): one email a day at the
# user's local time (07:30 in Berlin) listing the tasks due that local day
# and the overdue ones, not before its time; exactly once per local day,
# also when armed again the same day; after downtime one email for the
# last day missed, not one per day; none when nothing is due; turned on
# after its time that day: from the next day; email off or the digest off:
# no email, and a digest turned off leaves the index.
use strict;
use warnings;
use Test::More;
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');

sub once_ok {
    my ($now, $name) = @_;
    my $r = run_once(now => $now);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    return $r;
}

sub digests {
    my ($sub) = @_;
    my $j = ddb_ok(Query => { TableName => $TABLE, ConsistentRead => JSON::PP::true(),
        KeyConditionExpression => 'EntityPartition = :p AND begins_with(EntitySort, :d)',
        ExpressionAttributeValues => { ':p' => { S => "USER_$sub" }, ':d' => { S => 'DIGEST_' } } });
    my @d = sort { $a->{DigestDate}{S} cmp $b->{DigestDate}{S} } @{ $j->{Items} || [] };
    return @d;
}

sub user_item {
    my ($sub) = @_;
    return ddb_ok(GetItem => { TableName => $TABLE, ConsistentRead => JSON::PP::true(),
        Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "USER_$sub" } } })->{Item};
}

sub armed_at {
    my ($sub, $at, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $u = user_item($sub);
    is $u->{ReminderAt}{S}, $at, "$name: ReminderAt $at";
    is $u->{ReminderKey}{S}, reminder_key($at, $sub), "$name: its ReminderKey";
}

sub task { put_task(reminders => [], @_) }

# Sunday 10 January 2027 in Berlin (CET, UTC+1): the digest at 07:30 is
# 06:30 UTC; turned on at 06:00 local
my $email = 'digest-' . new_uuid() . '@example.com';
my $a = put_user(email => $email, prefs => { email => 1 }, first_name => 'Ada', time_zone => 'Europe/Berlin',
                 digest => { time => '07:30', armed => '2027-01-10T05:00:00Z' });
task(sub => $a, title => 'Pay rent', due => '2027-01-10T16:00:00Z');
task(sub => $a, title => 'Call mom', due => '2027-01-10T22:59:00Z');          # a date only
task(sub => $a, title => 'Overdue report', due => '2027-01-08T09:00:00Z');
task(sub => $a, title => 'Tomorrow\'s', due => '2027-01-11T09:00:00Z');
task(sub => $a, title => 'Done already', due => '2027-01-09T09:00:00Z', status => 'completed');
task(sub => $a, title => 'Some day');
my $trashed = task(sub => $a, title => 'In the trash', due => '2027-01-09T09:00:00Z');
ddb_ok(UpdateItem => { TableName => $TABLE,
    Key => { EntityPartition => { S => "USER_$a" }, EntitySort => { S => "TASK_$trashed" } },
    UpdateExpression => 'SET TrashedAt = :t', ExpressionAttributeValues => { ':t' => { S => '2027-01-09T10:00:00Z' } } });

once_ok('2027-01-10T06:29:00Z', '07:29 local');
is scalar(digests($a)), 0, 'no digest before its time';
armed_at($a, '2027-01-10T06:30:00Z', 'moved to 07:30 local');

once_ok('2027-01-10T06:30:00Z', '07:30 local');
my @d = digests($a);
is scalar(@d), 1, 'one digest at its time' or BAIL_OUT('no digest');
is $d[0]{DigestDate}{S}, '2027-01-10', 'for the local day';
is $d[0]{DeliveryEmail}{S}, 'sent', 'its email sent by the drain of the same run';
ok !exists $d[0]{NotificationTimestamp}, 'not a notification: in no listing';
is scalar(notifs($a)), 0, 'and nothing in-app';
my @m = mails(to => $email);
is scalar(@m), 1, 'one mail' or BAIL_OUT('no mail');
is $m[0]{subject}, 'Your tasks for Sunday, 10 January 2027: 2 due, 1 overdue', 'its subject';
my $text = $m[0]{text} // '';
like $text, qr/^Hello Ada,$/m, 'greets the user';
like $text, qr/^Due on Sunday, 10 January 2027:\n- Pay rent: is due today at 5:00 PM \(Europe\/Berlin\)\n- Call mom: is due today\n/m,
    'the tasks due that day, soonest first, in the user\'s zone (a date only as a day)';
like $text, qr/^Overdue:\n- Overdue report: was due on Friday, 8 January at 10:00 AM \(Europe\/Berlin\)\n/m,
    'the overdue one';
unlike $text, qr/Tomorrow's|Done already|Some day|In the trash/,
    'not tomorrow\'s, a completed one, one without a date, one in the trash';
armed_at($a, '2027-01-11T06:30:00Z', 'the next day\'s');

once_ok('2027-01-10T06:31:00Z', 'a minute later');
is scalar(digests($a)), 1, 'still one digest';
is scalar(mails(to => $email)), 1, 'still one mail';

# the scheduler down from Sunday to Wednesday 10:00 local: one digest,
# Wednesday's
once_ok('2027-01-13T09:00:00Z', 'Wednesday 10:00, after three days down');
@d = digests($a);
is_deeply [map { $_->{DigestDate}{S} } @d], ['2027-01-10', '2027-01-13'], 'one digest: that day\'s';
armed_at($a, '2027-01-14T06:30:00Z', 'then Thursday\'s');

# down again until Saturday 06:00 local: Friday's was the last missed
once_ok('2027-01-16T05:00:00Z', 'Saturday 06:00, Thursday\'s and Friday\'s missed');
@d = digests($a);
is_deeply [map { $_->{DigestDate}{S} } @d], ['2027-01-10', '2027-01-13', '2027-01-15'],
    'one catch-up digest, Friday\'s';
armed_at($a, '2027-01-16T06:30:00Z', 'then Saturday\'s, at its time');
once_ok('2027-01-16T06:30:00Z', 'Saturday 07:30');
is scalar(digests($a)), 4, 'Saturday\'s';
is scalar(mails(to => $email)), 4, 'four mails in all';

# the time changed to 08:00 the same day (the module arms it again): the
# day has had its digest
arm_digest($a, '2027-01-16T06:40:00Z', time => '08:00');
once_ok('2027-01-16T07:00:00Z', 'Saturday 08:00, the new time');
is scalar(digests($a)), 4, 'no second digest that day';
is scalar(mails(to => $email)), 4, 'no second mail';
armed_at($a, '2027-01-17T07:00:00Z', 'Sunday 08:00 next');

subtest 'nothing due: no email' => sub {
    my $e = 'digest-none-' . new_uuid() . '@example.com';
    my $b = put_user(email => $e, prefs => { email => 1 }, time_zone => 'Europe/Berlin',
                     digest => { time => '07:30', armed => '2027-01-10T05:00:00Z' });
    task(sub => $b, title => 'later', due => '2027-01-20T09:00:00Z');
    once_ok('2027-01-10T06:30:00Z', '07:30');
    is scalar(digests($b)), 0, 'no digest';
    is scalar(mails(to => $e)), 0, 'no mail';
    armed_at($b, '2027-01-11T06:30:00Z', 'the next day still');
};

subtest 'turned on after its time: from the next day' => sub {
    my $e = 'digest-late-' . new_uuid() . '@example.com';
    my $c = put_user(email => $e, prefs => { email => 1 }, time_zone => 'Europe/Berlin',
                     digest => { time => '07:30', armed => '2027-01-10T09:00:00Z' });
    task(sub => $c, title => 'overdue', due => '2027-01-09T09:00:00Z');
    once_ok('2027-01-10T09:00:00Z', '10:00, when it was turned on');
    is scalar(digests($c)), 0, 'not that day';
    armed_at($c, '2027-01-11T06:30:00Z', 'the next morning');
    once_ok('2027-01-11T06:30:00Z', 'the next morning');
    is scalar(mails(to => $e)), 1, 'the mail then';
};

subtest 'email off, or the digest off' => sub {
    my $e = 'digest-off-' . new_uuid() . '@example.com';
    my $d = put_user(email => $e, prefs => { email => 0 }, time_zone => 'Europe/Berlin',
                     digest => { time => '07:30', armed => '2027-01-10T05:00:00Z' });
    task(sub => $d, title => 'due', due => '2027-01-10T16:00:00Z');
    my $f = put_user(prefs => { email => 1 }, digest => { time => '07:30', armed => '2027-01-10T05:00:00Z' });
    set_user($f, 'Digest.Enabled' => { BOOL => JSON::PP::false() });
    once_ok('2027-01-10T06:30:00Z', '07:30');
    is scalar(digests($d)), 0, 'email off: no digest';
    is scalar(mails(to => $e)), 0, 'no mail';
    ok !exists user_item($f)->{ReminderKey} && !exists user_item($f)->{ReminderAt},
        'the digest off: out of the index';
};

done_testing;
