#!/usr/bin/perl
# Repeating tasks through the API and the scheduler (--now): each
# occurrence's reminder fires at its due time and not a second before, and
# completing moves the task to the next one: monthly on the 31st (months
# without one skipped), monthly on the last Friday (-1FR), COUNT and UNTIL
# ending the series (the task then stays completed and nothing more
# fires), and a series repeating from completion (the next due date counts
# from the day it was done, not from the due date).
use strict;
use warnings;
use Test::More;
use POSIX qw(strftime);
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

sub req {
    my ($u, $method, $path, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = api($method => $path, $body, { bearer => $u->{token} });
    ok $r->{status} == 200 || $r->{status} == 201, "$method $path" or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub due_count {
    my ($u, $id) = @_;
    my $r = api(GET => '/api/notifications?limit=100', undef, { bearer => $u->{token} });
    return scalar grep { $_->{type} eq 'task_due' && $_->{taskId} eq $id } @{ $r->{json}{items} || [] };
}

# the reminder of the occurrence due at $due fires at it, not before; then
# the task is completed: the next due date it moves to
sub occurrence {
    my ($u, $t, $due, $fired) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = run_once(now => iso(iso_epoch($due) - 1));
    is $r->{rc}, 0, "a second before $due: exit 0" or diag $r->{err};
    is due_count($u, $t->{id}), $fired, "nothing fired before $due";
    $r = run_once(now => $due);
    is $r->{rc}, 0, "at $due: exit 0" or diag $r->{err};
    is due_count($u, $t->{id}), $fired + 1, "the reminder of $due fired";
    return req($u, PATCH => "/api/tasks/$t->{id}", { status => 'completed' });
}

sub series {
    my ($name, $rule, $from, $first, @want) = @_;
    subtest $name => sub {
        my $u = register_with_prefs(tag => 'series', time_zone => 'Europe/Berlin');
        my $t = req($u, POST => '/api/tasks', { title => $name, dueDate => $first,
            repeat => { rule => $rule, from => $from }, reminders => [{ before => 'PT0S' }] });
        my ($due, $n) = ($first, 0);
        for my $next (@want) {
            my $p = occurrence($u, $t, $due, $n++);
            if ($next eq 'end') {
                is $p->{status}, 'completed', 'the last occurrence: it stays completed';
                is $p->{dueDate}, $due, 'its due date kept';
                is_deeply [map { $_->{state} } @{ $p->{reminders} }], ['sent'], 'nothing pending';
                my $r = run_once(now => iso(iso_epoch($due) + 40 * 86400));
                is due_count($u, $t->{id}), $n, 'nothing fires after the end';
                last;
            }
            is $p->{status}, 'pending', "completed: pending again";
            is $p->{dueDate}, $next, "the next occurrence $next";
            is $p->{reminders}[0]{fireAt}, $next, 'its reminder re-armed for it';
            ok $p->{lastCompletedAt}, 'lastCompletedAt';
            $due = $next;
        }
    };
}

# Berlin 10:00 in winter is 09:00Z, in summer 08:00Z
series('monthly on the 31st', 'FREQ=MONTHLY;BYMONTHDAY=31', 'due', '2027-01-31T09:00:00Z',
       '2027-03-31T08:00:00Z', '2027-05-31T08:00:00Z');
series('monthly on the last Friday', 'FREQ=MONTHLY;BYDAY=-1FR', 'due', '2027-01-29T09:00:00Z',
       '2027-02-26T09:00:00Z', '2027-03-26T09:00:00Z', '2027-04-30T08:00:00Z');
series('COUNT=3', 'FREQ=WEEKLY;COUNT=3', 'due', '2027-02-01T09:00:00Z',
       '2027-02-08T09:00:00Z', '2027-02-15T09:00:00Z', 'end');
series('UNTIL a day', 'FREQ=DAILY;INTERVAL=2;UNTIL=20270206', 'due', '2027-02-01T09:00:00Z',
       '2027-02-03T09:00:00Z', '2027-02-05T09:00:00Z', 'end');

# from completion: completed today (the real clock: the API's), the next
# due date is counted from today at the series' time of day
subtest 'repeating from completion' => sub {
    my $u = register_with_prefs(tag => 'series-done', time_zone => 'UTC');
    my $first = '2027-06-01T07:30:00Z';
    my $t = req($u, POST => '/api/tasks', { title => 'Water the plants', dueDate => $first,
        repeat => { rule => 'FREQ=DAILY;INTERVAL=3', from => 'completion' }, reminders => [{ before => 'PT0S' }] });
    my $p = req($u, PATCH => "/api/tasks/$t->{id}", { status => 'completed' });
    my $want = strftime('%Y-%m-%dT07:30:00Z', gmtime(time + 3 * 86400));
    is $p->{dueDate}, $want, 'three days after the day it was done, at 07:30';
    is $p->{status}, 'pending', 'pending again';

    my $q = req($u, POST => '/api/tasks', { title => 'Pay the bill', dueDate => $first,
        repeat => { rule => 'FREQ=DAILY;INTERVAL=3', from => 'due' }, reminders => [{ before => 'PT0S' }] });
    $p = req($u, PATCH => "/api/tasks/$q->{id}", { status => 'completed' });
    is $p->{dueDate}, '2027-06-04T07:30:00Z', 'from due: three days after the due date, whenever it was done';

    $p = occurrence($u, $t, $want, 0);
    is $p->{dueDate}, strftime('%Y-%m-%dT07:30:00Z', gmtime(time + 3 * 86400)),
        'its reminder fired at the new due date; completed again: three days after today again';
};

done_testing;
