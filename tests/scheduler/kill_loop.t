#!/usr/bin/perl
# Crashes at random moments.  300 tasks due soon, their owners wanting
# email and SMS; the scheduler daemon is killed (SIGKILL) every 0.2-1.5 s
# (seeded: TASKMGR_KILL_SEED=<n> repeats a run's schedule) and started
# again, until nothing is owed; then a last pass must find nothing to do.
# Counted per task: in-app reminders and SMS lines (exactly one each: the
# notification id is deterministic, the SMS file skips a key it has),
# emails grouped by their Message-ID, which a resend keeps (none lost; a
# doubled email needs a kill after the end of DATA reached the relay and
# before the DynamoDB write that records it: counted, printed, under 1 %;
# README.md, "Scheduler", has the figures).  TASKMGR_KILL_USERS=<n> (default 30, ten
# tasks each) measures over more.  A stack of its own (stand-ins only, free
# ports), so that its mail and SMS are this file's alone.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $USERS = $ENV{TASKMGR_KILL_USERS} // 30;
my $PER = 10;
my $TASKS = $USERS * $PER;
my $BUDGET = 150;                       # s for the kill loop, at most

my $seed = $ENV{TASKMGR_KILL_SEED} // (time ^ $$) % 1_000_000;
srand $seed;
diag "kill seed: $seed (TASKMGR_KILL_SEED=$seed repeats it)";

my $stack = private_stack();
my $t0 = time;

# ---- 300 due tasks, owners with email and SMS on
my (%owner, @subs, %partitions);
{
    my @tasks;
    for my $i (1 .. $USERS) {
        my $sub = put_user(email => "kill-$i-" . new_uuid() . '@example.com',
                           phone => unique_phone(), prefs => { email => 1, sms => 1 });
        push @subs, $sub;
        push @tasks, map { { sub => $sub, title => "killed $i.$_",
                             due => iso($t0 + 3600 + int rand(20 * 3600)) } } 1 .. $PER;
    }
    my @ids = put_tasks(\@tasks);
    @owner{@ids} = map { $_->{sub} } @tasks;
    $partitions{ reminder_key($tasks[$_]{due}, $ids[$_]) } = 1 for 0 .. $#ids;
}
is scalar(keys %owner), $TASKS, "$TASKS tasks due within a day";

# a lease that ends soon after a kill (more than twice http_timeout, as
# the conf requires); failed sends come back within seconds too
my $conf = conf_with(send_lease => '5s', http_timeout => '2s', drain_interval => '1s',
                     scan_interval => '2s', overdue_window => '1h', retry_min => '1s',
                     retry_max => '2s');

# the work still owed: items in OutboxIndex (deliveries, leased or not)
# and tasks still in NotificationSentIndex
sub count {
    my ($index, $key, $value) = @_;
    my $j = ddb_ok(Query => { TableName => stack_env('TASKMGR_TABLE'), IndexName => $index,
                              KeyConditionExpression => "$key = :k",
                              ExpressionAttributeValues => { ':k' => { S => $value } },
                              Select => 'COUNT' });
    return $j->{Count};
}

sub owed {
    my $n = 0;
    $n += count(OutboxIndex => OutboxShard => "OUTBOX#$_") for 0 .. 7;
    $n += count(NotificationSentIndex => DueDate_NotificationSent => $_) for keys %partitions;
    return $n;
}

# ---- the kill loop
my ($kills, $quiet, %events) = (0, 0);
my $started = Time::HiRes::time();
while (Time::HiRes::time() - $started < $BUDGET) {
    my $d = start_daemon(conf => $conf);
    Time::HiRes::sleep(0.2 + rand 1.3);
    kill 'KILL', $d->{pid};
    waitpid $d->{pid}, 0;
    $kills++;
    $events{ $_->{event} }++ for daemon_lines($d);
    if (owed() == 0) {
        $quiet = 1;
        last;
    }
}
my $took = Time::HiRes::time() - $started;
ok $quiet, sprintf 'nothing owed after %d kills in %.0f s', $kills, $took;

{
    my $r = run_once(conf => $conf, timeout => 60);
    is $r->{rc}, 0, 'a last pass: exit 0' or diag $r->{err};
    my @did = grep { $_->{event} =~ /^(?:delivered|delivery_failed|lease_lost)$/ } @{ $r->{lines} };
    is scalar(@did), 0, 'it delivers nothing' or diag explain \@did;
    my ($pass) = grep { $_->{event} eq 'due_pass' } @{ $r->{lines} };
    is $pass && $pass->{reminded}, 0, 'and reminds of nothing';
}

# ---- per task: in-app, SMS, email
my (%inapp, %task_of, %states);
for my $sub (@subs) {
    for my $n (notifs($sub, type => 'task_due')) {
        $inapp{ $n->{TaskId}{S} }++;
        my $id = substr $n->{EntitySort}{S}, length 'NOTIF_';
        $task_of{$id} = $n->{TaskId}{S};
        $states{ ($n->{DeliveryEmail}{S} // 'none') . '/' . ($n->{DeliverySms}{S} // 'none') }++;
    }
}
my (%sms, %email);
for my $l (sms_lines()) {
    my $t = $task_of{ $l->{notification} } or next;
    $sms{$t}++;
}
for my $m (mails()) {
    my ($id) = ($m->{headers}{'message-id'} // '') =~ /^<([0-9a-f]{32})\.email@/ or next;
    my $t = $task_of{$id} or next;
    $email{$t}++;
}

sub tally {
    my ($per) = @_;
    my @lost = grep { !$per->{$_} } keys %owner;
    my @doubled = grep { ($per->{$_} // 0) > 1 } keys %owner;
    return (scalar @lost, scalar @doubled);
}

is_deeply \%states, { 'sent/sent' => $TASKS }, 'every email and SMS recorded sent';
my ($lost, $doubled) = tally(\%inapp);
is $lost, 0, 'in-app: none lost';
is $doubled, 0, 'in-app: none doubled';
($lost, $doubled) = tally(\%sms);
is $lost, 0, 'SMS: none lost';
is $doubled, 0, 'SMS: none doubled';
($lost, $doubled) = tally(\%email);
is $lost, 0, 'email: none lost';
my $pct = 100 * $doubled / $TASKS;
diag sprintf 'doubled emails: %d of %d (%.1f %%), %d kills in %.0f s, seed %d',
    $doubled, $TASKS, $pct, $kills, $took, $seed;
diag 'events: ', join ', ', map { "$_ $events{$_}" } sort keys %events;
cmp_ok $pct, '<', 1, 'email: doubled under 1 %';

done_testing;
