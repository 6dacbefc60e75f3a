#!/usr/bin/perl
# The due-date pass (taskmgr-scheduler --once --now): a task due within 24
# hours is reminded once, in the app, under the id derived from the task
# and its due date; a second pass adds nothing; one due later is reminded
# when the clock gets there; a new due date (PATCH through the API) re-arms
# the reminder; an overdue task never reminded is reminded once, within
# overdue_window; a completed one never.
use strict;
use warnings;
use Test::More;
use Digest::SHA qw(sha256_hex);
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $t0 = time;
my $u = register_with_prefs(tag => 'due');           # email off, sms off
my $sub = $u->{sub};

sub create {
    my ($title, $due) = @_;
    my $r = api(POST => '/api/tasks', { title => $title, (defined $due ? (dueDate => $due) : ()) },
                { bearer => $u->{token} });
    die "POST /api/tasks: $r->{status} $r->{raw}\n" unless $r->{status} == 201;
    return $r->{json}{task};
}

# "is due tomorrow at 4:05 AM (UTC)", as common/tm_when.c says it in UTC;
# 23:59 is a date without a time there
sub utc_when {
    my ($now, $due) = @_;
    my @d = gmtime $due;
    my $days = int($due / 86400) - int($now / 86400);
    my $day = (qw(today tomorrow))[$days] // die "due $days days on\n";
    return "is due $day" if $d[2] == 23 && $d[1] == 59;
    return sprintf 'is due %s at %d:%02d %s (UTC)', $day, $d[2] % 12 || 12, $d[1],
        $d[2] < 12 ? 'AM' : 'PM';
}

sub due_notifs { notifs($sub, task => $_[0], type => 'task_due') }

sub pass_ok {
    my ($now, $name) = @_;
    my $r = run_once(now => $now);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    my ($p) = grep { $_->{event} eq 'due_pass' } @{ $r->{lines} };
    ok $p, "$name: a due_pass log line" or diag $r->{err};
    return $p || {};
}

my $soon = create('due in 20 hours', iso($t0 + 20 * 3600));
my $later = create('due in 30 hours', iso($t0 + 30 * 3600));
my $late = create('overdue by 2 hours', iso($t0 - 2 * 3600));
my $ancient = create('overdue by 10 days', iso($t0 - 10 * 86400));
my $undated = create('no due date');
my $done = create('completed, due in 2 hours', iso($t0 + 2 * 3600));
my $r = api(PATCH => "/api/tasks/$done->{id}", { status => 'completed' }, { bearer => $u->{token} });
is $r->{status}, 200, 'completing a task' or diag $r->{raw};

my $item = task_item($sub, $soon->{id});
is $item->{DueDate_NotificationSent}{S}, reminder_key($item->{DueDate}{S}, $soon->{id}),
    "the module's reminder key is the one the tests compute (tm_task_reminder_key)";

my $p = pass_ok(iso($t0), 'first pass');
cmp_ok $p->{reminded}, '>=', 2, 'it reminded at least the two tasks due';

my @n = due_notifs($soon->{id});
is scalar(@n), 1, 'due in 20 h: one task_due notification';
my $n = $n[0] || {};
my $id = substr(sha256_hex("$soon->{id}|task_due|$item->{DueDate}{S}"), 0, 32);
is $n->{EntitySort}{S}, "NOTIF_$id", 'its id: sha256(task|task_due|due date), 32 hex digits';
is $n->{Type}{S}, 'task_due', 'Type task_due';
is $n->{TaskId}{S}, $soon->{id}, 'TaskId';
is $n->{TaskTitle}{S}, 'due in 20 hours', 'TaskTitle';
is $n->{Message}{S}, 'Task "due in 20 hours" ' . utc_when($t0, $t0 + 20 * 3600),
    'Message names the task and when, in UTC (the user set no zone)';
like $n->{NotificationTimestamp}{S} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    'NotificationTimestamp with milliseconds';
is $n->{Notif_isRead}{BOOL}, JSON::PP::false(), 'unread';
my $exp = $n->{NotificationExpiry}{N} // 0;
ok abs($exp - ($t0 + 30 * 86400)) < 120, 'NotificationExpiry: now + 30 days' or diag $exp;
ok !exists $n->{DeliveryEmail} && !exists $n->{DeliverySms}, 'no delivery: preferences are off';
ok !exists $n->{OutboxShard} && !exists $n->{OutboxAt}, 'so no outbox marker';

$item = task_item($sub, $soon->{id});
is $item->{NotificationSent}{BOOL}, JSON::PP::true(), 'the task is marked NotificationSent';
ok !exists $item->{DueDate_NotificationSent}, 'and is out of the reminder index';
$r = api(GET => "/api/tasks/$soon->{id}", undef, { bearer => $u->{token} });
is $r->{json}{task}{notificationSent}, JSON::PP::true(), 'the API says notificationSent: true';

is scalar(due_notifs($later->{id})), 0, 'due in 30 h: not reminded yet';
ok exists task_item($sub, $later->{id})->{DueDate_NotificationSent}, 'still awaiting its reminder';
is scalar(due_notifs($late->{id})), 1, 'overdue by 2 h, never reminded: reminded once';
is scalar(due_notifs($ancient->{id})), 0, 'overdue by 10 days (beyond overdue_window 7d): not reminded';
is scalar(notifs($sub, task => $undated->{id})), 0, 'no due date: nothing';
is scalar(due_notifs($done->{id})), 0, 'completed: no reminder';

$p = pass_ok(iso($t0 + 60), 'second pass');
is $p->{reminded}, 0, 'second pass: nothing new reminded';
is scalar(due_notifs($soon->{id})), 1, 'still one notification for the task due in 20 h';
is scalar(due_notifs($late->{id})), 1, 'still one for the overdue one';

$p = pass_ok(iso($t0 + 7 * 3600), 'the clock 7 h on');
is scalar(due_notifs($later->{id})), 1, 'the task due in 30 h (now 23 h) is reminded';
is scalar(due_notifs($soon->{id})), 1, 'the first one still once';

# a new due date re-arms the reminder: another notification, another id
my $new_due = iso($t0 + 22 * 3600);
$r = api(PATCH => "/api/tasks/$soon->{id}", { dueDate => $new_due }, { bearer => $u->{token} });
is $r->{status}, 200, 'PATCH dueDate' or diag $r->{raw};
$item = task_item($sub, $soon->{id});
is $item->{NotificationSent}{BOOL}, JSON::PP::false(), 'NotificationSent false again';
is $item->{DueDate_NotificationSent}{S}, reminder_key($new_due, $soon->{id}), 'back in the index under the new day';
pass_ok(iso($t0 + 120), 'pass after the new due date');
@n = due_notifs($soon->{id});
is scalar(@n), 2, 'two reminders now, one per due date';
my %ids = map { $_->{EntitySort}{S} => 1 } @n;
ok $ids{"NOTIF_" . substr(sha256_hex("$soon->{id}|task_due|$new_due"), 0, 32)},
    'the new one under the id of the new due date';
pass_ok(iso($t0 + 180), 'and again');
is scalar(due_notifs($soon->{id})), 2, 'still two';

# the window is [now, now + 24 h]: a pass with the clock past a due date
# plus the overdue window does not find it
my $x = put_task(sub => $sub, title => 'edge', due => iso($t0 + 24 * 3600 + 300));
pass_ok(iso($t0), 'due 24 h 5 min ahead');
is scalar(due_notifs($x)), 0, 'beyond 24 h: not yet';
pass_ok(iso($t0 + 600), 'ten minutes later');
is scalar(due_notifs($x)), 1, 'within 24 h: reminded';

done_testing;
