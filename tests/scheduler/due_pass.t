#!/usr/bin/perl
# The reminder pass (taskmgr-scheduler --once --now), over tasks made
# through the API and, for states the API does not make, written
# straight: each reminder of a task fires at its FireAt and not before,
# once, under the id derived from the task, FireAt and reminder id;
# relative ones ("PT1H" before due) and absolute ones alike, on a task
# without a due date too; the task's reminder key moves to the next one
# pending and goes with the last; a reminder that fires late says so; one
# older than overdue_window never fires; a completed task leaves the index
# without a word; a pass cut between the notification and the task's
# update is finished by the next one without a second notification.  The
# API shows reminderId and dueDate.
use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);
use POSIX ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');

# a whole minute, some hours before the next UTC midnight: the texts' day
# words ("today") stay put
my $t0 = time;
$t0 = $t0 - $t0 % 86400 + 86400 + 8 * 3600;

my $u = register_with_prefs(tag => 'due');          # email off, sms off
my $sub = $u->{sub};

# "is due today at 10:00 AM (UTC)", as common/tm_when.c says it in UTC
sub utc_when {
    my ($now, $due) = @_;
    my @d = gmtime $due;
    my $days = int($due / 86400) - int($now / 86400);
    my $day = (qw(today tomorrow))[$days] // die "due $days days on\n";
    my $was = $due < $now ? 'was' : 'is';
    return sprintf '%s due %s at %d:%02d %s (UTC)', $was, $day, $d[2] % 12 || 12, $d[1],
        $d[2] < 12 ? 'AM' : 'PM';
}

sub due_notifs { notifs($sub, task => $_[0], type => 'task_due') }

sub pass_ok {
    my ($now, $name) = @_;
    my $r = run_once(now => iso($now));
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    my ($p) = grep { $_->{event} eq 'due_pass' } @{ $r->{lines} };
    ok $p, "$name: a due_pass log line" or diag $r->{err};
    return $p || {};
}

sub states { join ' ', map { $_->{state} } @{ reminders_of($sub, $_[0]) } }

# a task through the API: its id
sub create {
    my ($body) = @_;
    my $r = api(POST => '/api/tasks', $body, { bearer => $u->{token} });
    die "POST /api/tasks: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task}{id};
}

sub notif_id {
    my ($task, $fire, $rid) = @_;
    return 'NOTIF_' . substr(sha256_hex("$task|task_due|$fire#$rid"), 0, 32);
}

# ---- a task due at t0 + 2 h, reminded 1 h and 15 min before, and at an
# absolute time half an hour from t0
my $due = iso($t0 + 2 * 3600);
my $a = create({ title => 'Pay rent', dueDate => $due,
                 reminders => [{ before => 'PT1H' }, { before => 'PT15M' }, { at => iso($t0 + 1800) }] });
