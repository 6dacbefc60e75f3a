#!/usr/bin/perl
# POST /api/tasks/batch: each action on several tasks, every id's outcome
# in order (200 with the task, 404 not the caller's / unknown / malformed /
# trashed, 409 an eleventh label), a completion recording its
# task_completed notification as a single PATCH does, delete to the
# trash, the body's errors, at most 100 ids, another user's ids untouched.
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $A = new_user('batch-a');
my $B = new_user('batch-b');

sub create { as($_[0], POST => '/api/tasks', { title => $_[1], %{ $_[2] || {} } })->{json}{task} }
sub batch {
    my ($u, $body) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my $r = as($u, POST => '/api/tasks/batch', $body);
    is $r->{status}, 200, "batch $body->{action}: 200" or diag $r->{raw};
    return $r->{json}{results} || [];
}

my @t = map { create($A, "task $_") } 1 .. 3;
my $other = create($B, "B's task");
my @ids = map { $_->{id} } @t;

# complete: each done, notifications recorded, B's id unknown
my $res = batch($A, { action => 'complete', ids => [@ids, $other->{id}, 'nope'] });
is_deeply [map { $_->{id} } @$res], [@ids, $other->{id}, 'nope'], 'every id answered, in order';
is_deeply [map { $_->{status} } @$res], [200, 200, 200, 404, 404], "A's done, B's and a malformed one 404";
is_deeply [map { $_->{task}{status} } @$res[0 .. 2]], [('completed') x 3], 'the tasks as they are now';
ok !exists $res->[3]{task}, 'no task for a 404';
my $n = as($A, GET => '/api/notifications?limit=50')->{json}{items};
is scalar(grep { $_->{type} eq 'task_completed' } @$n), 3, 'three task_completed notifications';
ok !(grep { defined task_item($A->{uid}, $_)->{OutboxAt} } @ids), 'no outbox marker left';
is as($B, GET => "/api/tasks/$other->{id}")->{json}{task}{status}, 'pending', "B's task untouched";

my $again = batch($A, { action => 'complete', ids => [$ids[1]] });
is $again->[0]{task}{version}, $res->[1]{task}{version}, 'completing a completed task: nothing written';

# reopen: completed ones reopened, an open one unchanged (200)
my $open = create($A, 'open one');
$res = batch($A, { action => 'reopen', ids => [$ids[0], $open->{id}] });
is_deeply [map { $_->{status} } @$res], [200, 200], 'reopen: 200 each';
is $res->[0]{task}{status}, 'pending', 'reopened';
is $res->[1]{task}{version}, $open->{version}, 'an open task: nothing written';

# move, setPriority, labels
my $list = as($A, POST => '/api/lists', { name => 'Batch' })->{json}{list};
$res = batch($A, { action => 'move', ids => \@ids, listId => $list->{id} });
is_deeply [map { $_->{task}{listId} } @$res], [($list->{id}) x 3], 'moved';
$res = batch($A, { action => 'setPriority', ids => \@ids, priority => 1 });
is_deeply [map { $_->{task}{priority} } @$res], [1, 1, 1], 'priority set';
$res = batch($A, { action => 'addLabel', ids => [@ids[0, 1]], label => 'Urgent' });
is_deeply [map { $_->{task}{labels} } @$res], [['Urgent'], ['Urgent']], 'label added';
$res = batch($A, { action => 'addLabel', ids => [$ids[0]], label => 'urgent' });
is $res->[0]{task}{version}, as($A, GET => "/api/tasks/$ids[0]")->{json}{task}{version},
    'adding a label it has (case ignored): nothing written';
$res = batch($A, { action => 'removeLabel', ids => \@ids, label => 'URGENT' });
is_deeply [map { $_->{task}{labels} } @$res], [[], [], []], 'label removed (case ignored), none where absent';
my $full = create($A, 'ten labels', { labels => [map { "l$_" } 1 .. 10] });
$res = batch($A, { action => 'addLabel', ids => [$full->{id}], label => 'eleven' });
is $res->[0]{status}, 409, 'an eleventh label: 409';

# delete: to the trash
$res = batch($A, { action => 'delete', ids => [$ids[2], $ids[2]] });
is_deeply [map { $_->{status} } @$res], [200, 404], 'deleted, then already in the trash';
is as($A, GET => "/api/tasks/$ids[2]")->{status}, 404, 'gone from GET';
is_deeply [map { $_->{id} } @{ as($A, GET => '/api/tasks?trash=true')->{json}{items} }], [$ids[2]], 'in the trash';

# the body
for my $b ([{ ids => \@ids }, 'missing action'], [{ action => 'explode', ids => \@ids }, 'unknown action'],
           [{ action => 'move', ids => \@ids }, 'move without listId'],
           [{ action => 'setPriority', ids => \@ids, priority => 7 }, 'priority 7'],
           [{ action => 'addLabel', ids => \@ids }, 'addLabel without label'],
           [{ action => 'complete', ids => [map { "x$_" } 1 .. 101] }, '101 ids'],
           [{ action => 'complete', ids => 'all' }, 'ids not an array'],
           [{ action => 'move', ids => \@ids, listId => '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b' }, "a list not A's"]) {
    my $r = as($A, POST => '/api/tasks/batch', $b->[0]);
    is $r->{status}, 400, "$b->[1]: 400" or diag $r->{raw};
}
is as($B, GET => "/api/tasks/$other->{id}")->{json}{task}{version}, $other->{version}, "B's task never written";

done_testing;
