#!/usr/bin/perl
# A completion chain cut after its first write (the module's test fault
# hook, X-Taskmgr-Fault: after-first-write, honoured with
# taskmgr_test_faults on) leaves the task completed with its outbox marker
# and no notification.  The scheduler's drain finishes it: exactly one
# task_completed notification, under the id derived from the completion
# time, the marker removed, and the mail delivered (the user wants email
# for their completions: completedEmail).  Again: still one.
use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $u = register_with_prefs(tag => 'chain', email => 1,
                            patch => { notificationPreferences => { completedEmail => JSON::PP::true() } });
my $r = api(POST => '/api/tasks', { title => 'cut short', dueDate => iso(time + 40 * 3600) },
            { bearer => $u->{token} });
is $r->{status}, 201, 'a task' or diag $r->{raw};
my $t = $r->{json}{task};

$r = api(PATCH => "/api/tasks/$t->{id}", { status => 'completed' },
         { bearer => $u->{token}, headers => { 'X-Taskmgr-Fault' => 'after-first-write' } });
is $r->{status}, 503, 'the chain stops after its first write (test fault)' or diag $r->{raw};

my $item = task_item($u->{sub}, $t->{id});
is $item->{Status}{S}, 'completed', 'the task is completed';
my $at = $item->{OutboxAt}{S};
ok defined $at, 'with its outbox marker' or BAIL_OUT('no marker: is taskmgr_test_faults on?');
is $item->{OutboxShard}{S}, outbox_shard($t->{id}), 'OutboxShard from the task id (tm_outbox_shard)';
is scalar(notifs($u->{sub}, task => $t->{id})), 0, 'no notification yet';

$r = run_once();
is $r->{rc}, 0, 'scheduler --once: exit 0' or diag $r->{err};
ok scalar(grep { $_->{event} eq 'chain_finished' } @{ $r->{lines} }), 'logged: chain_finished';

my @n = notifs($u->{sub}, task => $t->{id});
is scalar(@n), 1, 'exactly one notification';
my $n = $n[0] || {};
is $n->{Type}{S}, 'task_completed', 'task_completed';
is $n->{EntitySort}{S}, 'NOTIF_' . substr(sha256_hex("$t->{id}|task_completed|$at"), 0, 32),
    'under the id derived from the completion time (OutboxAt)';
is $n->{NotificationTimestamp}{S}, $at, 'NotificationTimestamp = the completion time';
is $n->{TaskTitle}{S}, 'cut short', 'TaskTitle';
like $n->{Message}{S}, qr/"cut short" was completed/, 'the module\'s message';
is $n->{DeliveryEmail}{S}, 'sent', 'the email owed was delivered in the same run';
ok !exists $n->{OutboxShard}, 'the notification is out of the outbox';

$item = task_item($u->{sub}, $t->{id});
ok !exists $item->{OutboxShard} && !exists $item->{OutboxAt}, 'the task marker is removed';
is $item->{Version}{N}, 2, 'the task is otherwise as the first write left it';

my @m = mails(to => $u->{email});
is scalar(@m), 1, 'one mail';
like $m[0]{subject} // '', qr/cut short/, 'about the task';

$r = run_once(now => iso(time + 60));
is $r->{rc}, 0, 'again: exit 0';
is scalar(notifs($u->{sub}, task => $t->{id})), 1, 'still exactly one notification';
is scalar(mails(to => $u->{email})), 1, 'still one mail';

# the module finishing the chain itself while the scheduler replays it: a
# replayed put and a marker already gone are both no-ops
$r = api(POST => '/api/tasks', { title => 'completed whole' }, { bearer => $u->{token} });
my $t2 = $r->{json}{task};
$r = api(PATCH => "/api/tasks/$t2->{id}", { status => 'completed' }, { bearer => $u->{token} });
is $r->{status}, 200, 'a whole chain';
$r = run_once(now => iso(time + 60));
is $r->{rc}, 0, 'drain: exit 0';
is scalar(notifs($u->{sub}, task => $t2->{id}, type => 'task_completed')), 1, 'one notification';
is scalar(mails(to => $u->{email})), 2, 'and one more mail (two in all)';

done_testing;
