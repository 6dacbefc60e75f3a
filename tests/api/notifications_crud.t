#!/usr/bin/perl
# The notification service, one notification at a time: authentication and
# the CSRF header on every route, the task_completed notification that
# completing a task records and its JSON, PATCH {read} and the unread
# count, read-all, DELETE, 404 for unknown and malformed ids (one body for
# all), and bad input (body, query string, methods).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::MD5 ();
use JSON::PP ();
use Time::Local ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');
my $TS    = qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
my $ID    = qr/^[0-9a-f]{32}$/;
my $T     = JSON::PP::true();
my $F     = JSON::PP::false();

# ---------------------------------------------------------------- helpers

sub epoch_of {
    my ($ts) = @_;
    return undef unless defined $ts && $ts =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/;
    return Time::Local::timegm($6, $5, $4, $3, $2 - 1, $1);
}

sub rfc3339 {
    my @t = gmtime $_[0];
    return sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}

# a notification item straight into DynamoDB, shaped as
# common/tm_notification.c builds them; returns its id
my $seq = 0;
sub put_notif {
    my ($uid, %o) = @_;
    my $id = $o{id} // Digest::MD5::md5_hex("$uid|" . ++$seq . "|$$|" . rand);
    my $type = $o{type} // 'task_due';
    my $title = $o{title} // "task $seq";
    my %item = (
        EntityPartition       => { S => "USER_$uid" },
        EntitySort            => { S => "NOTIF_$id" },
        Type                  => { S => $type },
        TaskId                => { S => $o{task_id} // sprintf('%08x-0000-4000-8000-%012x', $seq, $seq) },
        TaskTitle             => { S => $title },
        Message               => { S => $o{message} // ($type eq 'task_due'
                                     ? "Task \"$title\" is due at 2026-12-01T09:00:00Z"
                                     : "Task \"$title\" was completed") },
        NotificationTimestamp => { S => $o{ts} // '2026-11-20T10:00:00.000Z' },
        Notif_isRead          => { BOOL => $o{read} ? $T : $F },
        NotificationExpiry    => { N => '' . ($o{expiry} // time + 30 * 86400) },
    );
    $item{ReminderId} = { S => $o{reminder_id} } if defined $o{reminder_id};
    $item{TaskDueDate} = { S => $o{due} } if defined $o{due};
    my $r = dynamodb(PutItem => { TableName => $TABLE, Item => \%item });
    die "PutItem failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $id;
}

sub list {
    my ($u, $query) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return as($u, GET => '/api/notifications' . (defined $query ? "?$query" : ''));
}

sub unread_count {
    my ($u) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = list($u, 'limit=1');
    return $r->{status} == 200 ? $r->{json}{unreadCount} : "status $r->{status}";
}

# ------------------------------------------------------------ the tests

my $A = new_user('notif-crud');
my $NOBODY = '0123456789abcdef0123456789abcdef';      # a well-formed id of nothing

# ---- authentication: every route
{
    my @routes = ([GET => '/api/notifications'], [GET => '/api/notifications?unread=true'],
                  [POST => '/api/notifications/read-all'],
                  [PATCH => "/api/notifications/$NOBODY", { read => $T }],
                  [DELETE => "/api/notifications/$NOBODY"]);
    for my $rt (@routes) {
        my ($m, $p, $b) = @$rt;
        my $r = call($m, $p, $b);
        error_ok($r, 401, 'unauthorized', undef, "$m $p without a token: 401");
        $r = call($m, $p, $b, { bearer => 'not.a.token' });
        error_ok($r, 401, 'unauthorized', undef, "$m $p with a bogus bearer token: 401");
        $r = call($m, $p, $b, { cookies => { tm_access => 'junk' } });
        error_ok($r, 401, 'unauthorized', undef, "$m $p with a bogus tm_access cookie: 401");
    }
}

# ---- an empty list to start with
{
    my $r = list($A);
    is $r->{status}, 200, 'GET /api/notifications: 200' or diag $r->{raw};
    is_deeply $r->{json}, { items => [], nextCursor => undef, unreadCount => 0 },
        'a new user: no items, nextCursor null, unreadCount 0' or diag explain $r->{json};
}

# ---- completing a task records one task_completed notification
my $title = "Ship the \x{2615} \"release\"";
my $r = as($A, POST => '/api/tasks', { title => $title, dueDate => '2031-01-01T10:00:00Z' });
is $r->{status}, 201, 'a task' or diag $r->{raw};
my $task = $r->{json}{task} || {};
$r = as($A, GET => '/api/notifications');
is scalar(@{ $r->{json}{items} || [] }), 0, 'creating a task notifies nothing';
my $t0 = time;
$r = as($A, PATCH => "/api/tasks/$task->{id}", { status => 'completed' });
is $r->{status}, 200, 'the task completed' or diag $r->{raw};

$r = list($A);
is $r->{status}, 200, 'GET /api/notifications: 200' or diag $r->{raw};
my @items = @{ $r->{json}{items} || [] };
is scalar @items, 1, 'one notification' or diag explain \@items;
my $n = $items[0] || {};
subtest 'the task_completed notification' => sub {
    is_deeply [ sort keys %$n ], [ sort qw(id type taskId taskTitle message createdAt read expiresAt reminderId dueDate) ],
        'exactly the fields id, type, taskId, taskTitle, message, createdAt, read, expiresAt, reminderId, dueDate';
    ok exists $n->{reminderId} && !defined $n->{reminderId}, 'reminderId null (not a reminder)';
    like $n->{id} // '', $ID, 'id is 32 lower-case hex digits';
    is $n->{type}, 'task_completed', 'type task_completed';
    is $n->{taskId}, $task->{id}, 'taskId is the task';
    is $n->{taskTitle}, $title, 'taskTitle is the task\'s title';
    like $n->{message} // '', qr/\Q$title\E/, 'message names the task';
    ok JSON::PP::is_bool($n->{read}) && !$n->{read}, 'read false';
    like $n->{createdAt} // '', $TS, 'createdAt in UTC seconds';
    ok abs((epoch_of($n->{createdAt}) // 0) - $t0) <= 5, 'createdAt is now' or diag $n->{createdAt};
    like $n->{expiresAt} // '', $TS, 'expiresAt in UTC seconds';
    my $days = ((epoch_of($n->{expiresAt}) // 0) - $t0) / 86400;
    ok $days > 29 && $days < 31, 'expiresAt about 30 days ahead' or diag "$days days";
    is $r->{json}{unreadCount}, 1, 'unreadCount 1';
    ok exists $r->{json}{nextCursor} && !defined $r->{json}{nextCursor}, 'nextCursor null';
    my $it = notif_item($A->{uid}, $n->{id});
    ok $it, "the item USER_<sub>/NOTIF_$n->{id} exists" or return;
    is $it->{TaskId}{S}, $task->{id}, '... with TaskId';
    is epoch_of($it->{NotificationTimestamp}{S}), epoch_of($n->{createdAt}), '... createdAt is its NotificationTimestamp';
    is rfc3339($it->{NotificationExpiry}{N} // 0), $n->{expiresAt}, '... expiresAt is its NotificationExpiry';
};
my $nid = $n->{id} // $NOBODY;
my $npath = "/api/notifications/$nid";

# ---- a task_due one, written as the scheduler writes it
my $due_id = put_notif($A->{uid}, type => 'task_due', title => 'Pay rent', ts => '2026-11-20T08:00:00.250Z',
                       message => 'Task "Pay rent" is due at 2026-11-21T08:00:00Z', expiry => 2000000000);
$r = list($A);
@items = @{ $r->{json}{items} || [] };
is_deeply [ map { $_->{id} } @items ], [ $nid, $due_id ], 'two now, the completion (newer) first';
is_deeply $items[1], { id => $due_id, type => 'task_due', taskId => '00000001-0000-4000-8000-000000000001',
                       taskTitle => 'Pay rent', message => 'Task "Pay rent" is due at 2026-11-21T08:00:00Z',
                       createdAt => '2026-11-20T08:00:00Z', read => $F, expiresAt => '2033-05-18T03:33:20Z',
                       reminderId => undef, dueDate => undef },
    'the task_due notification as stored (createdAt to the second, expiresAt from epoch seconds)'
    or diag explain $items[1];
is $r->{json}{unreadCount}, 2, 'unreadCount 2';

# ---- a reminder's: which reminder fired, and the due date then
{
    my $rid = put_notif($A->{uid}, type => 'task_due', title => 'Water plants', ts => '2026-11-19T08:00:00.000Z',
                        reminder_id => '0123456789ab', due => '2026-11-21T08:00:00Z', expiry => 2000000000);
    my ($got) = grep { $_->{id} eq $rid } @{ list($A)->{json}{items} || [] };
    is $got && $got->{reminderId}, '0123456789ab', 'reminderId: the ReminderId the scheduler wrote';
    is $got && $got->{dueDate}, '2026-11-21T08:00:00Z', 'dueDate: its TaskDueDate';
    is as($A, DELETE => "/api/notifications/$rid")->{status}, 204, 'deleted again';
}

# ---- PATCH {read}
$r = as($A, PATCH => $npath, { read => $T });
is $r->{status}, 200, 'PATCH {read: true}: 200' or diag $r->{raw};
is_deeply $r->{json}, { notification => { %$n, read => $T } }, '{notification}: the same, read true'
    or diag explain $r->{json};
ok notif_item($A->{uid}, $nid)->{Notif_isRead}{BOOL}, 'Notif_isRead true in DynamoDB';
is unread_count($A), 1, 'unreadCount 1';
$r = list($A, 'unread=true');
is_deeply [ map { $_->{id} } @{ $r->{json}{items} || [] } ], [$due_id], 'unread=true: only the unread one';
is $r->{json}{unreadCount}, 1, '... unreadCount 1';
$r = list($A, 'unread=false');
is_deeply [ map { $_->{id} } @{ $r->{json}{items} || [] } ], [$nid], 'unread=false: only the read one';
is $r->{json}{unreadCount}, 1, '... unreadCount still counts the unread one';

$r = as($A, PATCH => $npath, { read => $T });
is $r->{status}, 200, 'PATCH {read: true} again: 200' or diag $r->{raw};
ok $r->{json}{notification}{read}, '... still read';
is unread_count($A), 1, '... unreadCount still 1';

$r = as($A, PATCH => $npath, { read => $F });
is $r->{status}, 200, 'PATCH {read: false}: 200' or diag $r->{raw};
is_deeply $r->{json}, { notification => $n }, 'unread again, as it was' or diag explain $r->{json};
ok !notif_item($A->{uid}, $nid)->{Notif_isRead}{BOOL}, 'Notif_isRead false in DynamoDB';
is unread_count($A), 2, 'unreadCount 2';

# by cookie: GET needs no X-Requested-With, the others do
{
    my $c = $A->{client};
    my $g = $c->api(GET => '/api/notifications');
    spec_ok(GET => '/api/notifications', $g);
    is $g->{status}, 200, 'GET by cookie without X-Requested-With: 200' or diag $g->{raw};
    is scalar(@{ $g->{json}{items} || [] }), 2, '... the two notifications';
    for my $rt ([PATCH => $npath, { read => $T }], [DELETE => $npath], [POST => '/api/notifications/read-all']) {
        my ($m, $p, $b) = @$rt;
        my $x = $c->api($m, $p, $b, { xhr => 0 });
        error_ok($x, 403, 'csrf', undef, "$m $p by cookie without X-Requested-With: 403 csrf", $m, tmpl($p));
    }
    is unread_count($A), 2, '... none of them changed anything';
    ok notif_item($A->{uid}, $nid), '... nor deleted anything';
    my $x = $c->api(PATCH => $npath, { read => $T });
    spec_ok(PATCH => '/api/notifications/{id}', $x);
    is $x->{status}, 200, 'PATCH by cookie with X-Requested-With: 200' or diag $x->{raw};
    is unread_count($A), 1, '... unreadCount 1';
    $x = $c->api(PATCH => $npath, { read => $F });
    is $x->{status}, 200, '... and back to unread' or diag $x->{raw};
}

# ---- PATCH: bad bodies change nothing
my @patch_bad = (
    ['an empty object',      {},                                  400, 'missing_field', 'read'],
    ['read null',            { read => undef },                   400, 'invalid_field', 'read'],
    ['read "true"',          { read => 'true' },                  400, 'invalid_field', 'read'],
    ['read 1',               { read => 1 },                       400, 'invalid_field', 'read'],
    ['read 0',               { read => 0 },                       400, 'invalid_field', 'read'],
    ['read an array',        { read => [$T] },                    400, 'invalid_field', 'read'],
    ['read an object',       { read => {} },                      400, 'invalid_field', 'read'],
    ['an unknown field',     { read => $T, colour => 'red' },     400, 'unknown_field', 'colour'],
    ['only an unknown field', { title => 'x' },                   400, 'unknown_field', 'title'],
    ['an id',                { read => $T, id => $NOBODY },       400, 'unknown_field', 'id'],
    ['a type',               { read => $T, type => 'task_due' },  400, 'unknown_field', 'type'],
    ['Read capitalised',     { Read => $T },                      400, 'unknown_field', 'Read'],
    ['malformed JSON',       '{"read": ',                         400, 'invalid_json',  undef, 'application/json'],
    ['trailing garbage',     '{"read": true} x',                  400, 'invalid_json',  undef, 'application/json'],
    ['a JSON array',         '[{"read": true}]',                  400, 'invalid_json',  undef, 'application/json'],
    ['JSON true',            'true',                              400, 'invalid_json',  undef, 'application/json'],
    ['duplicate keys',       '{"read": true, "read": false}',     400, 'invalid_json',  undef, 'application/json'],
    ['over 64 KiB',          { read => $T, pad => 'x' x (66 * 1024) }, 413, 'payload_too_large', undef],
    ['text/plain',           '{"read": true}',                    415, 'unsupported_media_type', undef, 'text/plain'],
);
for my $case (@patch_bad) {
    my ($name, $body, $status, $code, $field, $ct) = @$case;
    my $x = as($A, PATCH => $npath, $body, $ct ? { content_type => $ct } : {});
    error_ok($x, $status, $code, $field, "PATCH $name: $status $code" . ($field ? " ($field)" : ''));
}
{
    my $x = as($A, PATCH => $npath, undef);
    error_ok($x, 400, undef, undef, 'PATCH without a body: 400');
    $x = as($A, PATCH => $npath, '', { content_type => 'application/json' });
    error_ok($x, 400, undef, undef, 'PATCH with an empty application/json body: 400');
}
ok !notif_item($A->{uid}, $nid)->{Notif_isRead}{BOOL}, 'none of the refused PATCHes marked it read';
is unread_count($A), 2, '... unreadCount still 2';

# ---- GET: bad query strings
my @get_bad = (
    ['limit=0',        'invalid_parameter', 'limit'],
    ['limit=101',      'invalid_parameter', 'limit'],
    ['limit=abc',      'invalid_parameter', 'limit'],
    ['limit=-1',       'invalid_parameter', 'limit'],
    ['limit=1.5',      'invalid_parameter', 'limit'],
    ['limit=',         'invalid_parameter', 'limit'],
    ['limit=99999999999999999999', 'invalid_parameter', 'limit'],
    ['unread=maybe',   'invalid_parameter', 'unread'],
    ['unread=TRUE',    'invalid_parameter', 'unread'],
    ['unread=1',       'invalid_parameter', 'unread'],
    ['unread=',        'invalid_parameter', 'unread'],
    ['read=true',      'unknown_parameter', 'read'],
    ['status=completed', 'unknown_parameter', 'status'],
    ['sort=due',       'unknown_parameter', 'sort'],
    ['limit=5&foo=1',  'unknown_parameter', 'foo'],
    ['cursor=abc',     'invalid_cursor',    'cursor'],
    ['cursor=',        'invalid_cursor',    'cursor'],
);
for my $case (@get_bad) {
    my ($q, $code, $field) = @$case;
    my $x = list($A, $q);
    error_ok($x, 400, $code, $field, "GET /api/notifications?$q: 400 $code ($field)");
}
for my $q ('limit=1', 'limit=100', 'unread=true&limit=3', 'unread=false', 'limit=2&unread=true') {
    my $x = list($A, $q);
    is $x->{status}, 200, "GET /api/notifications?$q: 200" or diag $x->{raw};
}

# ---- wrong methods and non-routes
for my $case ([PUT => '/api/notifications'], [POST => '/api/notifications'], [DELETE => '/api/notifications'],
              [PATCH => '/api/notifications'], [GET => '/api/notifications/read-all'],
              [GET => $npath], [POST => $npath], [PUT => $npath]) {
    my ($m, $p) = @$case;
    my $x = api($m, $p, ($m =~ /^(?:POST|PUT|PATCH)$/ ? {} : undef), { bearer => $A->{token} });
    error_ok($x, 405, 'method_not_allowed', undef, "$m $p: 405 method_not_allowed");
    ok length($x->{headers}{allow} // ''), '... with Allow: ' . ($x->{headers}{allow} // 'missing');
}
for my $p ('/api/notifications/', '/api/notificationsx', "/api/notifications/$nid/x") {
    my $x = api(PATCH => $p, { read => $T }, { bearer => $A->{token} });
    error_ok($x, 404, 'not_found', undef, "PATCH $p: 404 not_found");
}
ok !notif_item($A->{uid}, $nid)->{Notif_isRead}{BOOL}, 'still unread';

# ---- 404: unknown, malformed; one body for all
my $r404 = as($A, PATCH => "/api/notifications/$NOBODY", { read => $T });
error_ok($r404, 404, 'not_found', '', 'PATCH an unknown id: 404 not_found');
ok !notif_item($A->{uid}, $NOBODY), '... and no item was made for it';
my %malformed = (
    'upper-case hex of a real id'  => uc $nid,
    '31 hex digits'                => substr($nid, 0, 31),
    '33 hex digits'                => "${nid}0",
    'not hex'                      => 'g' x 32,
    'the task\'s id'               => $task->{id},
    'NOTIF_<id>'                   => "NOTIF_$nid",
    'a short word'                 => 'abc',
    'an encoded blank after the id' => "$nid%20",
    'read-all\'s neighbour'        => 'read-all2',
);
for my $why (sort keys %malformed) {
    my $p = "/api/notifications/$malformed{$why}";
    my $x = as($A, PATCH => $p, { read => $T });
    error_ok($x, 404, 'not_found', '', "PATCH $why: 404 not_found");
    is $x->{raw}, $r404->{raw}, '... the same body as for an unknown id';
    $x = as($A, DELETE => $p);
    error_ok($x, 404, 'not_found', '', "DELETE $why: 404 not_found");
    is $x->{raw}, $r404->{raw}, '... the same body as for an unknown id';
}
ok !notif_item($A->{uid}, $nid)->{Notif_isRead}{BOOL}, 'the real one is still unread';
is scalar(items_of($A->{uid}, 'NOTIF_')), 2, 'still two notification items';
{
    my $x = as($A, DELETE => "/api/notifications/$NOBODY");
    error_ok($x, 404, 'not_found', '', 'DELETE an unknown id: 404 not_found');
    is $x->{raw}, $r404->{raw}, '... the same body';
}

# ---- read-all
{
    my $x = as($A, POST => '/api/notifications/read-all', { read => $T });
    error_ok($x, 400, 'unknown_field', 'read', 'read-all with a field: 400 unknown_field');
    $x = as($A, POST => '/api/notifications/read-all', '[]', { content_type => 'application/json' });
    error_ok($x, 400, 'invalid_json', undef, 'read-all with a JSON array: 400 invalid_json');
    $x = as($A, POST => '/api/notifications/read-all', '{}', { content_type => 'text/plain' });
    error_ok($x, 415, 'unsupported_media_type', undef, 'read-all with text/plain: 415');
    is unread_count($A), 2, '... nothing marked read';

    $x = as($A, POST => '/api/notifications/read-all');
    is $x->{status}, 204, 'read-all without a body: 204' or diag $x->{raw};
    is $x->{raw}, '', '... and no body';
    is unread_count($A), 0, 'unreadCount 0';
    ok !(grep { !$_->{Notif_isRead}{BOOL} } items_of($A->{uid}, 'NOTIF_')), 'every item Notif_isRead true';
    my $l = list($A);
    is_deeply [ map { $_->{read} ? 1 : 0 } @{ $l->{json}{items} || [] } ], [1, 1], 'both listed as read';
    $l = list($A, 'unread=true');
    is_deeply $l->{json}, { items => [], nextCursor => undef, unreadCount => 0 }, 'unread=true: none';

    $x = as($A, POST => '/api/notifications/read-all', {});
    is $x->{status}, 204, 'read-all again, with {}: 204 (nothing to do)' or diag $x->{raw};
    is unread_count($A), 0, 'unreadCount 0';

    $x = as($A, PATCH => "/api/notifications/$due_id", { read => $F });
    is $x->{status}, 200, 'one marked unread again' or diag $x->{raw};
    is unread_count($A), 1, 'unreadCount 1';
}

# ---- DELETE
{
    my $x = as($A, DELETE => "/api/notifications/$due_id", { read => $T });
    error_ok($x, 400, 'unknown_field', 'read', 'DELETE with a body field: 400 unknown_field');
    ok notif_item($A->{uid}, $due_id), '... not deleted';

    $x = as($A, DELETE => "/api/notifications/$due_id");
    is $x->{status}, 204, 'DELETE: 204' or diag $x->{raw};
    is $x->{raw}, '', '... and no body';
    ok !notif_item($A->{uid}, $due_id), 'the item is gone from DynamoDB';
    my $l = list($A);
    is_deeply [ map { $_->{id} } @{ $l->{json}{items} || [] } ], [$nid], 'the list holds the other one only';
    is $l->{json}{unreadCount}, 0, 'unreadCount 0 (the deleted one was the unread one)';

    $x = as($A, DELETE => "/api/notifications/$due_id");
    error_ok($x, 404, 'not_found', '', 'DELETE it again: 404');
    is $x->{raw}, $r404->{raw}, '... the same body as for an unknown id';
    $x = as($A, PATCH => "/api/notifications/$due_id", { read => $F });
    error_ok($x, 404, 'not_found', '', 'PATCH a deleted one: 404');
    is $x->{raw}, $r404->{raw}, '... the same body';
    ok !notif_item($A->{uid}, $due_id), '... and it did not come back';

    $x = as($A, DELETE => $npath);
    is $x->{status}, 204, 'DELETE the last one: 204' or diag $x->{raw};
    is scalar(items_of($A->{uid}, 'NOTIF_')), 0, 'no notification items left';
    $l = list($A);
    is_deeply $l->{json}, { items => [], nextCursor => undef, unreadCount => 0 }, 'an empty list again';
}

done_testing;
