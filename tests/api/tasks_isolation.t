#!/usr/bin/perl
# Two users cannot see, change or delete each other's tasks: not by id
# (404, the very body an unknown id gets), not by list, not with each
# other's cursors (400 invalid_cursor).
use strict;
use warnings;
use Test::More;
use FindBin;
use lib "$FindBin::Bin/lib";
use JSON::PP ();
use TaskmgrStack qw(:all);
use TaskmgrSpec qw(:all);
use ApiCalls qw(:all);

my $TABLE = stack_env('TASKMGR_TABLE');

# every task of the list, page by page: (ids, error)
sub list_ids {
    my ($u, $query) = @_;
    my (@ids, $cursor, $pages);
    do {
        my $q = join '&', grep { length } $query // '', $cursor ? 'cursor=' . uri_escape($cursor) : ();
        my $r = as($u, GET => '/api/tasks' . ($q ? "?$q" : ''));
        return (\@ids, "status $r->{status}: $r->{raw}") unless $r->{status} == 200;
        push @ids, map { $_->{id} } @{ $r->{json}{items} || [] };
        $cursor = $r->{json}{nextCursor};
        return (\@ids, 'more than 50 pages') if ++$pages > 50;
    } while (defined $cursor);
    return (\@ids, undef);
}

my $A = new_user('tasks-iso-a');
my $B = new_user('tasks-iso-b');
isnt $A->{uid}, $B->{uid}, 'two users';

my (@a_tasks, @b_tasks);
for my $i (1 .. 5) {
    my $r = as($A, POST => '/api/tasks', { title => "A's task $i", description => 'private',
                                           dueDate => sprintf('2031-10-%02dT08:00:00Z', $i),
                                           status => $i % 2 ? 'pending' : 'in_progress' });
    is $r->{status}, 201, "A creates task $i" or diag $r->{raw};
    push @a_tasks, $r->{json}{task};
}
for my $i (1 .. 3) {
    my $r = as($B, POST => '/api/tasks', { title => "B's task $i", dueDate => sprintf('2031-10-%02dT08:00:00Z', $i) });
    is $r->{status}, 201, "B creates task $i" or diag $r->{raw};
    push @b_tasks, $r->{json}{task};
}
ok task_item($B->{uid}, $b_tasks[0]{id}), "B's task is stored under USER_<B>";
ok !task_item($A->{uid}, $b_tasks[0]{id}), "... and not under USER_<A>";

my $unknown = as($B, GET => '/api/tasks/0b7c5c1e-8f0e-4c7e-9d7a-1a2b3c4d5e6f');
error_ok($unknown, 404, 'not_found', undef, 'an unknown id: 404');

# ---- by id
for my $t (@a_tasks[0, 1]) {
    my $path = "/api/tasks/$t->{id}";
    my @tries = (
        [ GET    => undef,                                                  {} ],
        [ PATCH  => { title => 'mine now' },                                {} ],
        [ PATCH  => { status => 'completed' },                              { headers => { 'If-Match' => '"1"' } } ],
        [ PATCH  => { dueDate => undef, description => 'B was here' },       {} ],
        [ DELETE => undef,                                                  {} ],
        [ DELETE => undef,                                                  { headers => { 'If-Match' => '"1"' } } ],
    );
    for my $try (@tries) {
        my ($m, $body, $opts) = @$try;
        my $r = as($B, $m => $path, $body, $opts);
        error_ok($r, 404, 'not_found', undef, "B: $m A's task" . ($opts->{headers} ? ' with If-Match' : '') . ': 404');
        is_deeply $r->{json}, $unknown->{json}, '... with the body an unknown id gets';
    }
    # the same through B's cookie session
    my $r = $B->{client}->api(GET => $path);
    spec_ok(GET => '/api/tasks/{id}', $r);
    error_ok($r, 404, 'not_found', undef, "B by cookie: GET A's task: 404");
    $r = $B->{client}->api(DELETE => $path);
    spec_ok(DELETE => '/api/tasks/{id}', $r);
    error_ok($r, 404, 'not_found', undef, "B by cookie: DELETE A's task: 404");

    my $g = as($A, GET => $path);
    is_deeply $g->{json}{task}, $t, "A's task is untouched";
    my $it = task_item($A->{uid}, $t->{id});
    is $it && $it->{Version}{N}, 1, '... Version 1 in DynamoDB';
}
ok !task_item($B->{uid}, $a_tasks[0]{id}), "B's attempts wrote nothing under USER_<B>";
{
    my $q = dynamodb(Query => {
        TableName                 => $TABLE,
        KeyConditionExpression    => 'EntityPartition = :p AND begins_with(EntitySort, :n)',
        ExpressionAttributeValues => { ':p' => { S => "USER_$B->{uid}" }, ':n' => { S => 'NOTIF_' } },
        ConsistentRead            => JSON::PP::true(),
    });
    is scalar(@{ $q->{json}{Items} || [] }), 0, 'no notification for B';
}

# A sees B's ids as unknown too
{
    my $r = as($A, GET => "/api/tasks/$b_tasks[0]{id}");
    error_ok($r, 404, 'not_found', undef, "A: GET B's task: 404");
    is_deeply $r->{json}, $unknown->{json}, '... with the body an unknown id gets';
}

# ---- by list
for my $query ('', 'sort=due', 'status=pending,in_progress', 'dueFrom=2031-10-01T00:00:00Z&dueTo=2031-10-31T00:00:00Z',
               'limit=2', 'limit=1&sort=due') {
    my ($ids, $err) = list_ids($B, $query);
    ok !$err, "B lists ($query)" or diag $err;
    is_deeply [ sort @$ids ], [ sort map { $_->{id} } @b_tasks ], "B's list ($query) holds B's tasks only";
    ($ids, $err) = list_ids($A, $query);
    my %want = map { $_->{id} => 1 } @a_tasks;
    is_deeply [ sort @$ids ], [ sort keys %want ], "A's list ($query) holds A's tasks only";
}

# ---- by cursor
for my $query ('limit=1', 'limit=2&sort=due', 'limit=1&status=pending,in_progress') {
    my $r = as($A, GET => "/api/tasks?$query");
    my $cursor = $r->{json}{nextCursor};
    ok defined $cursor, "A gets a cursor ($query)" or next;
    my $x = as($B, GET => "/api/tasks?$query&cursor=" . uri_escape($cursor));
    error_ok($x, 400, 'invalid_cursor', undef, "B uses A's cursor ($query): 400 invalid_cursor");
    my %a = map { $_->{id} => 1 } @a_tasks;
    ok !(grep { $a{ $_->{id} // '' } } @{ $x->{json}{items} || [] }), "... and sees none of A's tasks";
    $x = as($A, GET => "/api/tasks?$query&cursor=" . uri_escape($cursor));
    is $x->{status}, 200, "A's own cursor works for A ($query)" or diag $x->{raw};
}

done_testing;
