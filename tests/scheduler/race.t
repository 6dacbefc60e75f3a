#!/usr/bin/perl
# Exactly one in-app reminder per task whatever happens to the schedulers:
# two racing over 500 due tasks; one killed (SIGKILL) mid-pass and run
# again; one stopped (SIGTERM) mid-pass, which finishes the task in hand.
# Deliveries too: of two schedulers only one sends each mail.
use strict;
use warnings;
use Test::More;
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

my $t0 = time;

sub events { my ($lines, $e) = @_; grep { $_->{event} eq $e } @$lines }

sub wait_for {
    my ($secs, $cond) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (Time::HiRes::time() < $deadline) {
        return 1 if $cond->();
        Time::HiRes::sleep(0.05);
    }
    return $cond->();
}

# users, each with $per tasks due within the next 23 hours; the first
# $mailers users want email
sub load {
    my ($users, $per, $mailers) = @_;
    my (@subs, %email, @tasks);
    for my $i (1 .. $users) {
        my $e = 'race-' . new_uuid() . '@example.com';
        my $sub = put_user(email => $e, prefs => { email => $i <= $mailers ? 1 : 0 });
        push @subs, $sub;
        $email{$sub} = $e;
        push @tasks, map { { sub => $sub, title => "task $i.$_",
                             due => iso($t0 + 3600 + int rand(22 * 3600)) } } 1 .. $per;
    }
    my @ids = put_tasks(\@tasks);
    my %owner = map { $ids[$_] => $tasks[$_]{sub} } 0 .. $#ids;
    return (\@subs, \%email, \%owner);
}

# task id -> number of task_due notifications, over these users
sub reminders {
    my ($subs) = @_;
    my %n;
    for my $s (@$subs) {
        $n{ $_->{TaskId}{S} }++ for notifs($s, type => 'task_due');
    }
    return \%n;
}

sub still_armed {
    my ($owner) = @_;
    return grep { exists task_item($owner->{$_}, $_)->{ReminderKey} } keys %$owner;
}

subtest 'two schedulers racing over 500 due tasks' => sub {
    my ($subs, $email, $owner) = load(50, 10, 5);
    is scalar(keys %$owner), 500, '500 tasks loaded';
    my @d = map { start_daemon(once => 1) } 1 .. 2;
    my @st = map { stop_daemon($_, 0, 300) } @d;
    is_deeply \@st, [0, 0], 'both exit 0';
    my $n = reminders($subs);
    is scalar(keys %$n), 500, 'every task has a reminder';
    is scalar(grep { $n->{$_} != 1 } keys %$n), 0, 'and exactly one each';
    my $total = 0;
    $total += $_ for values %$n;
    is $total, 500, 'exactly 500 in-app notifications';
    my $reminded = 0;
    for my $d (@d) {
        $reminded += $_->{reminded} for events([daemon_lines($d)], 'due_pass');
    }
    is $reminded, 500, 'the two passes together wrote 500 (the rest were no-op replays)';
    note 'reminded by each: ', join ' + ', map {
        my $d = $_; my $x = 0; $x += $_->{reminded} for events([daemon_lines($d)], 'due_pass'); $x } @d;
    is scalar(still_armed($owner)), 0, 'every task marked and out of the index';
    my $mails = 0;
    for my $s (@$subs[0 .. 4]) {
        $mails += scalar mails(to => $email->{$s});
    }
    is $mails, 50, 'the 5 users who want email got 50 mails: each sent by one scheduler only';
};

subtest 'SIGKILL mid-pass, then run again' => sub {
    my ($subs, undef, $owner) = load(30, 10, 0);
    my $conf = conf_with(log_level => 'debug');
    my $d = start_daemon(once => 1, conf => $conf);
    my $got = wait_for(60, sub { events([daemon_lines($d)], 'reminded') >= 40 });
    ok $got, 'the pass is under way';
    kill 'KILL', $d->{pid};
    waitpid $d->{pid}, 0;
    my $n = reminders($subs);
    my $done = scalar keys %$n;
    cmp_ok $done, '<', 300, "killed part way ($done of 300 reminded)";
    my $r = run_once();
    is $r->{rc}, 0, 'run again: exit 0' or diag $r->{err};
    $n = reminders($subs);
    is scalar(keys %$n), 300, 'now every task has a reminder';
    is scalar(grep { $n->{$_} != 1 } keys %$n), 0, 'exactly one each';
    is scalar(still_armed($owner)), 0, 'every task marked';
};

subtest 'SIGTERM mid-pass finishes the task in hand and exits 0' => sub {
    my ($subs, undef, $owner) = load(20, 10, 0);
    my $conf = conf_with(log_level => 'debug');
    my $d = start_daemon(conf => $conf);
    ok wait_for(60, sub { events([daemon_lines($d)], 'reminded') >= 20 }), 'the pass is under way';
    my $st = stop_daemon($d, 'TERM', 30);
    is $st, 0, 'exit 0';
    my $n = reminders($subs);
    my %armed = map { $_ => 1 } still_armed($owner);
    my @half = grep { $armed{$_} } keys %$n;
    is scalar(@half), 0, 'no task left half done (reminded but not marked)';
    ok scalar(keys %armed) > 0, 'it stopped before the end (' . scalar(keys %armed) . ' left)';
    is run_once()->{rc}, 0, 'the rest: exit 0';
    $n = reminders($subs);
    is scalar(grep { $n->{$_} == 1 } keys %$owner), 200, 'then exactly one reminder each';
};

done_testing;