my $rs = reminders_of($sub, $a);
my %rid = map { ($_->{before} // 'at') => $_->{id} } @$rs;

my $item = task_item($sub, $a);
is $item->{ReminderAt}{S}, iso($t0 + 1800), 'ReminderAt: the earliest pending FireAt';
is $item->{ReminderKey}{S}, reminder_key(iso($t0 + 1800), $a), 'ReminderKey: its day and the task\'s shard';

my $p = pass_ok($t0, 'at t0');
is scalar(due_notifs($a)), 0, 'nothing fires before its time';

pass_ok($t0 + 1799, 'a second before the first reminder');
is scalar(due_notifs($a)), 0, 'still nothing';

$p = pass_ok($t0 + 1800, 'at the absolute reminder\'s time');
cmp_ok $p->{reminded}, '>=', 1, 'reminded counted';
my @n = due_notifs($a);
is scalar(@n), 1, 'one task_due notification' or diag explain \@n;
my $n = $n[0] || {};
is $n->{EntitySort}{S}, notif_id($a, iso($t0 + 1800), $rid{at}),
    'its id: sha256(task|task_due|<FireAt>#<reminder id>), 32 hex digits';
is $n->{Message}{S}, 'Task "Pay rent" ' . utc_when($t0 + 1800, $t0 + 2 * 3600),
    'Message names the task and when it is due, in UTC (no zone set)';
is $n->{ReminderId}{S}, $rid{at}, 'ReminderId';
is $n->{TaskDueDate}{S}, $due, 'TaskDueDate';
is $n->{ReminderFireAt}{S}, iso($t0 + 1800), 'ReminderFireAt';
ok !exists $n->{ReminderLate}, 'not late';
ok !exists $n->{DeliveryEmail} && !exists $n->{OutboxShard}, 'no delivery: preferences are off';
is states($a), 'pending pending sent', 'that reminder is sent, the others pending';
$item = task_item($sub, $a);
is $item->{NotificationSent}{BOOL}, JSON::PP::true(), 'NotificationSent true';
is $item->{Version}{N}, 1, 'Version not raised (the pass is not a user\'s write: the ETag stays)';
is $item->{ReminderAt}{S}, iso($t0 + 3600), 'ReminderAt moved to the next pending one';
is $item->{ReminderKey}{S}, reminder_key(iso($t0 + 3600), $a), 'and ReminderKey with it';

my $r = api(GET => '/api/notifications', undef, { bearer => $u->{token} });
my ($j) = grep { $_->{taskId} eq $a } @{ $r->{json}{items} || [] };
is $j && $j->{reminderId}, $rid{at}, 'the API: reminderId';
is $j && $j->{dueDate}, $due, 'the API: dueDate';

$p = pass_ok($t0 + 1830, 'again');
is $p->{reminded}, 0, 'nothing new';
is scalar(due_notifs($a)), 1, 'still one';

pass_ok($t0 + 3600 + 20, '20 s after the PT1H reminder');
is scalar(due_notifs($a)), 2, 'it fired';
is states($a), 'sent pending sent', 'sent';

# the scheduler "down" for the PT15M one: a pass 20 minutes after it
$p = pass_ok($t0 + 7200 - 900 + 1200, '20 min after the PT15M reminder');
is $p->{late}, 1, 'one late';
my ($late) = grep { $_->{ReminderId}{S} eq $rid{PT15M} } due_notifs($a);
ok $late, 'the PT15M reminder fired' or BAIL_OUT('no late reminder');
is $late->{ReminderLate}{BOOL}, JSON::PP::true(), 'ReminderLate';
my @f = gmtime($t0 + 7200 - 900);
is $late->{Message}{S}, 'Task "Pay rent" ' . utc_when($t0 + 7200 + 300, $t0 + 7200)
    . '. Late reminder, set for ' . POSIX::strftime('%A, ', @f) . $f[3] . POSIX::strftime(' %B %Y', @f)
    . sprintf(' at %d:%02d %s (UTC)', $f[2] % 12 || 12, $f[1], $f[2] < 12 ? 'AM' : 'PM'),
    'its message says it is late and when it was set for';
$item = task_item($sub, $a);
ok !exists $item->{ReminderKey} && !exists $item->{ReminderAt}, 'none pending: out of the index';
is states($a), 'sent sent sent', 'all sent';

# ---- no due date, one absolute reminder
my $b = create({ title => 'Water the plants', reminders => [{ at => iso($t0 + 600) }] });
pass_ok($t0 + 600, 'an absolute reminder on a task without a due date');
@n = due_notifs($b);
is scalar(@n), 1, 'it fired';
is $n[0] && $n[0]{Message}{S}, 'Reminder: task "Water the plants"', 'a reminder without a due time';
ok $n[0] && !exists $n[0]{TaskDueDate}, 'no TaskDueDate';

# ---- completed, yet in the index (not written so by the module)
my $c = put_task(sub => $sub, title => 'done already', due => iso($t0 + 3600),
                 reminders => [{ at => iso($t0 + 60) }]);
ddb_ok(UpdateItem => { TableName => $TABLE,
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$c" } },
    UpdateExpression => 'SET #s = :c', ExpressionAttributeNames => { '#s' => 'Status' },
    ExpressionAttributeValues => { ':c' => { S => 'completed' } } });
pass_ok($t0 + 120, 'a completed task in the index');
is scalar(due_notifs($c)), 0, 'no reminder for it';
ok !exists task_item($sub, $c)->{ReminderKey}, 'and it left the index';
is states($c), 'cancelled', 'its reminder cancelled';

# ---- in the trash, yet in the index
my $tr = put_task(sub => $sub, title => 'trashed', due => iso($t0 + 3600), reminders => [{ at => iso($t0 + 60) }]);
ddb_ok(UpdateItem => { TableName => $TABLE,
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$tr" } },
    UpdateExpression => 'SET TrashedAt = :t', ExpressionAttributeValues => { ':t' => { S => iso($t0) } } });
pass_ok($t0 + 120, 'a task in the trash in the index');
is scalar(due_notifs($tr)), 0, 'no reminder for it';
ok !exists task_item($sub, $tr)->{ReminderKey}, 'and it left the index';

# ---- overdue_window (7 days): a reminder a minute inside it fires late;
# two minutes later it is outside the query, never fires
my $d = put_task(sub => $sub, title => 'inside', reminders => [{ at => iso($t0 - 7 * 86400 + 60) }]);
my $e = put_task(sub => $sub, title => 'outside', reminders => [{ at => iso($t0 - 7 * 86400 - 60) }]);
pass_ok($t0, 'reminders a week old');
is scalar(due_notifs($d)), 1, 'within overdue_window: fired once';
is scalar(due_notifs($e)), 0, 'beyond it: never';

# ---- a pass cut between (1) the notification and (2) the task's update:
# the reminder pending again as before (2)
my $f = put_task(sub => $sub, title => 'cut', due => iso($t0 + 3600), reminders => [{ before => 'PT30M' }]);
pass_ok($t0 + 1800, 'the reminder of "cut"');
is scalar(due_notifs($f)), 1, 'fired';
my $fire = iso($t0 + 1800);
ddb_ok(UpdateItem => { TableName => $TABLE,
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$f" } },
    UpdateExpression => 'SET Reminders[0].#st = :p, ReminderKey = :k, ReminderAt = :at',
    ExpressionAttributeNames => { '#st' => 'State' },
    ExpressionAttributeValues => { ':p' => { S => 'pending' }, ':k' => { S => reminder_key($fire, $f) },
                                   ':at' => { S => $fire } } });
$p = pass_ok($t0 + 1830, 'the next pass');
cmp_ok $p->{replayed}, '>=', 1, 'a replay counted';
is scalar(due_notifs($f)), 1, 'still one notification';
is states($f), 'sent', 'the reminder sent';
ok !exists task_item($sub, $f)->{ReminderKey}, 'out of the index';

# ---- a task written by its user since it was created (Version 2): the
# update's condition is on the Version read, whatever it is
my $g = put_task(sub => $sub, title => 'raced', due => iso($t0 + 3600), reminders => [{ before => 'PT1H' }]);
ddb_ok(UpdateItem => { TableName => $TABLE,
    Key => { EntityPartition => { S => "USER_$sub" }, EntitySort => { S => "TASK_$g" } },
    UpdateExpression => 'SET Version = :v', ExpressionAttributeValues => { ':v' => { N => '2' } } });
pass_ok($t0, 'a task written since (Version 2)');
is scalar(due_notifs($g)), 1, 'reminded';
is states($g), 'sent', 'and marked: the condition is on the Version read';

done_testing;
