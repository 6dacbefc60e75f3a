#!/usr/bin/perl
# The task service, one task at a time: authentication, POST /api/tasks,
# GET/PATCH/DELETE /api/tasks/{id}, the fields and their rules (version,
# updatedAt, completedAt, dueDate in UTC), the item in DynamoDB (the
# reminder index key ReminderKey/ReminderAt) and the task_completed
# notification that completing a task records.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use Time::HiRes ();
use Time::Local ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');
my $TS    = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
my $UUIDISH = '0b7c5c1e-8f0e-4c7e-9d7a-1a2b3c4d5e6f';   # nobody's task

# ---------------------------------------------------------------- helpers

sub epoch_of {
    my ($ts) = @_;
    return undef unless defined $ts && $ts =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/;
    return Time::Local::timegm($6, $5, $4, $3, $2 - 1, $1);
}

sub absent_or_null { !defined $_[0] || (ref $_[0] eq 'HASH' && $_[0]{NULL}) }

# the item in DynamoDB says what the API answered (one subtest)
sub item_matches {
    my ($uid, $t, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    subtest $name // "the item in DynamoDB matches task $t->{id} v$t->{version}" => sub {
        my $it = task_item($uid, $t->{id});
        ok $it, "item USER_$uid / TASK_$t->{id} exists" or return;
        is $it->{Title}{S}, $t->{title}, 'Title';
        if (length $t->{description}) {
            is $it->{Description}{S}, $t->{description}, 'Description';
        } else {
            ok absent_or_null($it->{Description}) || ($it->{Description}{S} // 'x') eq '',
                'Description empty or absent' or diag explain $it->{Description};
        }
        is $it->{Status}{S}, $t->{status}, 'Status';
        if (defined $t->{dueDate}) {
            is $it->{DueDate}{S}, $t->{dueDate}, 'DueDate';
        } else {
            ok absent_or_null($it->{DueDate}), 'no DueDate' or diag explain $it->{DueDate};
        }
        ok exists $it->{NotificationSent}{BOOL}, 'NotificationSent is a BOOL'
            or diag explain $it->{NotificationSent};
        is !!$it->{NotificationSent}{BOOL}, !!$t->{notificationSent}, 'NotificationSent';
        is substr($it->{CreatedAt}{S} // '', 0, 19), substr($t->{createdAt}, 0, 19), 'CreatedAt';
        is substr($it->{TaskUpdatedAt}{S} // '', 0, 19), substr($t->{updatedAt}, 0, 19), 'TaskUpdatedAt';
        if (defined $t->{completedAt}) {
            is substr($it->{TaskCompletedAt}{S} // '', 0, 19), substr($t->{completedAt}, 0, 19),
                'TaskCompletedAt';
        } else {
            ok absent_or_null($it->{TaskCompletedAt}), 'no TaskCompletedAt'
                or diag explain $it->{TaskCompletedAt};
        }
        is $it->{Version}{N}, $t->{version}, 'Version';
        # the reminder index holds the earliest pending reminder
        my ($next) = sort map { $_->{fireAt} }
            grep { $_->{state} eq 'pending' && defined $_->{fireAt} } @{ $t->{reminders} || [] };
        if (defined $next) {
            my $day = substr $next, 0, 10;
            is $it->{ReminderAt}{S}, $next, "ReminderAt: the earliest pending reminder, $next";
            like $it->{ReminderKey}{S} // '', qr/^\Q$day\E#REMIND#\d+$/, "ReminderKey on its day $day";
        } else {
            ok !exists $it->{ReminderKey} && !exists $it->{ReminderAt}, 'no ReminderKey'
                or diag explain $it->{ReminderKey};
        }
        ok !exists $it->{DueDate_NotificationSent}, 'no key of the old reminder index';
        ok !exists $it->{OutboxShard} && !exists $it->{OutboxAt}, 'no outbox marker left'
            or diag explain { OutboxShard => $it->{OutboxShard}, OutboxAt => $it->{OutboxAt} };
    };
}

# ------------------------------------------------------------ the tests

my $A = new_user('tasks-crud');

# ---- authentication
{
    my $r = call(GET => '/api/tasks');
    error_ok($r, 401, 'unauthorized', undef, 'GET /api/tasks without a token: 401');
    $r = call(POST => '/api/tasks', { title => 'no token' });
    error_ok($r, 401, 'unauthorized', undef, 'POST /api/tasks without a token: 401');
    $r = call(GET => "/api/tasks/$UUIDISH");
    error_ok($r, 401, 'unauthorized', undef, 'GET /api/tasks/{id} without a token: 401');
    $r = call(PATCH => "/api/tasks/$UUIDISH", { title => 'x' });
    error_ok($r, 401, 'unauthorized', undef, 'PATCH /api/tasks/{id} without a token: 401');
    $r = call(DELETE => "/api/tasks/$UUIDISH");
    error_ok($r, 401, 'unauthorized', undef, 'DELETE /api/tasks/{id} without a token: 401');
    $r = call(GET => '/api/tasks', undef, { bearer => 'not.a.token' });
    error_ok($r, 401, 'unauthorized', undef, 'a bogus bearer token: 401');
    $r = call(GET => '/api/tasks', undef, { cookies => { tm_access => 'junk' } });
    error_ok($r, 401, 'unauthorized', undef, 'a bogus tm_access cookie: 401');
}

# ---- POST /api/tasks: the smallest task
my $t0 = time;
my $r = as($A, POST => '/api/tasks', { title => 'Buy milk' });
is $r->{status}, 201, 'POST /api/tasks {title}: 201' or diag $r->{raw};
my $t = $r->{json}{task} || {};
subtest 'a new task with only a title' => sub {
    like $t->{id} // '', qr/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'id is a uuid';
    is $r->{headers}{location}, "/api/tasks/$t->{id}", 'Location: /api/tasks/<id>';
    is $r->{headers}{etag}, '"1"', 'ETag: "1"';
    is $t->{title}, 'Buy milk', 'title';
    is $t->{description}, '', 'description ""';
    is $t->{status}, 'pending', 'status pending by default';
    ok exists $t->{dueDate} && !defined $t->{dueDate}, 'dueDate null';
    ok exists $t->{completedAt} && !defined $t->{completedAt}, 'completedAt null';
    ok JSON::PP::is_bool($t->{notificationSent}) && !$t->{notificationSent}, 'notificationSent false';
    is $t->{version}, 1, 'version 1';
    like $t->{createdAt} // '', $TS, 'createdAt is a UTC timestamp';
    is $t->{updatedAt}, $t->{createdAt}, 'updatedAt equals createdAt';
    my $c = epoch_of($t->{createdAt});
    ok defined $c && abs($c - $t0) <= 60, 'createdAt is now' or diag "createdAt $t->{createdAt}, now $t0";
};
item_matches($A->{uid}, $t, 'the new task in DynamoDB, under USER_<sub of the token>');

$r = as($A, GET => "/api/tasks/$t->{id}");
is $r->{status}, 200, 'GET /api/tasks/{id}: 200' or diag $r->{raw};
is_deeply $r->{json}, { task => $t }, 'GET answers the task as created' or diag explain $r->{json};
is $r->{headers}{etag}, '"1"', 'GET: ETag "1"';

# ---- POST with every field; a due date with an offset comes back in UTC
my %full = (title => "Caf\x{e9} \x{2615} \x{65e5}\x{672c} report", description => "line 1\nline 2 \"quoted\"",
            dueDate => '2031-03-01T01:00:00+02:00', status => 'in_progress');
$r = as($A, POST => '/api/tasks', \%full);
is $r->{status}, 201, 'POST /api/tasks with every field: 201' or diag $r->{raw};
my $f = $r->{json}{task} || {};
is $f->{title}, $full{title}, 'a non-ASCII title round-trips';
is $f->{description}, $full{description}, 'description round-trips';
is $f->{status}, 'in_progress', 'status in_progress';
is $f->{dueDate}, '2031-02-28T23:00:00Z', 'dueDate +02:00 normalised to UTC Z (the day before)';
ok !defined $f->{completedAt}, 'completedAt null (not completed)';
isnt $f->{id}, $t->{id}, 'another id';
is $r->{headers}{location}, "/api/tasks/$f->{id}", 'Location';
item_matches($A->{uid}, $f, 'the full task in DynamoDB: reminder key on the UTC due day 2031-02-28');

# the listing copies stored strings into its reply as DynamoDB escaped
# them: every escape must come back as the single task reads it
my %odd = (title => "q\" b\\ \\u0041 \x{2028} \x{1F4C5} </script>",
           description => "tab\there\r\nline \"x\" \\ \x{e9}");
$r = as($A, POST => '/api/tasks', \%odd);
is $r->{status}, 201, 'POST with quotes, backslashes, U+2028 and an emoji: 201' or diag $r->{raw};
my $odd = $r->{json}{task} || {};
is $odd->{title}, $odd{title}, 'such a title round-trips';
is $odd->{description}, $odd{description}, 'such a description round-trips';
$r = as($A, GET => '/api/tasks?limit=100');
my ($listed) = grep { ($_->{id} // '') eq ($odd->{id} // '-') } @{ $r->{json}{items} || [] };
is_deeply $listed, { map { $_ eq 'nextOccurrences' ? () : ($_ => $odd->{$_}) } keys %$odd },
    'the listing shows it exactly as POST answered (but nextOccurrences, a task alone has them)'
    or diag explain $listed;
is as($A, DELETE => "/api/tasks/$odd->{id}")->{status}, 204, '(deleted again: the counts below are of the others)';

# a leap day is a date; created completed: completedAt set, no reminder key
$r = as($A, POST => '/api/tasks', { title => 'leap', dueDate => '2032-02-29T10:00:00Z', status => 'completed' });
is $r->{status}, 201, 'dueDate 2032-02-29 (a leap day) and status completed: 201' or diag $r->{raw};
my $lc = $r->{json}{task} || {};
is $lc->{dueDate}, '2032-02-29T10:00:00Z', 'dueDate as given';
like $lc->{completedAt} // '', $TS, 'created completed: completedAt is set';
ok abs((epoch_of($lc->{completedAt}) // 0) - (epoch_of($lc->{createdAt}) // 1e10)) <= 2,
    'completedAt is the creation time';
item_matches($A->{uid}, $lc, 'created completed: no reminder key');

# ---- PATCH, field by field; version +1 and updatedAt on each
sub patch_ok {
    my ($u, $task, $body, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, PATCH => "/api/tasks/$task->{id}", $body);
    is $r->{status}, 200, "PATCH $name: 200" or diag $r->{raw};
    my $n = $r->{json}{task} || {};
    is $r->{headers}{etag}, '"' . ($n->{version} // '?') . '"', "PATCH $name: ETag is the new version";
    return ($n, $r);
}

Time::HiRes::sleep(1.1);
my ($p1) = patch_ok($A, $t, { title => 'Buy oat milk' }, 'title');
is $p1->{title}, 'Buy oat milk', 'title changed';
is $p1->{version}, 2, 'version 2';
is $p1->{createdAt}, $t->{createdAt}, 'createdAt unchanged';
cmp_ok epoch_of($p1->{updatedAt}) // 0, '>', epoch_of($t->{updatedAt}) // 1e10, 'updatedAt moved on';
is_deeply [ @$p1{qw(id description status dueDate completedAt notificationSent)} ],
          [ @$t{qw(id description status dueDate completedAt notificationSent)} ], 'the rest unchanged';
item_matches($A->{uid}, $p1);

my ($p2) = patch_ok($A, $p1, { description => 'two litres' }, 'description');
is $p2->{description}, 'two litres', 'description changed';
is $p2->{version}, 3, 'version 3';

my ($p3) = patch_ok($A, $p2, { dueDate => '2031-06-15T09:30:00Z' }, 'dueDate');
is $p3->{dueDate}, '2031-06-15T09:30:00Z', 'dueDate set';
is $p3->{version}, 4, 'version 4';
item_matches($A->{uid}, $p3, 'a due date: reminder key on 2031-06-15');

my ($p4) = patch_ok($A, $p3, { dueDate => undef }, 'dueDate null');
ok exists $p4->{dueDate} && !defined $p4->{dueDate}, 'dueDate null clears it';
is $p4->{version}, 5, 'version 5';
item_matches($A->{uid}, $p4, 'due date cleared: no DueDate, no reminder key');

my ($p5) = patch_ok($A, $p4, { dueDate => '2031-07-01T23:30:00-05:00', status => 'in_progress' },
                    'dueDate with an offset and status');
is $p5->{dueDate}, '2031-07-02T04:30:00Z', 'dueDate -05:00 normalised to UTC (the next day)';
is $p5->{status}, 'in_progress', 'status in_progress';
is $p5->{version}, 6, 'two fields in one PATCH: version +1 once';
ok !defined $p5->{completedAt}, 'completedAt still null';
item_matches($A->{uid}, $p5, 'reminder key on the UTC day 2031-07-02');

# ---- completing: completedAt, the notification, the reminder key goes
is scalar(completed_notifs($A->{uid}, $t->{id})), 0, 'no task_completed notification yet';
Time::HiRes::sleep(1.1);
my $tc = time;
my ($c1) = patch_ok($A, $p5, { status => 'completed' }, 'status completed');
is $c1->{status}, 'completed', 'status completed';
like $c1->{completedAt} // '', $TS, 'completedAt set';
ok abs((epoch_of($c1->{completedAt}) // 0) - $tc) <= 5, 'completedAt is now';
is $c1->{completedAt}, $c1->{updatedAt}, 'completedAt is the update time';
is $c1->{version}, 7, 'version 7';
item_matches($A->{uid}, $c1, 'completed: TaskCompletedAt, no reminder key, no outbox marker');

subtest 'one task_completed notification recorded' => sub {
    my @n = completed_notifs($A->{uid}, $t->{id});
    is scalar @n, 1, 'exactly one task_completed notification for the task' or diag explain \@n;
    my $n = $n[0] or return;
    like $n->{EntitySort}{S}, qr/^NOTIF_./, 'EntitySort NOTIF_...';
    is $n->{Type}{S}, 'task_completed', 'Type task_completed';
    is $n->{TaskId}{S}, $t->{id}, 'TaskId';
    ok exists $n->{Notif_isRead}{BOOL} && !$n->{Notif_isRead}{BOOL}, 'Notif_isRead false'
        or diag explain $n->{Notif_isRead};
    ok defined $n->{NotificationTimestamp}{S} && length $n->{NotificationTimestamp}{S},
        'NotificationTimestamp set';
    my $exp = $n->{NotificationExpiry}{N};
    ok defined $exp, 'NotificationExpiry is a number' or diag explain $n->{NotificationExpiry};
    my $d = (($exp // 0) - time) / 86400;
    ok $d > 28 && $d < 32, 'NotificationExpiry about 30 days ahead' or diag "$d days";
};

# completing it again: nothing new
Time::HiRes::sleep(1.1);
my ($c2) = patch_ok($A, $c1, { status => 'completed' }, 'status completed again');
is $c2->{status}, 'completed', 'still completed';
is $c2->{completedAt}, $c1->{completedAt}, 'completedAt unchanged (it did not become completed again)';
is scalar(completed_notifs($A->{uid}, $t->{id})), 1, 'still exactly one task_completed notification';
item_matches($A->{uid}, $c2, 'completed again: no outbox marker left');

# leaving completed: completedAt null, the reminder key comes back
Time::HiRes::sleep(1.1);
my ($o1) = patch_ok($A, $c2, { status => 'pending' }, 'status pending (leaving completed)');
is $o1->{status}, 'pending', 'status pending';
ok exists $o1->{completedAt} && !defined $o1->{completedAt}, 'completedAt cleared (null)';
cmp_ok epoch_of($o1->{updatedAt}) // 0, '>', epoch_of($c2->{updatedAt}) // 1e10, 'updatedAt moved on';
is $o1->{version}, $c2->{version} + 1, 'version +1';
item_matches($A->{uid}, $o1, 'not completed any more: reminder key back, no TaskCompletedAt');

# ---- the reminder was sent (as the scheduler marks it): a new due date resets it
{
    my $u = dynamodb(UpdateItem => {
        TableName                 => $TABLE,
        Key                       => { EntityPartition => { S => "USER_$A->{uid}" },
                                       EntitySort      => { S => "TASK_$t->{id}" } },
        UpdateExpression          => 'SET NotificationSent = :t, Reminders = :rs REMOVE ReminderKey, ReminderAt',
        ExpressionAttributeValues => { ':t' => { BOOL => JSON::PP::true() }, ':rs' => { L => [{ M => {
            Id => { S => '0123456789ab' }, Before => { S => 'PT0S' }, FireAt => { S => $o1->{dueDate} },
            State => { S => 'sent' } } }] } },
    });
    is $u->{status}, 200, 'marked notified directly in DynamoDB' or diag $u->{raw};
}
$r = as($A, GET => "/api/tasks/$t->{id}");
my $ns = $r->{json}{task} || {};
ok $ns->{notificationSent}, 'GET: notificationSent true';
my ($n1) = patch_ok($A, $ns, { title => 'Buy oat milk (reminded)' }, 'title of a reminded task');
ok $n1->{notificationSent}, 'a title change keeps notificationSent true';
item_matches($A->{uid}, $n1, 'reminded: still no reminder key');
my ($n2) = patch_ok($A, $n1, { dueDate => '2031-08-20T12:00:00Z' }, 'a new due date on a reminded task');
ok JSON::PP::is_bool($n2->{notificationSent}) && !$n2->{notificationSent}, 'a new due date resets notificationSent';
item_matches($A->{uid}, $n2, 'new due date: NotificationSent false, reminder key on 2031-08-20');

# ---- the list has them, most recently updated first
$r = as($A, GET => '/api/tasks');
is $r->{status}, 200, 'GET /api/tasks: 200' or diag $r->{raw};
is_deeply [ sort map { $_->{id} } @{ $r->{json}{items} || [] } ], [ sort $t->{id}, $lc->{id}, $f->{id} ],
    'the list holds the three tasks' or diag explain $r->{json};
is $r->{json}{items}[0]{id}, $t->{id}, 'the most recently updated one first';
ok exists $r->{json}{nextCursor} && !defined $r->{json}{nextCursor}, 'nextCursor null: the end';
my %listed = %$n2;
delete $listed{nextOccurrences};
is_deeply $r->{json}{items}[0], \%listed, 'a listed task is the task as last answered (but nextOccurrences)';

# ---- cookies: the session cookie works, X-Requested-With is required
{
    my $c = $A->{client};
    ok defined $c->cookie('tm_access'), 'the registration left a tm_access cookie';
    my $x = $c->api(POST => '/api/tasks', { title => 'by cookie' });
    spec_ok(POST => '/api/tasks', $x);
    is $x->{status}, 201, 'POST by cookie with X-Requested-With: 201' or diag $x->{raw};
    my $ct = $x->{json}{task} || {};
    ok task_item($A->{uid}, $ct->{id} // 'none'), 'stored under the cookie user';

    $x = $c->api(GET => "/api/tasks/$ct->{id}");
    spec_ok(GET => '/api/tasks/{id}', $x);
    is $x->{status}, 200, 'GET by cookie: 200';

    my $before = scalar user_tasks($A->{uid});
    $x = $c->api(POST => '/api/tasks', { title => 'no xhr' }, { xhr => 0 });
    spec_ok(POST => '/api/tasks', $x);
    error_ok($x, 403, 'csrf', undef, 'POST by cookie without X-Requested-With: 403 csrf');
    is scalar(user_tasks($A->{uid})), $before, 'nothing created';

    $x = $c->api(PATCH => "/api/tasks/$ct->{id}", { title => 'no xhr' }, { xhr => 0 });
    spec_ok(PATCH => '/api/tasks/{id}', $x);
    error_ok($x, 403, 'csrf', undef, 'PATCH by cookie without X-Requested-With: 403 csrf');
    $x = $c->api(DELETE => "/api/tasks/$ct->{id}", undef, { xhr => 0 });
    spec_ok(DELETE => '/api/tasks/{id}', $x);
    error_ok($x, 403, 'csrf', undef, 'DELETE by cookie without X-Requested-With: 403 csrf');
    $x = as($A, GET => "/api/tasks/$ct->{id}");
    is_deeply $x->{json}, { task => $ct }, 'the task is untouched';

    # a bearer token needs no X-Requested-With
    $x = as($A, POST => '/api/tasks', { title => 'bearer, no xhr' }, { xhr => 0 });
    is $x->{status}, 201, 'POST by bearer without X-Requested-With: 201' or diag $x->{raw};
    my $bt = $x->{json}{task} || {};
    $x = as($A, DELETE => "/api/tasks/$bt->{id}", undef, { xhr => 0 });
    is $x->{status}, 204, 'DELETE by bearer without X-Requested-With: 204' or diag $x->{raw};

    $x = $c->api(DELETE => "/api/tasks/$ct->{id}");
    spec_ok(DELETE => '/api/tasks/{id}', $x);
    is $x->{status}, 204, 'DELETE by cookie with X-Requested-With: 204' or diag $x->{raw};
}

sub user_tasks {
    my ($uid) = @_;
    my $r = dynamodb(Query => {
        TableName                 => $TABLE,
        KeyConditionExpression    => 'EntityPartition = :p AND begins_with(EntitySort, :t)',
        ExpressionAttributeValues => { ':p' => { S => "USER_$uid" }, ':t' => { S => 'TASK_' } },
        ConsistentRead            => JSON::PP::true(),
    });
    die "Query failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return @{ $r->{json}{Items} || [] };
}

# ---- DELETE (to the trash: tasks_trash.t; ?permanent=true: gone)
$r = as($A, DELETE => "/api/tasks/$f->{id}");
is $r->{status}, 204, 'DELETE /api/tasks/{id}: 204' or diag $r->{raw};
is $r->{raw}, '', 'no body';
ok task_item($A->{uid}, $f->{id})->{TrashedAt}, 'the item is in the trash';
my $nf = as($A, GET => "/api/tasks/$f->{id}");
error_ok($nf, 404, 'not_found', undef, 'GET a deleted task: 404 not_found');
$r = as($A, DELETE => "/api/tasks/$f->{id}");
error_ok($r, 404, 'not_found', undef, 'DELETE it again: 404');
$r = as($A, PATCH => "/api/tasks/$f->{id}", { title => 'zombie' });
error_ok($r, 404, 'not_found', undef, 'PATCH a deleted task: 404');
is task_item($A->{uid}, $f->{id})->{Title}{S}, $f->{title}, 'a PATCH of a deleted task changed nothing';
$r = as($A, DELETE => "/api/tasks/$f->{id}?permanent=true");
is $r->{status}, 204, 'DELETE ?permanent=true: 204';
ok !task_item($A->{uid}, $f->{id}), 'the item is gone from DynamoDB';
$r = as($A, PATCH => "/api/tasks/$f->{id}", { title => 'zombie' });
error_ok($r, 404, 'not_found', undef, 'PATCH a task deleted for good: 404');
ok !task_item($A->{uid}, $f->{id}), 'a PATCH of a deleted task did not bring it back';
$r = as($A, GET => '/api/tasks');
ok !(grep { $_->{id} eq $f->{id} } @{ $r->{json}{items} || [] }), 'not listed any more';

# ---- unknown and malformed ids: 404, all with the same body
{
    my $unknown = as($A, GET => "/api/tasks/$UUIDISH");
    error_ok($unknown, 404, 'not_found', undef, 'an unknown id: 404 not_found');
    is_deeply $nf->{json}, $unknown->{json}, 'a deleted id and an unknown id: the same body';
    for my $id ('abc', 'TASK_' . $t->{id}, "$t->{id}x", substr($t->{id}, 0, 35),
                'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', 'a' x 300, "$t->{id}%20", '%22%3B%27') {
        for my $m (qw(GET PATCH DELETE)) {
            my $x = as($A, $m => "/api/tasks/$id", $m eq 'PATCH' ? { title => 'x' } : undef);
            error_ok($x, 404, 'not_found', undef, "$m a malformed id '" . substr($id, 0, 40) . "': 404");
            is_deeply $x->{json}, $unknown->{json}, '... with the same body as an unknown id';
        }
    }
    my $x = as($A, GET => "/api/tasks/$t->{id}");
    is_deeply $x->{json}{task}, $n2, 'none of that touched the real task';
}

# ---- methods
{
    my $x = api(PUT => "/api/tasks/$t->{id}", { title => 'put' }, { bearer => $A->{token} });
    error_ok($x, 405, 'method_not_allowed', undef, 'PUT /api/tasks/{id}: 405');
    $x = api(DELETE => '/api/tasks', undef, { bearer => $A->{token} });
    error_ok($x, 405, 'method_not_allowed', undef, 'DELETE /api/tasks: 405');
    $x = api(POST => "/api/tasks/$t->{id}", { title => 'post' }, { bearer => $A->{token} });
    error_ok($x, 405, 'method_not_allowed', undef, 'POST /api/tasks/{id}: 405');
}

done_testing;
