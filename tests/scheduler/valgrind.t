#!/usr/bin/perl
# One --once pass (a reminder written, an email and an SMS sent, a
# completion chain finished, a digest written and mailed, a late reminder
# held by quiet hours) under valgrind: no invalid access, no definite leak
# (--error-exitcode=1 --leak-check=full).  The plain build: valgrind and
# the sanitizers do not mix.
use strict;
use warnings;
use Test::More;
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $bin = $ENV{TASKMGR_SCHEDULER_PLAIN_BIN} // stack_env('TASKMGR_SCHEDULER_BIN');
plan skip_all => 'valgrind is not installed (scripts/deps.sh installs it)' unless -x '/usr/bin/valgrind';
plan skip_all => "no plain (non-sanitizer) build at $bin: make builds it" unless -x $bin;

my $email = 'valgrind-' . new_uuid() . '@example.com';
my $phone = unique_phone();
my $sub = put_user(email => $email, phone => $phone,
                   prefs => { email => 1, sms => 1, completedEmail => 1, completedSms => 1 });
my $id = put_task(sub => $sub, title => "valgrind \x{e9}t\x{e9}", due => iso(time + 5 * 3600));
# a cut completion chain: completed, marker left on the task
my $cut = put_task(sub => $sub, title => 'cut', status => 'completed');
my $at = iso_ms(time - 2);
ddb_ok(UpdateItem => { TableName => stack_env('TASKMGR_TABLE'),
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$cut" } },
    UpdateExpression => 'SET OutboxShard = :s, OutboxAt = :a, TaskCompletedAt = :a',
    ExpressionAttributeValues => { ':s' => { S => outbox_shard($cut) }, ':a' => { S => $at } } });

# a digest due two minutes ago (UTC), an overdue task in it
my $now = time;
my $dmail = 'valgrind-digest-' . new_uuid() . '@example.com';
my $dsub = put_user(email => $dmail, prefs => { email => 1 },
                    digest => { time => POSIX::strftime('%H:%M', gmtime($now - 120)), armed => iso($now - 3600) });
put_task(sub => $dsub, title => 'overdue', due => iso($now - 2 * 86400), reminders => []);
# quiet hours around now; a reminder ten minutes late
my $qmail = 'valgrind-quiet-' . new_uuid() . '@example.com';
my $qsub = put_user(email => $qmail, prefs => { email => 1 },
                    quiet => [map { POSIX::strftime('%H:%M', gmtime($now + $_)) } -3600, 3600]);
my $q = put_task(sub => $qsub, title => 'held', due => iso($now + 3600), reminders => [{ at => iso($now - 600) }]);

local $ENV{TASKMGR_SCHEDULER_BIN} = $bin;
my $r = run_once(wrap => ['valgrind', '-q', '--error-exitcode=1', '--leak-check=full',
                          '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite'],
                 timeout => 300);
is $r->{rc}, 0, 'valgrind: no errors, no definite leaks, exit 0' or diag $r->{err};
is scalar(notifs($sub, task => $id, type => 'task_due')), 1, 'the reminder was written';
is scalar(notifs($sub, task => $cut, type => 'task_completed')), 1, 'the chain was finished';
is scalar(mails(to => $email)), 2, 'two mails sent (due, completed)';
is scalar(sms_lines(to => $phone)), 2, 'two SMS lines';
is scalar(mails(to => $dmail)), 1, 'the digest mailed';
my ($n) = notifs($qsub, task => $q, type => 'task_due');
ok $n && $n->{ReminderLate}{BOOL} && $n->{DeliveryEmail}{S} eq 'pending', 'the late reminder held by quiet hours';
is scalar(mails(to => $qmail)), 0, 'no mail for it yet';

done_testing;
