#!/usr/bin/perl
# Crashes at random moments.  300 reminders of mixed kinds (relative to a
# due date, absolute, several on one task, on tasks without a due date,
# some still to come while the loop runs), their owners wanting email and
# SMS; the scheduler daemon is killed (SIGKILL) after a life of 0.2-1.5 s
# (seeded: TASKMGR_KILL_SEED=<n> repeats a run's schedule) and started
# again, until nothing is owed; then a last pass must find nothing to do.
# Counted per reminder: in-app notifications and SMS lines (exactly one
# each: the notification id is deterministic, the SMS file skips a key it
# has), emails grouped by their Message-ID, which a resend keeps (none
# lost; a doubled email needs a kill after the end of DATA reached the
# relay and before the DynamoDB write that records it: counted, printed,
# under 1 %); every reminder recorded sent on its task.
#
# That window is mostly the relay's answer time (maildev: ~2-3 ms of a
# ~12 ms delivery), so about 1 kill in 5 during the sending doubles one:
# a round of 300 averages 1 doubled email, and shows 3 (1 %) by chance
# about once in 10.  A round at or over 1 % is therefore followed by 3 more
# (fresh reminders), and the 1,200 together must be under 1 %.  README.md,
# "Scheduler", has the figures.  TASKMGR_KILL_EVERY=<min>-<max> (seconds)
# and TASKMGR_KILL_USERS=<n> (ten reminders each) change the measure.  A
# stack of its own (stand-ins only, free ports): its mail and SMS are this
# file's alone.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $USERS = $ENV{TASKMGR_KILL_USERS} // 30;
my $PER = 10;
my $TASKS = $USERS * $PER;              # reminders, in fact
my $MORE = 3;                           # rounds added to one at 1 % or over
my $BUDGET = 150;                       # s for a round's kill loop, at most
my ($LIFE_MIN, $LIFE_MAX) = ($ENV{TASKMGR_KILL_EVERY} // '0.2-1.5') =~ /^([\d.]+)-([\d.]+)$/
    or die "TASKMGR_KILL_EVERY: <min>-<max> seconds\n";

my $seed = $ENV{TASKMGR_KILL_SEED} // (time ^ $$) % 1_000_000;
srand $seed;
diag "kill seed: $seed (TASKMGR_KILL_SEED=$seed repeats it)";

my $stack = private_stack();

# a lease that ends soon after a kill (more than twice http_timeout, as
# the conf requires); failed sends come back within seconds too
my $conf = conf_with(send_lease => '5s', http_timeout => '2s', drain_interval => '1s',
                     scan_interval => '2s', overdue_window => '1h', retry_min => '1s',
                     retry_max => '2s');

# the reminder partitions of every reminder loaded
my %partitions;

# each user's ten reminders on four tasks, all within the last 50 minutes
# or the next 20 s: (due, [reminders]) per task
sub mixed {
    my ($t0) = @_;
    my $r = sub { int rand $_[0] };
    my $a = $t0 + 1800 - $r->(1200);
    my $d = $t0 + 86400 - 1800 - $r->(300);
    return (
        [iso($a), [{ before => 'PT1H' }, { before => 'PT30M' }, { at => iso($t0 - $r->(600)) }]],
        [undef, [{ at => iso($t0 - $r->(1200)) }, { at => iso($t0 + $r->(20)) }]],
        [iso($t0 + $r->(20)), [{ before => 'PT0S' }]],
        [iso($d), [{ before => 'P1D' }, { before => 'PT23H30M' }, { at => iso($t0 - $r->(300)) },
                   { at => iso($t0 + $r->(15)) }]],
    );
}

# $TASKS reminders due, owners with email and SMS on: {task => sub}
sub load {
    my $t0 = time;
    my (@tasks, %owner);
    for my $i (1 .. $USERS) {
        my $sub = put_user(email => "kill-$i-" . new_uuid() . '@example.com',
                           phone => unique_phone(), prefs => { email => 1, sms => 1 });
        my $n = 0;
        push @tasks, map { { sub => $sub, title => "killed $i." . ++$n, due => $_->[0], reminders => $_->[1] } }
            mixed($t0);
    }
    my @ids = put_tasks(\@tasks);
    @owner{@ids} = map { $_->{sub} } @tasks;
    for my $id (@ids) {
        $partitions{ reminder_key($_->{fireAt}, $id) } = 1 for @{ reminders_of($owner{$id}, $id) };
    }
    return \%owner;
}

# the work still owed: items in OutboxIndex (deliveries, leased or not)
# and tasks still in ReminderIndex
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
    $n += count(ReminderIndex => ReminderKey => $_) for keys %partitions;
    return $n;
}

