#!/usr/bin/perl
# The trash: DELETE /api/tasks/{id} moves a task there (pending reminders
# cancelled, out of the reminder index, of every listing, view, label and
# list count, of GET/PATCH), GET /api/tasks?trash=true lists it, POST
# /api/tasks/{id}/restore brings it back (reminders still to come
# re-armed), DELETE ?permanent=true deletes at once (trashed or not); the
# expiry 30 days on (NotificationExpiry, the table's TTL) and an expired
# one treated as gone; If-Match; another user never reaches it.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use POSIX qw(strftime);
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('trash-a');
my $B = new_user('trash-b');

sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }
sub ids { my ($u, $q) = @_; [sort map { $_->{id} } @{ as($u, GET => "/api/tasks$q")->{json}{items} || [] }] }

my $due = iso(time + 3 * 86400 - time % 60);
my $list = as($A, POST => '/api/lists', { name => 'Errands' })->{json}{list};
my $t = as($A, POST => '/api/tasks', { title => 'Buy stamps', dueDate => $due, listId => $list->{id},
                                        labels => ['post'], reminders => [{ before => 'PT1H' }] })->{json}{task};
my $keep = as($A, POST => '/api/tasks', { title => 'Keep me' })->{json}{task};
ok task_item($A->{uid}, $t->{id})->{ReminderKey}, 'a pending reminder in the index';

# ---- to the trash
my $r = as($A, DELETE => "/api/tasks/$t->{id}");
is $r->{status}, 204, 'DELETE: 204' or diag $r->{raw};
my $it = task_item($A->{uid}, $t->{id});
ok $it, 'the item is still there';
ok $it->{TrashedAt}, 'TrashedAt set';
my $exp = $it->{NotificationExpiry}{N} // 0;
ok abs($exp - (time + 30 * 86400)) < 120, 'expires 30 days on (the table TTL)';
ok !exists $it->{ReminderKey}, 'out of the reminder index';
is $it->{Reminders}{L}[0]{M}{State}{S}, 'cancelled', 'its pending reminder cancelled';

is as($A, GET => "/api/tasks/$t->{id}")->{status}, 404, 'GET: 404';
is as($A, PATCH => "/api/tasks/$t->{id}", { title => 'x' })->{status}, 404, 'PATCH: 404';
is as($A, DELETE => "/api/tasks/$t->{id}")->{status}, 404, 'DELETE again: 404';
is_deeply ids($A, ''), [$keep->{id}], 'not listed';
is_deeply ids($A, '?sort=due'), [$keep->{id}], 'not by due date';
is_deeply ids($A, '?sort=priority'), [$keep->{id}], 'not by priority';
is_deeply ids($A, "?list=$list->{id}"), [], 'not in its list';
is_deeply ids($A, '?q=stamps'), [], 'not found by search';
is_deeply ids($A, '?view=upcoming'), [], 'not in a view';
is_deeply as($A, GET => '/api/labels')->{json}{items}, [], 'its label counts for nothing';
my ($l) = grep { $_->{id} eq $list->{id} } @{ as($A, GET => '/api/lists')->{json}{items} };
is $l->{taskCount}, 0, 'the list counts it no more';

$r = as($A, GET => '/api/tasks?trash=true');
is $r->{status}, 200, 'GET ?trash=true' or diag $r->{raw};
is_deeply [map { $_->{id} } @{ $r->{json}{items} }], [$t->{id}], 'the trash lists it';
is $r->{json}{items}[0]{title}, 'Buy stamps', 'as it was';
like $r->{json}{items}[0]{trashedAt} // '', qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'with trashedAt';
is as($A, GET => '/api/tasks?trash=true&view=today')->{status}, 400, 'a view of the trash: 400';
is as($A, GET => '/api/tasks?trash=maybe')->{status}, 400, 'trash=maybe: 400';
is_deeply ids($B, '?trash=true'), [], "B's trash is B's";

# ---- another user cannot restore or delete it
is as($B, POST => "/api/tasks/$t->{id}/restore")->{status}, 404, 'B cannot restore it';
is as($B, DELETE => "/api/tasks/$t->{id}?permanent=true")->{status}, 404, 'B cannot delete it';

