#!/usr/bin/perl
# Whose notifications, and which: a user never sees, counts, changes or
# deletes another user's (by id, in the list, with the other's cursor,
# through read-all; 404 with the body of an unknown id), even when both
# hold a notification under the same id; and expired notifications
# (NotificationExpiry in the past, still in DynamoDB since the local
# stand-in never removes them) are never listed, counted, marked or
# deleted.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use Digest::MD5 ();
use JSON::PP ();
use Time::HiRes ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');
my $T     = JSON::PP::true();
my $F     = JSON::PP::false();

# ---------------------------------------------------------------- helpers

sub is_read { my $it = notif_item(@_); $it ? ($it->{Notif_isRead}{BOOL} ? 1 : 0) : 'gone' }

my $seq = 0;
sub put_notif {
    my ($uid, %o) = @_;
    my $id = $o{id} // Digest::MD5::md5_hex("$uid|" . ++$seq . "|$$|" . rand);
    my $title = $o{title} // "task $seq";
    my $r = dynamodb(PutItem => { TableName => $TABLE, Item => {
        EntityPartition       => { S => "USER_$uid" },
        EntitySort            => { S => "NOTIF_$id" },
        Type                  => { S => 'task_due' },
        TaskId                => { S => sprintf('%08x-1111-4000-8000-000000000000', $seq) },
        TaskTitle             => { S => $title },
        Message               => { S => "Task \"$title\" is due at 2026-12-01T09:00:00Z" },
        NotificationTimestamp => { S => $o{ts} },
        Notif_isRead          => { BOOL => $o{read} ? $T : $F },
        NotificationExpiry    => { N => '' . ($o{expiry} // time + 30 * 86400) },
    } });
    die "PutItem failed: $r->{status} $r->{raw}\n" unless $r->{status} == 200;
    return $id;
}

sub ids { [ map { $_->{id} } @{ $_[0]{json}{items} || [] } ] }

# ------------------------------------------------------------ the tests

my $A = new_user('notif-iso-a');
my $B = new_user('notif-iso-b');
my $NOBODY = 'fedcba9876543210fedcba9876543210';

# ---- B's notifications: one from completing a task, a dozen written
my $r = as($B, POST => '/api/tasks', { title => "B's secret task" });
is $r->{status}, 201, "B's task" or diag $r->{raw};
my $btask = $r->{json}{task}{id} // 'none';
$r = as($B, PATCH => "/api/tasks/$btask", { status => 'completed' });
is $r->{status}, 200, '... completed' or diag $r->{raw};
my @b = map { put_notif($B->{uid}, ts => sprintf('2026-11-2%dT10:00:00.%03dZ', 1 + $_ % 3, $_)) } 1 .. 12;
$r = as($B, GET => '/api/notifications?limit=5');
is scalar(@{ $r->{json}{items} || [] }), 5, 'B sees a page of 5' or diag $r->{raw};
is $r->{json}{unreadCount}, 13, '... and 13 unread';
my $bcompl = (grep { $_->{type} eq 'task_completed' } @{ $r->{json}{items} || [] })[0];
ok $bcompl, "B's task_completed notification leads (the newest)" or diag explain $r->{json};
my $bid = $bcompl ? $bcompl->{id} : $b[0];
my $bcursor = $r->{json}{nextCursor};
ok defined $bcursor, "... with a cursor";

# ---- A's: one written with the same id as one of B's, and one other
my $shared = $b[3];
put_notif($A->{uid}, id => $shared, title => "A's own", ts => '2026-11-22T12:00:00.000Z');
my $a1 = put_notif($A->{uid}, ts => '2026-11-22T11:00:00.000Z');

$r = as($A, GET => '/api/notifications');
is_deeply ids($r), [ $shared, $a1 ], 'A lists only A\'s two';
is $r->{json}{unreadCount}, 2, '... unreadCount 2, none of B\'s';
is $r->{json}{items}[0]{taskTitle}, "A's own", '... the shared id is A\'s own notification';
$r = as($A, GET => '/api/notifications?unread=true&limit=100');
is_deeply ids($r), [ $shared, $a1 ], 'unread=true: A\'s two';
$r = as($A, GET => '/api/notifications?unread=false&limit=100');
is_deeply ids($r), [], 'unread=false: none';

# ---- by id: B's are 404 to A, with the body of an unknown id
my $unknown = as($A, PATCH => "/api/notifications/$NOBODY", { read => $T });
error_ok($unknown, 404, 'not_found', '', 'PATCH an unknown id: 404');
for my $id ($bid, $b[0], $b[11]) {
    my $x = as($A, PATCH => "/api/notifications/$id", { read => $T });
    error_ok($x, 404, 'not_found', '', "A PATCHes B's $id: 404");
    is $x->{raw}, $unknown->{raw}, '... the body of an unknown id';
    $x = as($A, DELETE => "/api/notifications/$id");
    error_ok($x, 404, 'not_found', '', "A DELETEs B's $id: 404");
    is $x->{raw}, $unknown->{raw}, '... the body of an unknown id';
    is is_read($B->{uid}, $id), 0, "... B's is still there and unread";
    ok !notif_item($A->{uid}, $id), '... and nothing was made under A';
}

# ---- the same id under both: each touches only their own
$r = as($A, PATCH => "/api/notifications/$shared", { read => $T });
is $r->{status}, 200, 'A marks the shared id read' or diag $r->{raw};
is $r->{json}{notification}{taskTitle}, "A's own", '... A\'s own one';
is is_read($A->{uid}, $shared), 1, "A's is read";
is is_read($B->{uid}, $shared), 0, "B's with the same id is not";
$r = as($B, GET => '/api/notifications?limit=1');
is $r->{json}{unreadCount}, 13, 'B\'s unreadCount still 13';
$r = as($A, DELETE => "/api/notifications/$shared");
is $r->{status}, 204, 'A deletes the shared id' or diag $r->{raw};
ok !notif_item($A->{uid}, $shared), "A's is gone";
is is_read($B->{uid}, $shared), 0, "B's with the same id is still there";

# ---- cursors: B's cursor is not A's
{
    my $x = as($A, GET => '/api/notifications?limit=5&cursor=' . uri_escape($bcursor // 'x'));
    error_ok($x, 400, 'invalid_cursor', undef, "A with B's cursor: 400 invalid_cursor");
    unlike $x->{raw}, qr/\Q$b[0]\E|secret/, '... and nothing of B\'s in the answer';
    my $y = as($B, GET => '/api/notifications?limit=5&cursor=' . uri_escape($bcursor // 'x'));
    is $y->{status}, 200, 'B with B\'s cursor: 200' or diag $y->{raw};
    is scalar(@{ $y->{json}{items} || [] }), 5, '... the next 5';
    $x = as($A, GET => '/api/notifications?unread=true&limit=5&cursor=' . uri_escape($bcursor // 'x'));
    error_ok($x, 400, 'invalid_cursor', undef, "A with B's cursor and unread=true: 400 invalid_cursor");
}

# ---- read-all: only the caller's
$r = as($A, POST => '/api/notifications/read-all');
is $r->{status}, 204, 'A: read-all' or diag $r->{raw};
is is_read($A->{uid}, $a1), 1, "A's is read";
is_deeply [ map { is_read($B->{uid}, $_) } $bid, @b ], [ (0) x 13 ], "none of B's is";
$r = as($B, GET => '/api/notifications?limit=1');
is $r->{json}{unreadCount}, 13, 'B\'s unreadCount still 13';

# ---- expired: never listed, counted, marked or deleted
my $now = time;
my %exp = (
    unread_newest => put_notif($A->{uid}, ts => '2026-11-24T00:00:00.000Z', expiry => $now - 1),
    read_newest   => put_notif($A->{uid}, ts => '2026-11-23T23:00:00.000Z', expiry => $now - 3600, read => 1),
    unread_old    => put_notif($A->{uid}, ts => '2026-10-01T00:00:00.000Z', expiry => $now - 86400 * 20),
    read_old      => put_notif($A->{uid}, ts => '2026-10-01T00:00:01.000Z', expiry => 1, read => 1),
);
my $soon = put_notif($A->{uid}, ts => '2026-11-23T12:00:00.000Z', expiry => $now + 6);
my $a2 = put_notif($A->{uid}, ts => '2026-11-23T00:00:00.000Z');
my $a3 = put_notif($A->{uid}, ts => '2026-11-22T00:00:00.000Z', read => 1);
# (A's, newest first: $soon unread, $a2 unread, $a1 read, $a3 read)

$r = as($A, GET => '/api/notifications');
is_deeply ids($r), [ $soon, $a2, $a1, $a3 ], 'the list: none of the expired ones';
is $r->{json}{unreadCount}, 2, 'unreadCount 2: the expired unread ones are not counted';
$r = as($A, GET => '/api/notifications?unread=true');
is_deeply ids($r), [ $soon, $a2 ], 'unread=true: no expired one';
$r = as($A, GET => '/api/notifications?unread=false');
is_deeply ids($r), [ $a1, $a3 ], 'unread=false: no expired one';
{
    # page by page too: a page must not come back short or end early
    # because expired ones were skipped
    my (@got, $c);
    for (1 .. 10) {
        my $x = as($A, GET => '/api/notifications?limit=1' . (defined $c ? '&cursor=' . uri_escape($c) : ''));
        push @got, @{ ids($x) };
        $c = $x->{json}{nextCursor};
        last unless defined $c;
    }
    is_deeply \@got, [ $soon, $a2, $a1, $a3 ], 'pages of 1: the same four';
}

for my $k (sort keys %exp) {
    my $id = $exp{$k};
    my $before = is_read($A->{uid}, $id);
    my $x = as($A, PATCH => "/api/notifications/$id", { read => $before ? $F : $T });
    error_ok($x, 404, 'not_found', '', "PATCH an expired one ($k): 404");
    is $x->{raw}, $unknown->{raw}, '... the body of an unknown id';
    is is_read($A->{uid}, $id), $before, '... and it is not marked';
    $x = as($A, DELETE => "/api/notifications/$id");
    error_ok($x, 404, 'not_found', '', "DELETE an expired one ($k): 404");
    is $x->{raw}, $unknown->{raw}, '... the body of an unknown id';
    ok notif_item($A->{uid}, $id), '... and the item is still in DynamoDB (for the TTL to remove)';
}

$r = as($A, POST => '/api/notifications/read-all');
is $r->{status}, 204, 'read-all' or diag $r->{raw};
is_deeply { map { $_ => is_read($A->{uid}, $exp{$_}) } keys %exp },
          { unread_newest => 0, read_newest => 1, unread_old => 0, read_old => 1 },
    '... left the expired ones as they were';
is is_read($A->{uid}, $a2), 1, '... and marked the live ones';
$r = as($A, PATCH => "/api/notifications/$soon", { read => $F });
is $r->{status}, 200, 'the one expiring in a moment, marked unread again' or diag $r->{raw};
is $r->{json}{notification}{expiresAt}, do {
    my @t = gmtime($now + 6);
    sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];
}, '... expiresAt is its NotificationExpiry';
$r = as($A, GET => '/api/notifications?limit=1');
is $r->{json}{unreadCount}, 1, 'unreadCount 1';
is_deeply ids($r), [$soon], '... and it leads the list';

# ---- once its time has passed, it is gone from everything
Time::HiRes::sleep(0.2) while time <= $now + 6;
$r = as($A, GET => '/api/notifications');
is_deeply ids($r), [ $a2, $a1, $a3 ], 'expired now: not listed';
is $r->{json}{unreadCount}, 0, '... not counted';
$r = as($A, GET => '/api/notifications?unread=true');
is_deeply ids($r), [], '... not in unread=true';
$r = as($A, PATCH => "/api/notifications/$soon", { read => $T });
error_ok($r, 404, 'not_found', '', '... PATCH: 404');
is is_read($A->{uid}, $soon), 0, '... not marked';
$r = as($A, DELETE => "/api/notifications/$soon");
error_ok($r, 404, 'not_found', '', '... DELETE: 404');
ok notif_item($A->{uid}, $soon), '... still in DynamoDB';

# ---- and B, all along, saw none of A's
$r = as($B, GET => '/api/notifications?limit=100');
is scalar(@{ $r->{json}{items} || [] }), 13, 'B still lists 13';
is_deeply [ grep { my $i = $_; grep { $i eq $_ } $a1, $a2, $a3, $soon, values %exp } @{ ids($r) } ], [],
    '... none of them A\'s';
is $r->{json}{unreadCount}, 13, '... 13 unread';

done_testing;
