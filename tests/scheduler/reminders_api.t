#!/usr/bin/perl
# Reminders made through the API, fired by the scheduler (--now): a
# relative and an absolute reminder at their time and not before; a
# repeating task's reminders across DST (weekly at 09:00 in New York over
# 2027-03-14 and 2027-11-07, in Berlin over 2027-03-28: still 09:00
# local); completing cancels what is pending and reopening re-arms it;
# snoozing a reminder adds one that fires at its time; the digest turned
# on through the API.
use strict;
use warnings;
use Test::More;
use TaskmgrStack qw(:all);
use TaskmgrScheduler qw(:all);

# a whole minute
my $T = time;
$T -= $T % 60;

sub create {
    my ($u, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = api(POST => '/api/tasks', $body, { bearer => $u->{token} });
    is $r->{status}, 201, "created: $body->{title}" or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub patch {
    my ($u, $id, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = api(PATCH => "/api/tasks/$id", $body, { bearer => $u->{token} });
    is $r->{status}, 200, 'PATCH ' . join(',', sort keys %$body) or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub get_task {
    my ($u, $id) = @_;
    return api(GET => "/api/tasks/$id", undef, { bearer => $u->{token} })->{json}{task} // {};
}

sub pass_at {
    my ($now, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = run_once(now => $now);
    is $r->{rc}, 0, "$name: exit 0" or diag $r->{err};
    return $r;
}

# the user's task_due notifications of a task, oldest first, as the API
# lists them
sub due_of {
    my ($u, $id) = @_;
    my $r = api(GET => '/api/notifications', undef, { bearer => $u->{token} });
    my @n = reverse grep { $_->{type} eq 'task_due' && $_->{taskId} eq $id } @{ $r->{json}{items} || [] };
    return @n;
}

subtest 'relative and absolute reminders: at their time, not before' => sub {
    my $u = register_with_prefs(tag => 'api-rel');
    my $due = iso($T + 3 * 3600);
    my $t = create($u, { title => 'Renew passport', dueDate => $due,
                         reminders => [{ before => 'PT1H' }, { at => iso($T + 1800) }] });
    my ($rel, $abs) = @{ $t->{reminders} || [] };
    is $rel->{fireAt}, iso($T + 7200), 'the relative one fires an hour before due';
    is $abs->{fireAt}, iso($T + 1800), 'the absolute one at its time';

    pass_at(iso($T + 1799), 'a second before the absolute one');
    is scalar(due_of($u, $t->{id})), 0, 'nothing yet';
    pass_at(iso($T + 1800), 'at the absolute one');
    my @n = due_of($u, $t->{id});
    is scalar(@n), 1, 'it fired';
    is $n[0]{reminderId}, $abs->{id}, 'reminderId: the absolute one';
    is $n[0]{dueDate}, $due, 'dueDate';
    is_deeply [map { $_->{state} } @{ get_task($u, $t->{id})->{reminders} }], ['pending', 'sent'],
        'the API shows it sent, the other pending';
    is get_task($u, $t->{id})->{notificationSent}, JSON::PP::true(), 'notificationSent';

    pass_at(iso($T + 7199), 'a second before the relative one');
    is scalar(due_of($u, $t->{id})), 1, 'still one';
    pass_at(iso($T + 7200), 'at the relative one');
    @n = due_of($u, $t->{id});
    is scalar(@n), 2, 'it fired';
    is $n[1]{reminderId}, $rel->{id}, 'reminderId: the relative one';
    like $n[1]{message}, qr/^Task "Renew passport" is due today at \d+:\d\d [AP]M \(UTC\)$|is due tomorrow/,
        'its message';
    ok !exists task_item($u->{sub}, $t->{id})->{ReminderKey}, 'none pending: out of the index';

    # snooze the last one for 10 minutes: a one-off reminder then
    my $r = api(POST => "/api/notifications/$n[1]{id}/snooze", { for => 'PT10M' }, { bearer => $u->{token} });
    is $r->{status}, 201, 'snoozed' or diag $r->{raw};
    my $s = $r->{json} // {};
    pass_at(iso(iso_epoch($s->{fireAt}) - 1), 'a second before the snoozed one');
    is scalar(due_of($u, $t->{id})), 2, 'nothing yet';
    pass_at($s->{fireAt}, 'at the snoozed one');
    @n = due_of($u, $t->{id});
    is scalar(@n), 3, 'the snoozed reminder fired';
    is scalar(grep { $_->{reminderId} eq $s->{id} } @n), 1, 'under its own id';
};

subtest 'completing cancels, reopening re-arms' => sub {
    my $u = register_with_prefs(tag => 'api-reopen');
    my $t = create($u, { title => 'Reopened', dueDate => iso($T + 4 * 3600),
                         reminders => [{ before => 'PT3H' }, { before => 'PT1H' }] });
    pass_at(iso($T + 3600), 'at the first');
    is scalar(due_of($u, $t->{id})), 1, 'the first fired';
    my $p = patch($u, $t->{id}, { status => 'completed' });
    is_deeply [map { $_->{state} } @{ $p->{reminders} }], ['sent', 'cancelled'], 'completing cancels the other';
    pass_at(iso($T + 3 * 3600), 'at the second, the task completed');
    is scalar(due_of($u, $t->{id})), 1, 'nothing fires for a completed task';
    $p = patch($u, $t->{id}, { status => 'pending' });
    is $p->{reminders}[1]{state}, 'pending', 'reopening re-arms the one still ahead';
    pass_at(iso($T + 3 * 3600), 'at the second, reopened');
    my @n = due_of($u, $t->{id});
    is scalar(@n), 2, 'it fires, once: the first, re-armed or not, is not sent again';
    is $n[1]{reminderId}, $p->{reminders}[1]{id}, 'the second';
};

# a weekly task at 09:00 local, completed each week after its reminder:
# the next occurrence and its reminder stay at 09:00 local across the DST
# change; [zone, first due (UTC), the next (UTC), the local word]
for my $case (['America/New_York', '2027-03-08T14:00:00Z', '2027-03-15T13:00:00Z', 'spring'],
              ['America/New_York', '2027-11-01T13:00:00Z', '2027-11-08T14:00:00Z', 'autumn'],
              ['Europe/Berlin',    '2027-03-22T08:00:00Z', '2027-03-29T07:00:00Z', 'spring']) {
    my ($zone, $first, $next, $season) = @$case;
    subtest "weekly at 09:00 in $zone across the $season change" => sub {
        my $u = register_with_prefs(tag => 'api-dst', time_zone => $zone);
        my $t = create($u, { title => 'Standup', dueDate => $first,
                             repeat => { rule => 'FREQ=WEEKLY', from => 'due' },
                             reminders => [{ before => 'PT0S' }, { before => 'PT15M' }] });
        is $t->{reminders}[0]{fireAt}, $first, 'the reminder at the due time';
        pass_at(iso(iso_epoch($first) - 900), '08:45 local');
        pass_at($first, '09:00 local');
        my @n = due_of($u, $t->{id});
        is scalar(@n), 2, 'both reminders fired';
        is $n[1]{message}, "Task \"Standup\" is due today at 9:00 AM ($zone)", 'at 9:00 AM local';

        my $p = patch($u, $t->{id}, { status => 'completed' });
        is $p->{status}, 'pending', 'completed: the next occurrence';
        is $p->{dueDate}, $next, "due $next: 09:00 local again";
        is_deeply [map { $_->{fireAt} } @{ $p->{reminders} }], [$next, iso(iso_epoch($next) - 900)],
            'its reminders re-armed at 09:00 and 08:45 local';

        pass_at(iso(iso_epoch($next) - 901), 'a second before 08:45 local');
        is scalar(due_of($u, $t->{id})), 2, 'nothing yet';
        pass_at(iso(iso_epoch($next) - 900), '08:45 local');
        pass_at(iso(iso_epoch($next) - 1), 'a second before 09:00 local');
        is scalar(due_of($u, $t->{id})), 3, 'the 08:45 one only';
        pass_at($next, '09:00 local, a week on');
        @n = due_of($u, $t->{id});
        is scalar(@n), 4, 'the 09:00 one';
        is $n[3]{message}, "Task \"Standup\" is due today at 9:00 AM ($zone)", 'at 9:00 AM local again';
    };
}

subtest 'the digest turned on through the API' => sub {
    my $u = register_with_prefs(tag => 'api-digest', email => 1, time_zone => 'UTC');
    my $r = api(PATCH => '/api/users/me', { digest => { enabled => JSON::PP::true(), time => '07:30' } },
                { bearer => $u->{token} });
    is $r->{status}, 200, 'digest on' or diag $r->{raw};
    # the next 07:30 UTC after now, and a task due that day
    my $at = $T - $T % 86400 + 7.5 * 3600;
    $at += 86400 if $at <= time;
    create($u, { title => 'In the digest', dueDate => iso($at + 3600), reminders => [] });
    pass_at(iso($at - 60), 'a minute before');
    is scalar(mails(to => $u->{email})), 0, 'no digest yet';
    pass_at(iso($at), 'at 07:30');
    my @m = mails(to => $u->{email});
    is scalar(@m), 1, 'the digest';
    like $m[0] && $m[0]{text}, qr/^- In the digest: is due today at \d+:30 AM \(UTC\)$/m, 'listing the task';
    $r = api(GET => '/api/notifications', undef, { bearer => $u->{token} });
    is scalar(@{ $r->{json}{items} || [] }), 0, 'nothing in-app';
};

done_testing;