# ---- back
$r = as($A, POST => "/api/tasks/$t->{id}/restore");
is $r->{status}, 200, 'restore: 200' or diag $r->{raw};
is $r->{json}{task}{id}, $t->{id}, 'the task';
is $r->{json}{task}{reminders}[0]{state}, 'pending', 'its reminder re-armed';
$it = task_item($A->{uid}, $t->{id});
ok !exists $it->{TrashedAt} && !exists $it->{NotificationExpiry}, 'no TrashedAt, no expiry';
ok $it->{ReminderKey}, 'back in the reminder index';
is_deeply ids($A, ''), [sort $t->{id}, $keep->{id}], 'listed again';
is as($A, POST => "/api/tasks/$t->{id}/restore")->{status}, 404, 'restoring a task not in the trash: 404';
is as($A, POST => '/api/tasks/not-an-id/restore')->{status}, 404, 'a malformed id: 404';

# ---- If-Match
my $v = as($A, GET => "/api/tasks/$t->{id}")->{json}{task}{version};
$r = as($A, DELETE => "/api/tasks/$t->{id}", undef, { headers => { 'If-Match' => '"' . ($v + 5) . '"' } });
is $r->{status}, 412, 'DELETE with a stale If-Match: 412';
$r = as($A, DELETE => "/api/tasks/$t->{id}", undef, { headers => { 'If-Match' => qq("$v") } });
is $r->{status}, 204, 'with the right one: 204';

# ---- an expired one is gone
{
    my $u = dynamodb(UpdateItem => { TableName => table(),
        Key => { EntityPartition => { S => "USER_$A->{uid}" }, EntitySort => { S => "TASK_$t->{id}" } },
        UpdateExpression => 'SET NotificationExpiry = :e',
        ExpressionAttributeValues => { ':e' => { N => '' . (time - 10) } } });
    is $u->{status}, 200, 'expiry moved to the past (as after 30 days)';
    is_deeply ids($A, '?trash=true'), [], 'the trash no longer lists it';
    is as($A, POST => "/api/tasks/$t->{id}/restore")->{status}, 404, 'nor restores it';
}

# ---- permanent
$r = as($A, DELETE => "/api/tasks/$t->{id}?permanent=true");
is $r->{status}, 204, 'DELETE ?permanent=true of a trashed task: 204';
ok !task_item($A->{uid}, $t->{id}), 'the item is gone';
$r = as($A, DELETE => "/api/tasks/$keep->{id}?permanent=true");
is $r->{status}, 204, 'DELETE ?permanent=true of a live task: 204';
ok !task_item($A->{uid}, $keep->{id}), 'gone at once';
is as($A, DELETE => "/api/tasks/$keep->{id}?permanent=yes")->{status}, 400, 'permanent=yes: 400';

# ---- paging past trashed tasks: a default listing reads narrow (its only
# filter is the trash), and a page short of trashed items reads on
{
    my $C = new_user('trash-pages');
    my @t = map { as($C, POST => '/api/tasks', { title => "page $_" })->{json}{task} } 1 .. 10;
    is as($C, DELETE => "/api/tasks/$t[$_]{id}")->{status}, 204, "trash $_" for 2, 3, 4, 8;
    my ($cursor, @seen, $pages) = (undef);
    do {
        my $r = as($C, GET => '/api/tasks?limit=3' . ($cursor ? '&cursor=' . uri_escape($cursor) : ''));
        is $r->{status}, 200, 'a page' or last;
        ok @{ $r->{json}{items} } == 3 || !$r->{json}{nextCursor}, 'full pages but the last';
        push @seen, map { $_->{id} } @{ $r->{json}{items} };
        $cursor = $r->{json}{nextCursor};
    } while ($cursor && ++$pages < 10);
    is_deeply [sort @seen], [sort map { $t[$_]{id} } 0, 1, 5, 6, 7, 9], 'every live task once, no trashed one';
}

done_testing;