# started, killed after a random life, again, until nothing is owed
sub kill_loop {
    my %k = (kills => 0, quiet => 0, events => {});
    my $started = Time::HiRes::time();
    while (Time::HiRes::time() - $started < $BUDGET) {
        my $d = start_daemon(conf => $conf);
        Time::HiRes::sleep($LIFE_MIN + rand($LIFE_MAX - $LIFE_MIN));
        kill 'KILL', $d->{pid};
        waitpid $d->{pid}, 0;
        $k{kills}++;
        $k{events}{ $_->{event} }++ for daemon_lines($d);
        if (owed() == 0) {
            $k{quiet} = 1;
            last;
        }
    }
    $k{took} = Time::HiRes::time() - $started;
    return \%k;
}

# a reminder's count of one thing: (lost, doubled)
sub tally {
    my ($all, $per) = @_;
    return (scalar(grep { !$per->{$_} } keys %$all),
            scalar(grep { ($per->{$_} // 0) > 1 } keys %$all));
}

# one round: its doubled emails
sub round {
    my $owner = load();
    my (%all, %state);
    for my $id (keys %$owner) {
        for my $r (@{ reminders_of($owner->{$id}, $id) }) {
            $all{"$id/$r->{id}"} = 1;
        }
    }
    is scalar(keys %all), $TASKS, "$TASKS reminders on " . scalar(keys %$owner) . ' tasks';
    my $k = kill_loop();
    ok $k->{quiet}, sprintf 'nothing owed after %d kills (every %s-%s s) in %.0f s',
        $k->{kills}, $LIFE_MIN, $LIFE_MAX, $k->{took};

    my $r = run_once(conf => $conf, timeout => 60);
    is $r->{rc}, 0, 'a last pass: exit 0' or diag $r->{err};
    my @did = grep { $_->{event} =~ /^(?:delivered|delivery_failed|lease_lost)$/ } @{ $r->{lines} };
    is scalar(@did), 0, 'it delivers nothing' or diag explain \@did;
    my ($pass) = grep { $_->{event} eq 'due_pass' } @{ $r->{lines} };
    is $pass && $pass->{reminded}, 0, 'and reminds of nothing';

    my (%inapp, %of, %states, %sms, %email);
    my %subs = map { $_ => 1 } values %$owner;
    for my $sub (keys %subs) {
        for my $n (notifs($sub, type => 'task_due')) {
            my $key = "$n->{TaskId}{S}/" . ($n->{ReminderId}{S} // '?');
            $inapp{$key}++;
            $of{ substr $n->{EntitySort}{S}, length 'NOTIF_' } = $key;
            $states{ ($n->{DeliveryEmail}{S} // 'none') . '/' . ($n->{DeliverySms}{S} // 'none') }++;
        }
    }
    for my $id (keys %$owner) {
        $state{"$id/$_->{id}"} = $_->{state} for @{ reminders_of($owner->{$id}, $id) };
    }
    for my $l (sms_lines()) {
        my $key = $of{ $l->{notification} } or next;
        $sms{$key}++;
    }
    for my $m (mails()) {
        my ($id) = ($m->{headers}{'message-id'} // '') =~ /^<([0-9a-f]{32})\.email@/ or next;
        my $key = $of{$id} or next;
        $email{$key}++;
    }

    is_deeply [sort keys %inapp], [sort keys %all], 'in-app: a notification for each reminder, no other';
    is_deeply { map { $_ => 1 } values %state }, { sent => 1 }, 'every reminder recorded sent on its task';
    is_deeply \%states, { 'sent/sent' => $TASKS }, 'every email and SMS recorded sent';
    is_deeply [tally(\%all, \%inapp)], [0, 0], 'in-app: none lost, none doubled';
    is_deeply [tally(\%all, \%sms)], [0, 0], 'SMS: none lost, none doubled';
    my ($lost, $doubled) = tally(\%all, \%email);
    is $lost, 0, 'email: none lost';
    diag sprintf 'doubled emails: %d of %d (%.1f %%), %d kills in %.0f s; %s',
        $doubled, $TASKS, 100 * $doubled / $TASKS, $k->{kills}, $k->{took},
        join ', ', map { "$_ $k->{events}{$_}" } sort keys %{ $k->{events} };
    return $doubled;
}

my ($doubled, $rounds) = (0, 0);
do {
    $rounds++;
    subtest "round $rounds" => sub { $doubled += round() };
} while ($rounds == 1 && $doubled * 100 >= $TASKS || $rounds > 1 && $rounds <= $MORE);

my $pct = 100 * $doubled / ($rounds * $TASKS);
diag sprintf 'doubled emails in %d round%s: %d of %d (%.1f %%)', $rounds, $rounds > 1 ? 's' : '',
    $doubled, $rounds * $TASKS, $pct if $rounds > 1;
cmp_ok $pct, '<', 1, 'email: doubled under 1 %';

done_testing;
