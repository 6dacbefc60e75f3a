#!/usr/bin/perl
# Replicas sharing the shards by leases (scheduler/sched_lease.c).  Three
# daemons with shard_leases on and a 3 s lease, over 1,000 tasks due
# within a day; one is killed (SIGKILL) in the middle of its pass.  Then:
# every task has its in-app reminder exactly once; the killed replica's
# shards were taken by the others within one lease period (the lease
# items say so too); each replica's shard passes were on shards it held
# at the time (its log: lease_taken / lease_released / lease_lost, and a
# shard_pass line for each shard worked).  SIGTERM: the replica's lease
# items go at once, and the last one takes its shards without waiting
# for an expiry.  --once with leases: takes every free shard for the
# pass, leaves no lease behind.  The conf's limits.  A stack of its own.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $LEASE = 3;                          # s
my $SHARDS = 8;
my $USERS = $ENV{TASKMGR_REPLICAS_USERS} // 100;
my $TASKS = $USERS * 10;

my $stack = private_stack();

sub conf_of {
    my ($id) = @_;
    return conf_with(shard_leases => 'on', lease => "${LEASE}s", replica_id => $id,
                     scan_interval => '1h', drain_interval => '1s',
                     overdue_window => '1h', log_level => 'debug');
}

# the lease partition: {shards => {n => {owner, expires (s)}}, replicas => {id => expires}}
sub leases {
    my $j = ddb_ok(Query => { TableName => stack_env('TASKMGR_TABLE'),
                              KeyConditionExpression => 'EntityPartition = :p',
                              ExpressionAttributeValues => { ':p' => { S => 'SCHEDLEASE' } },
                              ConsistentRead => JSON::PP::true() });
    my %l = (shards => {}, replicas => {});
    for my $i (@{ $j->{Items} }) {
        my $exp = $i->{ExpiresAt}{N} / 1000;
        if ($i->{EntitySort}{S} =~ /^SHARD#(\d+)$/) {
            $l{shards}{$1} = { owner => $i->{Owner}{S}, expires => $exp };
        } elsif ($i->{EntitySort}{S} =~ /^REPLICA#(.+)$/) {
            $l{replicas}{$1} = $exp;
        }
    }
    return \%l;
}

# replays a replica's log: the shards it held after it, and the shard
# passes made on a shard it did not hold (or past its lease)
sub replay {
    my ($d) = @_;
    my (%held, @bad, %passes);
    for my $l (daemon_lines($d)) {
        my $e = $l->{event};
        if ($e eq 'lease_taken') {
            $held{ $l->{shard} } = 1;
        } elsif ($e eq 'lease_released' || $e eq 'lease_lost') {
            delete $held{ $l->{shard} };
        } elsif ($e eq 'shard_pass') {
            $passes{"$l->{pass} $l->{shard}"}++;
            push @bad, $l unless $held{ $l->{shard} } && iso_epoch($l->{lease_until}) > iso_epoch($l->{time});
        }
    }
    return ({ map { $_ => 1 } keys %held }, \@bad, \%passes);
}

# ---- 1,000 tasks due within a day, owners with no email or SMS
my $t0 = time;
my (@tasks, %owner);
for my $i (1 .. $USERS) {
    my $sub = put_user(prefs => {});
    push @tasks, map { { sub => $sub, title => "replica $i.$_", reminders => [{ at => iso($t0) }],
                         due => iso($t0 + 3600 + int rand(20 * 3600)) } } 1 .. 10;
}
my @ids = put_tasks(\@tasks);
@owner{@ids} = map { $_->{sub} } @tasks;
my %partitions = map { reminder_key(iso($t0), $ids[$_]) => 1 } 0 .. $#ids;

# tasks still awaiting their reminder
sub pending {
    my $n = 0;
    for my $k (keys %partitions) {
        $n += ddb_ok(Query => { TableName => stack_env('TASKMGR_TABLE'), IndexName => 'ReminderIndex',
                                KeyConditionExpression => 'ReminderKey = :k',
                                ExpressionAttributeValues => { ':k' => { S => $k } },
                                Select => 'COUNT' })->{Count};
    }
    return $n;
}
is scalar(@ids), $TASKS, "$TASKS tasks due within a day";

# ---- three replicas; one killed in the middle of its pass
my %d = map { $_ => start_daemon(conf => conf_of($_)) } qw(r1 r2 r3);
END { for my $x (values %d) { kill 'KILL', $x->{pid} if $x && $x->{pid} && kill 0, $x->{pid} } }

my $reminded = sub { scalar grep { $_->{event} eq 'reminded' } map { daemon_lines($_) } values %d };
ok wait_until(60, sub { $reminded->() >= $TASKS / 5 }, 0.2), 'the replicas are reminding';

# the victim: one in its pass that holds shards
my ($victim) = sort { keys %{ (replay($d{$b}))[0] } <=> keys %{ (replay($d{$a}))[0] } }
               grep { !grep { $_->{event} eq 'due_pass' } daemon_lines($d{$_}) } sort keys %d;
$victim //= 'r2';
my ($vheld) = replay($d{$victim});
my $t_kill = Time::HiRes::time();
is stop_daemon($d{$victim}, 'KILL', 10), 9, "$victim killed (SIGKILL) holding shards "
    . join(',', sort keys %$vheld);
ok !grep({ $_->{event} eq 'due_pass' } daemon_lines($d{$victim})), "$victim was in its pass";
my %victim_shards = %$vheld;
cmp_ok scalar(keys %victim_shards), '>', 0, 'and held shards then';
my @alive = grep { $_ ne $victim } sort keys %d;

