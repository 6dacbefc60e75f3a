#!/usr/bin/perl
# Reminders and repeating tasks through the API: reminders (relative and
# absolute, ids stable, fireAt computed, defaults from the profile, [] for
# none, a moved due date moving the relative ones, completing cancelling,
# reopening re-arming), the reminder index kept on the item (ReminderKey,
# ReminderAt: the earliest pending), repeat (the rule checked, a completion
# moving the task to its next occurrence in the owner's zone, the last
# occurrence staying completed, nextOccurrences), the profile's
# defaultReminders, quietHours, digest and completed* preferences, every
# bad value refused with its field and nothing written, and another user
# never reaching any of it.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(strftime);
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);
use ApiTest qw(:all);

my $A = new_user('remind-a');
my $B = new_user('remind-b');
my $now = time;

sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

sub create {
    my ($u, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, POST => '/api/tasks', $body);
    is $r->{status}, 201, "created: $body->{title}" or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub patch {
    my ($u, $id, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, PATCH => "/api/tasks/$id", $body);
    is $r->{status}, 200, 'PATCH ' . join(',', sort keys %$body) or diag $r->{raw};
    return $r->{json}{task} // {};
}

sub refused {
    my ($u, $method, $path, $body, $field, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, $method => $path, $body);
    is $r->{status}, 400, "$name: 400" or diag $r->{raw};
    is $r->{json}{error}{code}, 'invalid_field', "$name: invalid_field";
    is $r->{json}{error}{field}, $field, "$name: on $field";
}

sub item_of { task_item($_[0]{uid}, $_[1]) // {} }

my $due = $now + 3 * 86400 - ($now % 60);
my $due_iso = iso($due);

# ---- reminders on create: defaults, as sent, none
{
    my $t = create($A, { title => 'default reminders', dueDate => $due_iso });
    is scalar @{ $t->{reminders} }, 1, 'no reminders sent: the profile default';
    is $t->{reminders}[0]{before}, 'P1D', 'one day before';
    is $t->{reminders}[0]{fireAt}, iso($due - 86400), 'fireAt = due - 1 day';
    is $t->{reminders}[0]{state}, 'pending', 'pending';
    like $t->{reminders}[0]{id}, qr/^[0-9a-f]{12}$/, 'an id';
    is $t->{repeat}, undef, 'repeat null';
    is $t->{lastCompletedAt}, undef, 'lastCompletedAt null';
    my $it = item_of($A, $t->{id});
    is $it->{ReminderAt}{S}, iso($due - 86400), 'ReminderAt: the earliest pending';
    like $it->{ReminderKey}{S}, qr/^\d{4}-\d\d-\d\d#REMIND#\d+$/, 'ReminderKey: day#REMIND#shard';
    is substr($it->{ReminderKey}{S}, 0, 10), substr(iso($due - 86400), 0, 10), 'its day';
    ok !exists $it->{DueDate_NotificationSent}, 'no key of the old index';

    $t = create($A, { title => 'no reminders', dueDate => $due_iso, reminders => [] });
    is_deeply $t->{reminders}, [], '[] means none';
    ok !exists item_of($A, $t->{id})->{ReminderKey}, 'and nothing in the index';

    $t = create($A, { title => 'undated', });
    is_deeply $t->{reminders}, [], 'no due date: the relative default does not apply';

    my $at = iso($now + 7200 - ($now % 60));
    $t = create($A, { title => 'mixed', dueDate => $due_iso,
        reminders => [{ before => 'PT15M' }, { at => $at }, { before => 'P1W' }] });
    is scalar @{ $t->{reminders} }, 3, 'three reminders';
    is $t->{reminders}[0]{fireAt}, iso($due - 900), 'relative: due - 15 min';
    is $t->{reminders}[1]{fireAt}, $at, 'absolute: its time';
    is $t->{reminders}[1]{at}, $at, 'at as sent';
    is $t->{reminders}[2]{state}, 'cancelled', 'a week before a due date 3 days off: already past, cancelled';
    is item_of($A, $t->{id})->{ReminderAt}{S}, $at, 'the index holds the earliest pending';

    my $g = as($A, GET => "/api/tasks/$t->{id}");
    is_deeply $g->{json}{task}{reminders}, $t->{reminders}, 'read back the same';
    is_deeply $g->{json}{task}{nextOccurrences}, [], 'nextOccurrences [] when not repeating';

    # PATCH replaces; a reminder kept keeps its id
    my $p = patch($A, $t->{id}, { reminders => [{ at => $at }, { before => 'PT1H' }] });
    is scalar @{ $p->{reminders} }, 2, 'replaced';
    is $p->{reminders}[0]{id}, $t->{reminders}[1]{id}, 'the same reminder keeps its id';
    isnt $p->{reminders}[1]{id}, $t->{reminders}[0]{id}, 'a new one has a new id';

    # moving the due date moves the relative ones
    my $due2 = $due + 86400;
    $p = patch($A, $t->{id}, { dueDate => iso($due2) });
    is $p->{reminders}[1]{fireAt}, iso($due2 - 3600), 'moved with the due date';
    is $p->{reminders}[0]{fireAt}, $at, 'the absolute one stays';

    # completing cancels, reopening re-arms
    $p = patch($A, $t->{id}, { status => 'completed' });
    is_deeply [map { $_->{state} } @{ $p->{reminders} }], ['cancelled', 'cancelled'], 'completing cancels';
    ok !exists item_of($A, $t->{id})->{ReminderKey}, 'out of the index';
    ok $p->{lastCompletedAt}, 'lastCompletedAt set';
    $p = patch($A, $t->{id}, { status => 'pending' });
    is_deeply [map { $_->{state} } @{ $p->{reminders} }], ['pending', 'pending'], 'reopening re-arms';
    is item_of($A, $t->{id})->{ReminderAt}{S}, $at, 'back in the index';

    # clearing the due date drops the relative ones
    $p = patch($A, $t->{id}, { dueDate => undef });
    is_deeply [map { $_->{at} } @{ $p->{reminders} }], [$at], 'only the absolute one is left';
}

# ---- bad reminders: refused with the field, nothing written
{
    my $t = create($A, { title => 'target', dueDate => $due_iso, reminders => [] });
    my @bad = (
        ['not an array', { before => 'PT1H' }],
        ['six', [map { { before => "PT${_}M" } } 1 .. 6]],
        ['both', [{ before => 'PT1H', at => $due_iso }]],
        ['neither', [{}]],
        ['unknown member', [{ before => 'PT1H', when => 'x' }]],
        ['bad duration', [{ before => '1 hour' }]],
        ['months', [{ before => 'P1M' }]],
        ['more than 4 weeks', [{ before => 'P5W' }]],
        ['lower case', [{ before => 'pt1h' }]],
        ['bad at', [{ at => 'tomorrow' }]],
        ['twice', [{ before => 'PT1H' }, { before => 'PT60M' }]],
        ['a number', [3600]],
    );
    for my $b (@bad) {
        refused($A, POST => '/api/tasks', { title => 'x', dueDate => $due_iso, reminders => $b->[1] },
                'reminders', "create, $b->[0]");
        refused($A, PATCH => "/api/tasks/$t->{id}", { reminders => $b->[1] }, 'reminders', "patch, $b->[0]");
    }
    refused($A, POST => '/api/tasks', { title => 'x', reminders => [{ before => 'PT1H' }] },
            'reminders', 'relative without a due date');
    my $u = create($A, { title => 'undated target' });
    refused($A, PATCH => "/api/tasks/$u->{id}", { reminders => [{ before => 'PT1H' }] },
            'reminders', 'relative on an undated task');
    my $g = as($A, GET => "/api/tasks/$t->{id}");
    is_deeply $g->{json}{task}{reminders}, [], 'nothing written';
    is $g->{json}{task}{version}, $t->{version}, 'not even a version';
}

# ---- repeat
{
    my $r = as($A, PATCH => '/api/users/me', { timeZone => 'America/New_York' });
    is $r->{status}, 200, 'zone set' or diag $r->{raw};

    # 09:00 New York on Thursday 2027-03-11 (EST, -5), weekly: across the
    # change on 2027-03-14 it stays 09:00 local (13:00Z after)
    my $t = create($A, { title => 'weekly', dueDate => '2027-03-11T14:00:00Z',
        repeat => { rule => 'FREQ=WEEKLY', from => 'due' }, reminders => [{ before => 'PT0S' }] });
    is_deeply $t->{repeat}, { rule => 'FREQ=WEEKLY', from => 'due' }, 'repeat as sent';
    my $g = as($A, GET => "/api/tasks/$t->{id}");
    is_deeply $g->{json}{task}{nextOccurrences},
        ['2027-03-18T13:00:00Z', '2027-03-25T13:00:00Z', '2027-04-01T13:00:00Z'],
        'next occurrences keep 09:00 local across DST';
    ok !exists as($A, GET => '/api/tasks?limit=1')->{json}{items}[0]{nextOccurrences},
        'not in listings';

    my $p = patch($A, $t->{id}, { status => 'completed' });
    is $p->{status}, 'pending', 'completing a repeating task: pending again';
    is $p->{dueDate}, '2027-03-18T13:00:00Z', 'at its next occurrence';
    is $p->{completedAt}, undef, 'completedAt null';
    ok $p->{lastCompletedAt}, 'lastCompletedAt set';
    is $p->{reminders}[0]{fireAt}, '2027-03-18T13:00:00Z', 'reminder re-armed for it';
    is $p->{reminders}[0]{state}, 'pending', 'pending';
    is item_of($A, $t->{id})->{ReminderAt}{S}, '2027-03-18T13:00:00Z', 'in the index at the new time';

    # the completion is recorded as before: a task_completed notification
    my $n = as($A, GET => '/api/notifications?limit=50');
    ok((grep { $_->{type} eq 'task_completed' && $_->{taskId} eq $t->{id} } @{ $n->{json}{items} }),
       'a task_completed notification');

    # COUNT: the last occurrence stays completed
    $t = create($A, { title => 'twice', dueDate => '2027-01-04T14:00:00Z',
        repeat => { rule => 'FREQ=DAILY;COUNT=2', from => 'due' } });
    $p = patch($A, $t->{id}, { status => 'completed' });
    is $p->{dueDate}, '2027-01-05T14:00:00Z', 'first completion: the second occurrence';
    $p = patch($A, $t->{id}, { status => 'completed' });
    is $p->{status}, 'completed', 'after the last occurrence it stays completed';
    is $p->{dueDate}, '2027-01-05T14:00:00Z', 'its due date kept';

    # monthly on the last Friday, from completion
    $t = create($A, { title => 'last friday', dueDate => '2027-01-29T14:00:00Z',
        repeat => { rule => 'FREQ=MONTHLY;BYDAY=-1FR', from => 'completion' } });
    $g = as($A, GET => "/api/tasks/$t->{id}");
    is $g->{json}{task}{nextOccurrences}[0], '2027-02-26T14:00:00Z', 'the last Friday of February';

    # repeat cleared
    $p = patch($A, $t->{id}, { repeat => undef });
    is $p->{repeat}, undef, 'repeat cleared';

    my @bad = (
        ['not an object', 'FREQ=DAILY'],
        ['no rule', { from => 'due' }],
        ['hourly', { rule => 'FREQ=HOURLY' }],
        ['BYHOUR', { rule => 'FREQ=DAILY;BYHOUR=9' }],
        ['COUNT and UNTIL', { rule => 'FREQ=DAILY;COUNT=2;UNTIL=20271231' }],
        ['bad from', { rule => 'FREQ=DAILY', from => 'start' }],
        ['RRULE: prefix', { rule => 'RRULE:FREQ=DAILY' }],
        ['unknown member', { rule => 'FREQ=DAILY', every => 2 }],
    );
    for my $b (@bad) {
        refused($A, POST => '/api/tasks', { title => 'x', dueDate => $due_iso, repeat => $b->[1] },
                'repeat', "repeat, $b->[0]");
    }
    refused($A, POST => '/api/tasks', { title => 'x', repeat => { rule => 'FREQ=DAILY' } },
            'repeat', 'a repeat without a due date');
    my $w = create($A, { title => 'repeating', dueDate => $due_iso, repeat => { rule => 'FREQ=DAILY' } });
    is $w->{repeat}{from}, 'due', 'from defaults to due';
    refused($A, PATCH => "/api/tasks/$w->{id}", { dueDate => undef }, 'dueDate',
            'clearing the due date of a repeating task');

    as($A, PATCH => '/api/users/me', { timeZone => 'UTC' });
}

# ---- the profile
{
    my $me = as($A, GET => '/api/users/me')->{json}{user};
    is_deeply $me->{defaultReminders}, [{ before => 'P1D' }], 'defaultReminders default';
    is $me->{quietHours}, undef, 'quietHours default null';
    is_deeply $me->{digest}, { enabled => JSON::PP::false, time => '07:30' }, 'digest default';
    is_deeply [@{ $me->{notificationPreferences} }{qw(completedEmail completedSms)}],
        [JSON::PP::false, JSON::PP::false], 'completed* default false';

    my $r = as($A, PATCH => '/api/users/me', {
        defaultReminders => [{ before => 'PT1H' }, { before => 'PT0S' }],
        quietHours => { start => '22:00', end => '07:00' },
        digest => { enabled => JSON::PP::true, time => '06:45' },
        notificationPreferences => { completedEmail => JSON::PP::true },
    });
    is $r->{status}, 200, 'profile PATCH' or diag $r->{raw};
    $me = $r->{json}{user};
    is_deeply $me->{defaultReminders}, [{ before => 'PT1H' }, { before => 'PT0S' }], 'defaultReminders set';
    is_deeply $me->{quietHours}, { start => '22:00', end => '07:00' }, 'quietHours set';
    is_deeply $me->{digest}, { enabled => JSON::PP::true, time => '06:45' }, 'digest set';
    ok $me->{notificationPreferences}{completedEmail}, 'completedEmail set';
    my $it = user_item($A->{uid});
    like $it->{ReminderKey}{S}, qr/#REMIND#/, 'an enabled digest puts the user in the reminder index';

    my $t = create($A, { title => 'new defaults', dueDate => $due_iso });
    is_deeply [map { $_->{before} } @{ $t->{reminders} }], ['PT1H', 'PT0S'], 'new tasks take the new defaults';

    $r = as($A, PATCH => '/api/users/me', { quietHours => undef, digest => { enabled => JSON::PP::false } });
    is $r->{status}, 200, 'cleared' or diag $r->{raw};
    is $r->{json}{user}{quietHours}, undef, 'quietHours null again';
    is $r->{json}{user}{digest}{enabled}, JSON::PP::false, 'digest off';
    ok !exists user_item($A->{uid})->{ReminderKey}, 'out of the index';

    $r = as($A, PATCH => '/api/users/me', { defaultReminders => [] });
    is_deeply $r->{json}{user}{defaultReminders}, [], 'no default reminders';
    $t = create($A, { title => 'no defaults', dueDate => $due_iso });
    is_deeply $t->{reminders}, [], 'and a new task has none';

    my @bad = (
        ['defaultReminders', [{ before => 'P2M' }], 'defaultReminders'],
        ['defaultReminders', 'P1D', 'defaultReminders'],
        ['quietHours', { start => '22:00' }, 'quietHours'],
        ['quietHours', { start => '24:00', end => '07:00' }, 'quietHours'],
        ['quietHours', { start => '7:00', end => '08:00' }, 'quietHours'],
        ['quietHours', { start => '07:00', end => '07:00' }, 'quietHours'],
        ['digest', { time => '07:30' }, 'digest'],
        ['digest', { enabled => JSON::PP::true, time => '7.30' }, 'digest'],
        ['digest', { enabled => 'yes' }, 'digest'],
        ['digest', undef, 'digest'],
        ['timeZone', 'Mars/Olympus', 'timeZone'],
    );
    for my $b (@bad) {
        refused($A, PATCH => '/api/users/me', { $b->[0] => $b->[1] }, $b->[2],
                "profile $b->[0] " . JSON::PP->new->canonical->allow_nonref->encode($b->[1]));
    }
    is_deeply as($A, GET => '/api/users/me')->{json}{user}{defaultReminders}, [], 'nothing written';

    $r = as($A, PATCH => '/api/users/me', { notificationPreferences => { completedSms => 'yes' } });
    is $r->{status}, 400, 'completedSms must be a boolean';
}

# ---- snooze: a task_due notification as the scheduler writes it
sub due_notification {
    my ($u, $task, $type) = @_;
    my $id = join '', map { sprintf '%02x', int rand 256 } 1 .. 16;
    my $r = dynamodb(PutItem => { TableName => table(), Item => {
        EntityPartition => { S => "USER_$u->{uid}" }, EntitySort => { S => "NOTIF_$id" },
        Type => { S => $type // 'task_due' }, TaskId => { S => $task->{id} },
        TaskTitle => { S => $task->{title} }, Message => { S => "Task \"$task->{title}\" is due" },
        NotificationTimestamp => { S => iso(time) }, Notif_isRead => { BOOL => JSON::PP::false },
        NotificationExpiry => { N => '' . (time + 86400) } } });
    die "PutItem: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $id;
}

{
    my $t = create($A, { title => 'snooze me', dueDate => $due_iso, reminders => [] });
    my $n = due_notification($A, $t);
    my $r = as($A, POST => "/api/notifications/$n/snooze", { for => 'PT10M' });
    is $r->{status}, 201, 'snoozed for 10 minutes' or diag $r->{raw};
    my $s = $r->{json};
    is $s->{taskId}, $t->{id}, 'the task named';
    is $s->{state}, 'pending', 'a pending reminder';
    my ($lo, $hi) = (iso(time + 590), iso(time + 612));
    ok $s->{fireAt} ge $lo && $s->{fireAt} le $hi, "fireAt 10 minutes on ($s->{fireAt})";
    is $s->{at}, $s->{fireAt}, 'at = fireAt';
    my $g = as($A, GET => "/api/tasks/$t->{id}")->{json}{task};
    is scalar @{ $g->{reminders} }, 1, 'the task has it';
    is $g->{reminders}[0]{id}, $s->{id}, 'the same id';
    is $g->{reminders}[0]{at}, $s->{at}, 'an absolute reminder';
    is task_item($A->{uid}, $t->{id})->{ReminderAt}{S}, $s->{fireAt}, 'in the reminder index';

    my $until = iso(time + 86400 - (time % 60));
    $r = as($A, POST => "/api/notifications/$n/snooze", { until => $until });
    is $r->{status}, 201, 'snoozed until tomorrow' or diag $r->{raw};
    is $r->{json}{fireAt}, $until, 'at that time';
    is scalar @{ as($A, GET => "/api/tasks/$t->{id}")->{json}{task}{reminders} }, 2, 'two snoozes, two reminders';

    for my $b ([{}, 'neither'], [{ for => 'PT10M', until => $until }, 'both'], [{ for => 'P8D' }, 'over 7 days'],
               [{ for => 'PT0S' }, 'zero'], [{ for => '10 minutes' }, 'not a duration'],
               [{ until => iso(time - 60) }, 'in the past'], [{ until => iso(time + 8 * 86400) }, 'beyond 7 days'],
               [{ until => 'tomorrow' }, 'not a time']) {
        my $x = as($A, POST => "/api/notifications/$n/snooze", $b->[0]);
        is $x->{status}, 400, "snooze $b->[1]: 400" or diag $x->{raw};
    }

    # not snoozable: a completion notification, a completed task, a task gone
    my $c = due_notification($A, $t, 'task_completed');
    $r = as($A, POST => "/api/notifications/$c/snooze", { for => 'PT10M' });
    is $r->{status}, 409, 'a task_completed notification: 409';
    is $r->{json}{error}{code}, 'not_snoozable', 'not_snoozable';
    patch($A, $t->{id}, { status => 'completed' });
    $r = as($A, POST => "/api/notifications/$n/snooze", { for => 'PT10M' });
    is $r->{status}, 409, 'a completed task: 409';
    is $r->{json}{error}{code}, 'not_snoozable', 'not_snoozable';
    is as($A, DELETE => "/api/tasks/$t->{id}")->{status}, 204, 'task deleted';
    $r = as($A, POST => "/api/notifications/$n/snooze", { for => 'PT10M' });
    is $r->{status}, 409, 'a task gone: 409';

    # B cannot snooze A's notification; unknown ids are 404
    $r = as($B, POST => "/api/notifications/$n/snooze", { for => 'PT10M' });
    is $r->{status}, 404, "B cannot snooze A's notification";
    $r = as($A, POST => '/api/notifications/' . ('0' x 32) . '/snooze', { for => 'PT10M' });
    is $r->{status}, 404, 'an unknown notification: 404';
    $r = as($A, POST => '/api/notifications/xyz/snooze', { for => 'PT10M' });
    is $r->{status}, 404, 'a malformed id: 404';

    # five pending reminders leave no room
    my $f = create($A, { title => 'full', dueDate => $due_iso,
        reminders => [map { { before => "PT${_}H" } } 1 .. 5] });
    my $m = due_notification($A, $f);
    $r = as($A, POST => "/api/notifications/$m/snooze", { for => 'PT10M' });
    is $r->{status}, 409, 'five pending reminders: 409';
    is $r->{json}{error}{code}, 'limit_reached', 'limit_reached';
}

# ---- another user's task: not there
{
    my $t = create($A, { title => 'private', dueDate => $due_iso, repeat => { rule => 'FREQ=DAILY' } });
    my $r = as($B, PATCH => "/api/tasks/$t->{id}", { reminders => [] });
    is $r->{status}, 404, "B cannot change A's reminders";
    $r = as($B, PATCH => "/api/tasks/$t->{id}", { status => 'completed' });
    is $r->{status}, 404, "B cannot complete A's repeating task";
    $r = as($B, GET => "/api/tasks/$t->{id}");
    is $r->{status}, 404, "B cannot read A's next occurrences";
    is scalar @{ as($A, GET => "/api/tasks/$t->{id}")->{json}{task}{reminders} }, 0, 'untouched';
}

done_testing;