# the others take its shards once its leases run out
ok wait_until(2 * $LEASE + 5, sub {
        my $l = leases();
        !grep { ($l->{shards}{$_}{owner} // '') eq $victim || ($l->{shards}{$_}{expires} // 0) < time } 0 .. $SHARDS - 1;
    }), 'every shard is held by a live replica again';
{
    my $l = leases();
    my %by = map { $_ => $l->{shards}{$_}{owner} } 0 .. $SHARDS - 1;
    ok !grep({ !defined $by{$_} || $by{$_} eq $victim } keys %by), 'none of them is the killed one\'s'
        or diag explain \%by;
    my @takes = grep { $_->{event} eq 'lease_taken' && ($_->{from} // '') eq $victim }
                map { daemon_lines($d{$_}) } @alive;
    is_deeply [sort { $a <=> $b } map { $_->{shard} } @takes], [sort { $a <=> $b } keys %victim_shards],
        'its shards were taken from it by the others, each once';
    my $late = 0;
    for my $t (@takes) {
        my $after = iso_epoch($t->{time}) - $t_kill;
        $late = $after if $after > $late;
    }
    cmp_ok $late, '<=', $LEASE + 0.5, sprintf 'within a lease of the kill (%.1f s)', $late;
    my %n;
    $n{$_}++ for values %by;
    diag 'shards now: ' . join ', ', map { "$_ $n{$_}" } sort keys %n;
    cmp_ok abs(($n{ $alive[0] } // 0) - ($n{ $alive[1] } // 0)), '<=', 1, 'shared fairly between the two left';
}

# every task reminded in-app exactly once
ok wait_until(60, sub { pending() == 0 }), 'all reminded: none left in the reminder index'
    or diag explain { map { my $id = $_; ($id => [grep { $_->{event} =~ /^(?:due_pass|lease_|ddb_error)/ }
                                                  daemon_lines($d{$id})]) } @alive };
{
    my (%inapp, %seen);
    for my $sub (grep { !$seen{$_}++ } values %owner) {
        $inapp{ $_->{TaskId}{S} }++ for notifs($sub, type => 'task_due');
    }
    is scalar(grep { !$inapp{$_} } keys %owner), 0, 'in-app: none lost';
    is scalar(grep { ($inapp{$_} // 0) > 1 } keys %owner), 0, 'in-app: none doubled';
    my @unsent = grep { !(task_item($owner{$_}, $_)->{NotificationSent}{BOOL}) } @ids[0 .. 49];
    is scalar(@unsent), 0, 'tasks marked notified';
}

# each replica worked only shards it held
for my $id (sort keys %d) {
    my (undef, $bad, $passes) = replay($d{$id});
    is scalar(@$bad), 0, "$id: every shard pass on a shard it held (" . scalar(keys %$passes) . ' shard passes)'
        or diag explain $bad;
}

# ---- SIGTERM: leases let go at once
{
    my ($term, $last) = @alive;
    my ($held) = replay($d{$term});
    my $t = Time::HiRes::time();
    is stop_daemon($d{$term}, 'TERM', 10), 0, "$term stopped (SIGTERM): exit 0";
    my $l = leases();
    is scalar(grep { ($l->{shards}{$_}{owner} // '') eq $term } 0 .. $SHARDS - 1), 0,
        'no lease of it left, at once';
    ok !exists $l->{replicas}{$term}, 'nor its heartbeat';
    is scalar(grep { $_->{event} eq 'lease_released' && $_->{why} eq 'stop' } daemon_lines($d{$term})),
        scalar(keys %$held), 'it logged a release for each shard it held';
    ok wait_until($LEASE, sub { my $m = leases(); !grep { ($m->{shards}{$_}{owner} // '') ne $last } 0 .. $SHARDS - 1 }),
        "$last holds every shard within a lease (no wait for expiry)";
    diag sprintf '%s took them all %.1f s after the SIGTERM', $last, Time::HiRes::time() - $t;
    is stop_daemon($d{$last}, 'TERM', 10), 0, "$last stopped (SIGTERM)";
    $l = leases();
    is scalar(keys %{ $l->{shards} }) + scalar(keys %{ $l->{replicas} }), 0, 'no lease item left';
}

# ---- --once with leases: all free shards for one pass, none kept
{
    my $r = run_once(conf => conf_of('once'), timeout => 60);
    is $r->{rc}, 0, '--once with shard_leases: exit 0' or diag $r->{err};
    is scalar(grep { $_->{event} eq 'lease_taken' } @{ $r->{lines} }), $SHARDS, 'it took every shard';
    my $l = leases();
    is scalar(keys %{ $l->{shards} }) + scalar(keys %{ $l->{replicas} }), 0, 'and let them go';
    my ($exit) = grep { $_->{event} eq 'exit' } @{ $r->{lines} };
    ok $exit && ref $exit->{ddb_calls} eq 'HASH', 'its exit line counts the DynamoDB calls by shard';
}

# ---- the conf refuses a lease too short to renew, an id too long
for ([lease => '2s', qr/lease: at least 3s/], [replica_id => 'x' x 101, qr/replica_id: at most 100/]) {
    my ($k, $v, $why) = @$_;
    my $r = run_once(conf => conf_with(shard_leases => 'on', $k => $v), timeout => 30);
    is $r->{rc}, 2, "$k = " . substr($v, 0, 8) . ': exit 2';
    my ($e) = grep { $_->{event} eq 'conf_error' } @{ $r->{lines} };
    like $e && $e->{error}, $why, 'and says why';
}

done_testing;
